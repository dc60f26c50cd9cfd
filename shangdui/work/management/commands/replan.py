from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangdui.org.models import Organization
from shangdui.work import services


class Command(BaseCommand):
    help = "Re-plan an organization's schedules now (the same service the background job runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="short name of the organization")
        parser.add_argument("--time-limit", type=float, default=services.REPLAN_TIME_LIMIT_S,
                            help="solver time limit in seconds (the greedy result is the fallback)")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["slug"]).first()
        if organization is None:
            raise CommandError(f"no organization with short name {options['slug']!r}")
        result = services.schedule_replan(organization=organization, time_limit_s=options["time_limit"])
        self.stdout.write(
            f"{result['placed']}/{result['tasks']} tasks placed for {result['members']} members "
            f"({result['solver']}, {result['status']}); {result['unplaced']} do not fit.")
