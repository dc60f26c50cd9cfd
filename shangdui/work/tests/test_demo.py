"""The demo company has running plans whose tasks are in members' days."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from shangdui.org.demo import build_demo
from shangdui.work.models import DailySummary, Plan, ScheduleItem, Task

pytestmark = pytest.mark.django_db


def test_demo_plans_are_scheduled_into_members_days() -> None:
    started = time.monotonic()
    organization, _logins = build_demo(slug="demo-work")
    elapsed = time.monotonic() - started
    ours = {"店铺首页改版", "双11大促复盘"}  # other apps' demos may add plans of their own
    assert ours <= set(Plan.objects.filter(organization=organization).values_list("title", flat=True))
    assert Task.objects.filter(organization=organization, plan__title__in=ours).count() == 20
    upcoming = ScheduleItem.objects.filter(organization=organization, date__gte=timezone.localdate(), done=False)
    assert upcoming.values("member").distinct().count() >= 5
    unplaced = Task.objects.filter(organization=organization, plan__title__in=ours).exclude(unplaced_code="")
    assert list(unplaced.values_list("title", "unplaced_code")) == [("首页直播入口设计", "no_strength")]
    assert DailySummary.objects.filter(organization=organization, submitted_at__isnull=False).exists()
    assert elapsed < 30, f"demo took {elapsed:.1f}s"
