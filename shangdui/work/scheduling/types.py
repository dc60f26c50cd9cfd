"""Value types of the scheduling engine.

The engine is pure Python: it knows nothing of Django models. The caller turns members, tasks and
existing schedule items into these frozen values, calls :func:`shangdui.work.scheduling.schedule`
and writes the returned placements back as ScheduleItem rows.

Conventions shared by every function of the engine:

- The horizon is ``days`` calendar days from ``start`` (inclusive). A member works on a date when its
  weekday (Monday = 0) is in ``Member.weekdays`` and the date is not in ``Member.leave``.
- Hours are planned in units of half an hour (:data:`UNIT_HOURS`); estimates are rounded up to it.
- Finish-to-start: a task's non-pinned hours lie on days strictly *after* the last day on which any
  of its dependencies has hours (pinned or not). Two dependent tasks are never on the same day, so a
  member's day list never holds a task whose prerequisite is still unfinished that day.
- Due dates are hard: a task is either placed completely on or before its due date, or it is listed
  in :attr:`ScheduleResult.unplaced` with a reason. Nothing is dropped silently.
- Pins are a manager's decision and are kept exactly, even on a day off or beyond capacity; pinned
  hours count towards the task's hours and use up the member's capacity that day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

MemberId = int | str
TaskId = int | str

#: Planning granularity in hours.
UNIT_HOURS = 0.5
#: A task estimate above this is treated as a typo (e.g. 8000 instead of 8).
MAX_TASK_HOURS = 2000.0
#: Priority levels: 1 (low) .. 5 (urgent). Weight of an on-time task in the objective.
PRIORITY_WEIGHT = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}


def _frozen_map(value: Mapping[Any, Any] | None) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class Member:
    """Someone who can be given work.

    ``strengths`` maps a strength tag (e.g. "修图") to a level 1..5; ``load`` maps a date to hours
    already booked outside the scheduled tasks (meetings, duty), which reduce that day's capacity.
    """

    id: MemberId
    name: str
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    daily_hours: float = 8.0
    leave: frozenset[date] = frozenset()
    strengths: Mapping[str, int] = field(default_factory=dict)
    load: Mapping[date, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "leave", frozenset(self.leave))
        object.__setattr__(self, "strengths", _frozen_map(self.strengths))
        object.__setattr__(self, "load", _frozen_map(self.load))


@dataclass(frozen=True)
class Pin:
    """Hours a manager fixed by hand on a member's day."""

    member_id: MemberId
    date: date
    hours: float


@dataclass(frozen=True)
class Task:
    """A piece of work to place.

    - ``required`` maps a strength tag to the minimum level a member needs (empty: anyone).
    - ``assignees``: the members chosen by the manager; the hours may be split among them. Empty:
      the scheduler picks one member whose strengths fit.
    - ``started_by``: the member who already started the task; the remaining hours stay with them.
    - ``done_hours``: hours already worked, not scheduled again.
    - ``pins``: placements kept exactly; they count towards ``hours``.
    - ``depends_on``: ids of tasks that must finish first. Ids not among the tasks passed in are
      treated as finished (the caller passes open tasks only).
    """

    id: TaskId
    title: str
    hours: float
    due: date | None = None
    priority: int = 2
    required: Mapping[str, int] = field(default_factory=dict)
    depends_on: tuple[TaskId, ...] = ()
    assignees: tuple[MemberId, ...] = ()
    started_by: MemberId | None = None
    done_hours: float = 0.0
    pins: tuple[Pin, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", _frozen_map(self.required))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))
        object.__setattr__(self, "assignees", tuple(self.assignees))
        object.__setattr__(self, "pins", tuple(self.pins))

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHT.get(self.priority, PRIORITY_WEIGHT[1 if self.priority < 1 else 5])


@dataclass(frozen=True)
class Placement:
    """Hours of a task on a member's day (a ScheduleItem to be), with a reason a manager can read."""

    task_id: TaskId
    member_id: MemberId
    date: date
    hours: float
    reason: str
    pinned: bool = False


class Reason:
    """Reason codes of :class:`Unplaced`, with the Chinese text shown as 排不下的原因."""

    NO_STRENGTH = "no_strength"
    NO_CAPACITY = "no_capacity"
    CYCLE = "dependency_cycle"
    DEPENDENCY_UNPLACED = "dependency_unplaced"
    BAD_ESTIMATE = "bad_estimate"
    DUE_PAST = "due_past"
    UNKNOWN_MEMBER = "unknown_member"
    NO_WORKING_DAYS = "no_working_days"

    TEXT = {
        NO_STRENGTH: "无人具备所需能力",
        NO_CAPACITY: "截止日期前产能不足",
        CYCLE: "依赖存在循环",
        DEPENDENCY_UNPLACED: "依赖任务无法安排",
        BAD_ESTIMATE: "估时无效",
        DUE_PAST: "截止日期已过",
        UNKNOWN_MEMBER: "指派的成员不存在",
        NO_WORKING_DAYS: "可选成员在排期内没有工作日",
    }


@dataclass(frozen=True)
class Unplaced:
    """A task (or the rest of it) that could not be placed: 排不下."""

    task_id: TaskId
    code: str
    reason: str


@dataclass(frozen=True)
class ScheduleResult:
    """What the engine decided.

    ``solver`` is "cp-sat-exact", "cp-sat" (aggregated model) or "greedy" (plus "round-robin" and
    "least-loaded" baselines); ``status`` is "optimal" (proven, exact model only), "feasible" (a
    sound schedule, optimality not proven) or "fallback" (the greedy result, used when CP-SAT found
    nothing better or its result failed validation).
    ``stats`` holds figures such as on-time share and member utilisation.
    """

    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    solver: str
    status: str
    stats: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Violation:
    """A broken rule found by :func:`shangdui.work.scheduling.validate.validate`."""

    code: str
    message: str
    task_id: TaskId | None = None
    member_id: MemberId | None = None
    date: date | None = None
