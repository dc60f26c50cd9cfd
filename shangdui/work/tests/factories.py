"""Small builders for the work app's tests (plans and tasks go through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from shangdui.work import services
from shangdui.work.models import Plan, Task

MONDAY = dt.date(2026, 11, 30)


def make_plan(world: Any, **kw: Any) -> Plan:
    defaults: dict[str, Any] = {
        "actor": world.manager, "organization": world.org, "title": "店铺首页改版", "start": MONDAY,
        "end": MONDAY + dt.timedelta(days=27), "members": [world.member],
    }
    return services.plan_create(**{**defaults, **kw})


def make_task(world: Any, plan: Plan, title: str = "首页主图", hours: str = "6", **kw: Any) -> Task:
    return services.task_create(actor=world.manager, plan=plan, title=title, estimate_hours=Decimal(hours), **kw)
