"""Goals agreed both ways, recorded changes, reviews feeding the pay run, one-to-ones, feedback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shangdui.core.models import AuditLog
from shangdui.performance import goals, people, reviews, services
from shangdui.performance.models import Feedback, Goal, GoalChange, PayLine, Review
from shangdui.performance.tests.factories import PERIOD, base_plans_for_everyone, make_order

pytestmark = pytest.mark.django_db
OCT = {"period_start": dt.date(2026, 10, 1), "period_end": dt.date(2026, 10, 31)}


def _goal(world: Any, **kw: Any) -> Goal:
    fields = {"title": "10月净销售额", "measure": "net_sales", "target": Decimal("100000"),
              "shop_ids": [world.shop.id], **OCT}
    fields.update(kw)
    return goals.goal_propose(actor=world.manager, organization=world.org, member=world.member, **fields)


def test_goal_needs_both_sides_and_changes_only_by_agreement(world: Any) -> None:
    goal = _goal(world)
    assert goal.state == Goal.State.PROPOSED and goal.manager_confirmed and not goal.member_confirmed
    goals.goal_comment(actor=world.member, goal=goal, text="目标偏高，大促只有一周")
    goal = goals.goal_update(actor=world.member, goal=goal, target=Decimal("90000"))
    assert goal.member_confirmed and not goal.manager_confirmed  # the other side must look again
    with pytest.raises(PermissionError):
        goals.goal_confirm(actor=world.peer, goal=goal)
    goals.goal_confirm(actor=world.manager, goal=goal)
    goal.refresh_from_db()
    assert goal.state == Goal.State.AGREED and goal.agreed_at is not None
    with pytest.raises(ValidationError, match="双方确认"):
        goals.goal_update(actor=world.manager, goal=goal, target=Decimal("50000"))
    change = goals.goalchange_propose(actor=world.member, goal=goal, reason="大促延期", target=Decimal("80000"))
    goal.refresh_from_db()
    assert goal.target == Decimal("90000")  # not applied until both confirm
    goals.goalchange_confirm(actor=world.manager, change=change)
    goal.refresh_from_db()
    change.refresh_from_db()
    assert goal.target == Decimal("80000") and change.state == GoalChange.State.APPLIED
    assert AuditLog.objects.filter(target_type="performance.goal").count() >= 5


def test_goal_progress_is_live_from_orders(world: Any) -> None:
    goal = _goal(world)
    make_order(world.shop, "G1", "30000", refund="5000", day=dt.date(2026, 10, 3))
    make_order(world.shop, "G2", "20000", day=dt.date(2026, 10, 20))
    assert goals.goal_progress(goal, today=dt.date(2026, 10, 10)).value == Decimal("25000.00")
    progress = goals.goal_progress(goal, today=dt.date(2026, 11, 5))
    assert progress.value == Decimal("45000.00") and progress.ratio == Decimal("45.00")


def _finished_review(world: Any, coefficient: str = "1.20", reward: str = "300", penalty: str = "0") -> Review:
    goal = _goal(world, measure="manual", target=Decimal("10"), shop_ids=[])
    goals.goal_confirm(actor=world.member, goal=goal)
    goals.goal_record_progress(actor=world.member, goal=goal, value=Decimal("8"))
    cycle = reviews.reviewcycle_create(actor=world.manager, organization=world.org, name="2026年10月考核",
                                       deadline=dt.date(2026, 11, 5), members=[world.member], **OCT)
    review = cycle.reviews.get()
    assert review.goal_results[0]["ratio"] == "80.00"  # self-assessment pre-filled with the result
    reviews.review_submit_self(actor=world.member, review=review, text="完成八成", score=Decimal("85"))
    with pytest.raises(ValidationError, match="不能重复提交"):
        reviews.review_submit_self(actor=world.member, review=review, text="again")
    with pytest.raises(PermissionError):
        reviews.review_submit_manager(actor=world.peer, review=review, text="x", score=Decimal(1),
                                      bonus_coefficient=Decimal(1))
    reviews.review_submit_manager(actor=world.manager, review=review, text="不错", score=Decimal("88"),
                                  bonus_coefficient=Decimal(coefficient), reward=Decimal(reward),
                                  penalty=Decimal(penalty))
    reviews.review_confirm(actor=world.member, review=review)
    review = reviews.review_confirm(actor=world.manager, review=review, conversation="面谈记录")
    assert review.state == Review.State.DONE and review.final_score == Decimal("88")
    return review


def test_review_outcome_feeds_the_bonus_in_the_pay_run(world: Any) -> None:
    _finished_review(world, coefficient="1.20", reward="300", penalty="50")
    services.payplan_create(actor=world.director, organization=world.org, name="绩效", kind="bonus",
                            member=world.member, bonus_pool=Decimal("2000"))
    base_plans_for_everyone(world)
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    statement = run.statements.get(member=world.member)
    assert statement.bonus == Decimal("2400.00")
    assert statement.lines.get(kind=PayLine.Kind.BONUS).evidence["coefficient"] == "1.20"
    assert statement.lines.get(kind=PayLine.Kind.REWARD).amount == Decimal("300.00")
    assert statement.lines.get(kind=PayLine.Kind.PENALTY).amount == Decimal("-50.00")
    assert statement.total == Decimal("8000.50") + Decimal("2400") + Decimal("250")
    peer = run.statements.get(member=world.peer)
    assert peer.bonus == Decimal("0.00")


def test_capability_profile_chart_on_the_reviews_page(world: Any, login: Any) -> None:
    _finished_review(world)
    body = login(world.member).get("/performance/reviews/").content.decode()
    assert 'data-testid="capability-chart"' in body and "80.0" in body  # completion of the manual goal


def test_bonus_plan_without_review_is_flagged(world: Any) -> None:
    services.payplan_create(actor=world.director, organization=world.org, name="绩效", kind="bonus",
                            member=world.member, bonus_pool=Decimal("2000"))
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    assert any(p["code"] == "no_review" and p["member_id"] == world.member.id for p in run.problems)


def test_one_on_ones_overdue_dashboard_and_private_notes(world: Any) -> None:
    now = timezone.now()
    held = people.oneonone_schedule(actor=world.manager, member=world.member, scheduled_for=now)
    people.oneonone_record(actor=world.manager, one_on_one=held, shared_notes="下周上新",
                           private_notes="考虑调岗", held_at=now - dt.timedelta(days=3),
                           action_items=["整理竞品价格表", ""])
    from shangdui.work.models import Task

    task = Task.objects.get(pk=held.action_items[0]["task_id"])
    assert task.title == "整理竞品价格表" and list(task.assignees.all()) == [world.member]
    people.oneonone_record(actor=world.manager, one_on_one=held, shared_notes="下周上新",
                           action_items=["整理竞品价格表", "周五交方案"])
    assert Task.objects.filter(organization=world.org).count() == 2  # the first item kept its task
    with pytest.raises(PermissionError):
        people.oneonone_record(actor=world.member, one_on_one=held, shared_notes="x")
    assert not people.can_see_private_notes(world.member, held)
    assert not people.can_see_private_notes(world.peer, held)
    assert people.can_see_private_notes(world.manager, held) and people.can_see_private_notes(world.director, held)
    overdue = {row.member.id: row.days for row in people.overdue_one_on_ones(world.manager)}
    assert world.member.id not in overdue and overdue[world.peer.id] is None  # Bob never had one


def test_praise_is_public_criticism_private(world: Any) -> None:
    praise = people.feedback_give(actor=world.peer, member=world.member, kind="praise", text="帮我改了主图")
    with pytest.raises(PermissionError):
        people.feedback_give(actor=world.peer, member=world.member, kind="criticism", text="x")
    criticism = people.feedback_give(actor=world.manager, member=world.member, kind="criticism", text="退款回复慢",
                                     evidence="订单 A1")
    assert people.can_see_feedback(world.other_member, praise)
    assert not people.can_see_feedback(world.peer, criticism)
    assert not people.can_see_feedback(world.finance, criticism)
    assert people.can_see_feedback(world.member, criticism) and people.can_see_feedback(world.director, criticism)
    assert [f.kind for f in people.praise_wall(world.org.id)] == [Feedback.Kind.PRAISE]


def test_meeting_problems_tracked_until_closed(world: Any) -> None:
    meeting = people.meeting_create(actor=world.manager, organization=world.org, title="周会",
                                    held_on=dt.date(2026, 10, 12), department=world.ops)
    item = people.meetingitem_add(actor=world.member, meeting=meeting, kind="problem", text="主图审核慢",
                                  owner=world.manager, due=dt.date(2026, 10, 19))
    assert people.agenda_for(world.manager)[0]["kind"] == "item"
    from shangdui.work.models import Task

    task = Task.objects.get(pk=item.task_id)  # the owner's problem lands in their 日程 as a task
    assert list(task.assignees.all()) == [world.manager] and task.due == dt.date(2026, 10, 19)
    with pytest.raises(PermissionError):
        people.meetingitem_set_state(actor=world.other_member, item=item, state="closed")
    people.meetingitem_set_state(actor=world.manager, item=item, state="closed")
    item.refresh_from_db()
    task.refresh_from_db()
    assert item.closed_at is not None and task.status == Task.Status.DONE


def test_goal_list_costs_one_sales_query_per_period(world: Any, login: Any,
                                                    django_assert_max_num_queries: Any) -> None:
    for index in range(8):
        goal = _goal(world, title=f"目标{index}")
        goals.goal_confirm(actor=world.member, goal=goal)
    make_order(world.shop, "L1", "500.00")
    listed = goals.goals_with_progress(goals.goals_for(world.manager), today=dt.date(2026, 10, 31))
    assert [p.value for _g, p in listed] == [Decimal("500.00")] * 8
    client = login(world.manager)
    with django_assert_max_num_queries(15):
        assert client.get("/performance/goals/").status_code == 200


def test_suggested_slots_avoid_the_managers_other_one_on_ones(world: Any, login: Any) -> None:
    now = dt.datetime(2026, 11, 23, 8, 0, tzinfo=timezone.get_current_timezone())  # a Monday morning
    people.oneonone_schedule(actor=world.manager, member=world.peer,
                             scheduled_for=dt.datetime(2026, 11, 23, 10, 30, tzinfo=timezone.get_current_timezone()))
    slots = people.suggest_slots(world.manager, world.member, now=now)
    assert [timezone.localtime(s).strftime("%a %H") for s in slots] == ["Mon 16", "Tue 10", "Tue 16", "Wed 10"]
    assert people.cadence_due(world.member, None, now=now) == dt.date(2026, 11, 23)
    people.cadence_set(actor=world.manager, member=world.member, per_month=4)
    assert people.cadence_due(world.member, now, now=now) == dt.date(2026, 11, 30)
    body = login(world.manager).get(f"/performance/one-on-ones/?member={world.member.pk}").content.decode()
    assert 'data-testid="slot"' in body


def test_api_overdue_and_open_items_stay_in_the_organization(world: Any, login: Any) -> None:
    meeting = people.meeting_create(actor=world.manager, organization=world.org, title="周会",
                                    held_on=dt.date(2026, 10, 12))
    people.meetingitem_add(actor=world.member, meeting=meeting, kind="problem", text="主图审核慢")
    overdue = login(world.manager).get("/api/one-on-ones/overdue").json()
    assert {row["member"] for row in overdue} >= {"Alice", "Bob"}
    assert login(world.member).get("/api/one-on-ones/overdue").json() == []
    assert [i["text"] for i in login(world.peer).get("/api/meeting-items").json()] == ["主图审核慢"]
    assert login(world.other_director).get("/api/meeting-items").json() == []
