"""The manager home (issue 6 item 7): the team's risk list and a card per member.

Reads only; a fixed number of queries whatever the team size (goals, one-to-ones, inspection in two
windows, 日报, open items), so the page stays flat for a manager of fifty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Max, Q
from django.utils import timezone

from shangdui.org.access import managed_member_ids
from shangdui.org.models import Member
from shangdui.performance import selectors
from shangdui.performance.goals import Progress, is_behind
from shangdui.performance.models import Goal, MeetingItem

TREND_DAYS = 14  # inspection trend: the last 14 days against the 14 before
FALL_POINTS = 5  # a fall of 5 points (of 100) or more is a risk
SUMMARY_DAYS = 7  # missed 日报: working days of the last week, today not counted
STREAK_DAYS = 60


@dataclass
class MemberCard:
    member: Member
    goals: list[tuple[Goal, Progress]] = field(default_factory=list)
    last_one_on_one: dt.datetime | None = None
    score_now: int | None = None  # inspection score % of the last TREND_DAYS
    score_before: int | None = None
    streak: int = 0  # consecutive working days with a submitted 日报, up to yesterday (or today)
    missed: list[dt.date] = field(default_factory=list)
    open_items: int = 0

    @property
    def goal_ratio(self) -> Decimal | None:
        """Weighted completion of the member's current goals (capped at 100 % each)."""
        weights = sum((g.weight for g, _p in self.goals), Decimal(0))
        if not self.goals or not weights:
            return None
        total = sum((min(p.ratio, Decimal(100)) * g.weight for g, p in self.goals), Decimal(0))
        return (total / weights).quantize(Decimal("0.1"))

    @property
    def falling(self) -> bool:
        return (self.score_now is not None and self.score_before is not None
                and self.score_before - self.score_now >= FALL_POINTS)

    @property
    def trend(self) -> int | None:
        if self.score_now is None or self.score_before is None:
            return None
        return self.score_now - self.score_before


def _percent(row: dict[str, int] | None) -> int | None:
    return round(100 * row["score"] / row["max"]) if row and row["max"] else None


def _working(member: Member, day: dt.date) -> bool:
    return day.weekday() in (member.working_days or [0, 1, 2, 3, 4])


def team_cards(viewer: Member, team_goals: list[tuple[Goal, Progress]], today: dt.date | None = None,
               now: dt.datetime | None = None) -> list[MemberCard]:
    """A card per active member the viewer manages, in name order."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    members = list(Member.objects.filter(organization_id=viewer.organization_id, id__in=managed_member_ids(viewer),
                                         is_active=True).exclude(pk=viewer.pk).select_related("position")
                   .annotate(last_held=Max("one_on_ones__held_at", filter=Q(one_on_ones__held_at__isnull=False)))
                   .order_by("name", "id"))
    cards = {m.id: MemberCard(member=m, last_one_on_one=m.last_held) for m in members}  # type: ignore[attr-defined]
    for goal, progress in team_goals:
        if goal.member_id in cards:
            cards[goal.member_id].goals.append((goal, progress))
    ids = list(cards)
    midnight = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    split = midnight - dt.timedelta(days=TREND_DAYS)
    try:
        recent = selectors.inspection_by_member(viewer.organization_id, ids, split, midnight)
        before = selectors.inspection_by_member(viewer.organization_id, ids, split - dt.timedelta(days=TREND_DAYS),
                                                split)
    except LookupError:
        recent, before = {}, {}
    submitted: set[tuple[int, dt.date]] = set()
    try:
        summary_model = apps.get_model("work", "DailySummary")
        submitted = set(summary_model.objects.filter(
            organization_id=viewer.organization_id, member_id__in=ids, submitted_at__isnull=False,
            date__gt=today - dt.timedelta(days=STREAK_DAYS), date__lte=today).values_list("member_id", "date"))
    except LookupError:
        pass
    open_counts = dict(MeetingItem.objects.filter(meeting__organization_id=viewer.organization_id, owner_id__in=ids)
                       .exclude(state=MeetingItem.State.CLOSED).order_by().values("owner_id")
                       .annotate(n=Count("id")).values_list("owner_id", "n"))
    for member_id, card in cards.items():
        card.score_now, card.score_before = _percent(recent.get(member_id)), _percent(before.get(member_id))
        card.open_items = open_counts.get(member_id, 0)
        member = card.member
        day = today if (member_id, today) in submitted else today - dt.timedelta(days=1)
        while day > today - dt.timedelta(days=STREAK_DAYS):
            if _working(member, day):
                if (member_id, day) not in submitted:
                    break
                card.streak += 1
            day -= dt.timedelta(days=1)
        joined = timezone.localdate(member.created_at)  # nobody misses a 日报 before they joined
        card.missed = [d for d in (today - dt.timedelta(days=n) for n in range(1, SUMMARY_DAYS + 1))
                       if d >= joined and _working(member, d) and (member_id, d) not in submitted]
    return list(cards.values())


def risk_list(cards: list[MemberCard], team_goals: list[tuple[Goal, Progress]],
              overdue: list[Any], open_items: list[MeetingItem], today: dt.date) -> dict[str, list[Any]]:
    """The five kinds of risk of the issue: behind target, falling inspection scores, missed 日报,
    overdue one-to-ones, open problems."""
    return {
        "behind": [(g, p) for g, p in team_goals if is_behind(g, p, today)],
        "falling": [c for c in cards if c.falling],
        "missed": [c for c in cards if c.missed],
        "overdue": overdue,
        "problems": [i for i in open_items if i.kind == MeetingItem.Kind.PROBLEM],
    }
