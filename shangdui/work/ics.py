"""A member's schedule as an iCalendar feed (subscribed from a phone calendar)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from shangdui.org.models import Member
from shangdui.work.models import ScheduleItem


def calendar_for(member: Member, items: Iterable[ScheduleItem]) -> bytes:
    """All-day events, one per schedule item; the UID is stable so calendars update in place."""
    cal = Calendar()
    cal.add("prodid", "-//Shangdui//work//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{member.name} · 日程")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = timezone.now()
    for item in items:
        event = Event()
        event.add("uid", f"schedule-item-{item.pk}@{member.organization.slug}.shangdui")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.date)
        event.add("dtend", item.date + dt.timedelta(days=1))
        prefix = "✓ " if item.done else ""
        event.add("summary", f"{prefix}{item.label}（{item.hours:g}h）")
        details = [item.reason] if item.reason else []
        if item.task is not None:
            details.append(item.task.plan.title)
        if details:
            event.add("description", "\n".join(details))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
