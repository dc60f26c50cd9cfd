"""Scheduling engine: split tasks' hours into members' working days (日程).

Pure Python on frozen values; the Django side converts models to and from these types::

    result = schedule(members, tasks, start=date(2026, 11, 30), days=28, time_limit_s=3)
    problems = validate(members, tasks, date(2026, 11, 30), 28, result)  # [] when sound
"""

from .greedy import greedy, least_loaded, round_robin
from .solver import schedule
from .types import (
    MAX_TASK_HOURS,
    PRIORITY_WEIGHT,
    UNIT_HOURS,
    Member,
    Pin,
    Placement,
    Reason,
    ScheduleResult,
    Task,
    Unplaced,
    Violation,
)
from .validate import validate

__all__ = [
    "MAX_TASK_HOURS",
    "PRIORITY_WEIGHT",
    "UNIT_HOURS",
    "Member",
    "Pin",
    "Placement",
    "Reason",
    "ScheduleResult",
    "Task",
    "Unplaced",
    "Violation",
    "greedy",
    "least_loaded",
    "round_robin",
    "schedule",
    "validate",
]
