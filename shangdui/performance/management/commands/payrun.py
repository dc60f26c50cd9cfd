"""Compute a month's pay run from the command line (the same service the pages and API call)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shangdui.org.models import Member, Organization
from shangdui.performance import services


class Command(BaseCommand):
    help = "Compute (or recompute, while a draft) the pay run of a month: payrun <org slug> 2026-10"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("organization", help="the organization's short name (slug)")
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--as", dest="username", help="login name of the finance/HR or director running it")

    def handle(self, *args: Any, organization: str, month: str, username: str | None, **options: Any) -> None:
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise CommandError(f"没有简称为 {organization} 的组织。")
        try:
            period = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise CommandError("月份格式应为 2026-10。") from None
        actors = Member.objects.filter(organization=org, role__in=[Member.Role.FINANCE, Member.Role.DIRECTOR])
        actor = actors.filter(user__username=username).first() if username else actors.order_by("role", "id").first()
        if actor is None:
            raise CommandError("找不到可以核算薪酬的财务/人事或总监账号。")
        try:
            run = services.payrun_run(actor=actor, organization=org, period=period)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"{run.period:%Y-%m} {run.get_status_display()}: "
                          f"{run.statement_count} 张工资条，合计 ¥{run.total:,.2f}")
        for problem in run.problems:
            self.stdout.write(f"  ! {problem['member']}: {problem['message']}")
