"""Access-matrix rows for the performance app (merged by core/tests/test_access_matrix.py).

Objects belong to Alice (the subject) in org A. Pay, reviews, private notes and criticism: Alice,
her manager chain (Mia), the director and (except one-to-ones and criticism) finance/HR; never her
peer Bob, never the other company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from shangdui.core.testing import everyone, expect

Url = Callable[[Any], str]
PERIOD = dt.date(2026, 10, 1)


def _memo(w: Any, name: str, make: Callable[[], Any]) -> Any:
    if not hasattr(w, name):
        setattr(w, name, make())
    return getattr(w, name)


def _plan(w: Any) -> Any:
    from shangdui.performance import services

    return _memo(w, "_perf_plan", lambda: services.payplan_create(
        actor=w.director, organization=w.org, name="Alice 底薪", kind="base", member=w.member))


def _run(w: Any) -> Any:
    from shangdui.performance import services

    _plan(w)
    return _memo(w, "_perf_run", lambda: services.payrun_run(actor=w.finance, organization=w.org, period=PERIOD))


def _statement(w: Any) -> Any:
    return _run(w).statements.get(member=w.member)


def _goal(w: Any) -> Any:
    from shangdui.performance import goals

    return _memo(w, "_perf_goal", lambda: goals.goal_propose(
        actor=w.manager, organization=w.org, member=w.member, title="10月净销售额", measure="manual",
        target=Decimal("100"), period_start=PERIOD, period_end=dt.date(2026, 10, 31)))


def _review(w: Any) -> Any:
    from shangdui.performance import reviews

    return _memo(w, "_perf_review", lambda: reviews.reviewcycle_create(
        actor=w.manager, organization=w.org, name="10月考核", period_start=PERIOD, period_end=dt.date(2026, 10, 31),
        deadline=dt.date(2026, 11, 5), members=[w.member]).reviews.get())


def _one_on_one(w: Any) -> Any:
    from django.utils import timezone

    from shangdui.performance import people

    return _memo(w, "_perf_1on1", lambda: people.oneonone_schedule(
        actor=w.manager, member=w.member, scheduled_for=timezone.now()))


def _meeting(w: Any) -> Any:
    from shangdui.performance import people

    return _memo(w, "_perf_meeting", lambda: people.meeting_create(
        actor=w.manager, organization=w.org, title="周会", held_on=PERIOD))


def _item(w: Any) -> Any:
    from shangdui.performance import people

    return _memo(w, "_perf_item", lambda: people.meetingitem_add(
        actor=w.manager, meeting=_meeting(w), kind="problem", text="发货慢"))


def _criticism(w: Any) -> Any:
    from shangdui.performance import people

    return _memo(w, "_perf_criticism", lambda: people.feedback_give(
        actor=w.manager, member=w.member, kind="criticism", text="回复客户太慢"))


PRIVATE = expect(302, 200, 404, 200, 200, 200, 404)
PAYROLL = expect(302, 404, 404, 404, 200, 200, 200)
PAYROLL_OBJECT = expect(302, 404, 404, 404, 200, 200, 404)
ORG_OBJECT = expect(302, 200, 200, 200, 200, 200, 404)

PAGES: dict[str, tuple[str, Url, dict[str, Any], dict[str, int]]] = {
    "performance:home": ("get", lambda w: "/performance/", {}, everyone(200)),
    "performance:goal_list": ("get", lambda w: "/performance/goals/", {}, everyone(200)),
    "performance:goal_create": ("get", lambda w: "/performance/goals/new/", {}, everyone(200)),
    "performance:goal_detail": ("get", lambda w: f"/performance/goals/{_goal(w).pk}/", {}, ORG_OBJECT),
    "performance:review_list": ("get", lambda w: "/performance/reviews/", {}, everyone(200)),
    "performance:review_detail": ("get", lambda w: f"/performance/reviews/{_review(w).pk}/", {}, PRIVATE),
    "performance:oneonone_list": ("get", lambda w: "/performance/one-on-ones/", {}, everyone(200)),
    "performance:oneonone_detail": ("get", lambda w: f"/performance/one-on-ones/{_one_on_one(w).pk}/", {},
                                    expect(302, 200, 404, 200, 200, 404, 404)),
    "performance:meeting_list": ("get", lambda w: "/performance/meetings/", {}, everyone(200)),
    "performance:meeting_detail": ("get", lambda w: f"/performance/meetings/{_meeting(w).pk}/", {}, ORG_OBJECT),
    "performance:wall": ("get", lambda w: "/performance/wall/", {}, everyone(200)),
    "performance:member_feedback": ("get", lambda w: f"/performance/members/{w.member.pk}/feedback/", {},
                                    expect(302, 200, 404, 200, 200, 404, 404)),
    "performance:member_pay": ("get", lambda w: f"/performance/members/{w.member.pk}/pay/", {}, PRIVATE),
    "performance:pay_home": ("get", lambda w: "/performance/pay/", {}, everyone(200)),
    "performance:payrun_create": ("post", lambda w: "/performance/pay/runs/", {"period": "2026-09"},
                                  expect(302, 404, 404, 404, 302, 302, 302)),
    "performance:payrun_detail": ("get", lambda w: f"/performance/pay/runs/{_run(w).pk}/", {}, PAYROLL_OBJECT),
    # Alice's statement in a draft month: her chain, the director and finance see it; she does not yet.
    "performance:statement_detail": ("get", lambda w: f"/performance/pay/statements/{_statement(w).pk}/", {},
                                     expect(302, 404, 404, 200, 200, 200, 404)),
    "performance:plan_list": ("get", lambda w: "/performance/pay/plans/", {}, PAYROLL),
    "performance:plan_create": ("get", lambda w: "/performance/pay/plans/new/", {}, PAYROLL),
    "performance:plan_edit": ("get", lambda w: f"/performance/pay/plans/{_plan(w).pk}/", {}, PAYROLL_OBJECT),
    "performance:adjustment_create": ("post", lambda w: "/performance/pay/adjustments/", {},
                                      expect(302, 404, 404, 404, 302, 302, 302)),
}

NEW_PLAN = {"name": "客服底薪", "kind": "base", "position": "客服专员", "base_salary": "5000"}

API: dict[tuple[str, str], tuple[Url, dict[str, Any] | None, dict[str, int]]] = {
    ("GET", "/api/pay-runs"): (lambda w: "/api/pay-runs", None, expect(401, 403, 403, 403, 200, 200, 200)),
    ("POST", "/api/pay-runs"): (lambda w: "/api/pay-runs", {"period": "2026-09-15"},
                                expect(401, 403, 403, 403, 202, 202, 202)),
    ("GET", "/api/pay-runs/{run_id}"): (lambda w: f"/api/pay-runs/{_run(w).pk}", None,
                                        expect(401, 404, 404, 404, 200, 200, 404)),
    ("GET", "/api/pay-runs/{run_id}/statements"): (lambda w: f"/api/pay-runs/{_run(w).pk}/statements", None,
                                                   expect(401, 404, 404, 404, 200, 200, 404)),
    ("POST", "/api/pay-runs/{run_id}/advance"): (lambda w: f"/api/pay-runs/{_run(w).pk}/advance", {"to": "reviewed"},
                                                 expect(401, 404, 404, 404, 200, 200, 404)),
    ("GET", "/api/pay-statements/{statement_id}"): (lambda w: f"/api/pay-statements/{_statement(w).pk}", None,
                                                    expect(401, 404, 404, 200, 200, 200, 404)),
    ("GET", "/api/members/{member_id}/pay-statements"): (lambda w: f"/api/members/{w.member.pk}/pay-statements",
                                                         None, expect(401, 200, 404, 200, 200, 200, 404)),
    ("GET", "/api/pay-plans"): (lambda w: "/api/pay-plans", None, expect(401, 403, 403, 403, 200, 200, 200)),
    ("POST", "/api/pay-plans"): (lambda w: "/api/pay-plans", NEW_PLAN, expect(401, 403, 403, 403, 201, 201, 201)),
    ("GET", "/api/goals"): (lambda w: "/api/goals", None, everyone(200, anonymous=401)),
    ("POST", "/api/goals"): (lambda w: "/api/goals", {"title": "本月复盘", "period_start": "2026-10-01",
                                                    "period_end": "2026-10-31", "target": "4"},
                             everyone(201, anonymous=401)),
    ("GET", "/api/goals/{goal_id}"): (lambda w: f"/api/goals/{_goal(w).pk}", None,
                                      expect(401, 200, 200, 200, 200, 200, 404)),
    ("POST", "/api/goals/{goal_id}/confirm"): (lambda w: f"/api/goals/{_goal(w).pk}/confirm", None,
                                               expect(401, 200, 403, 200, 200, 403, 404)),
    ("GET", "/api/reviews/{review_id}"): (lambda w: f"/api/reviews/{_review(w).pk}", None,
                                          expect(401, 200, 404, 200, 200, 200, 404)),
    ("POST", "/api/reviews/{review_id}/self"): (lambda w: f"/api/reviews/{_review(w).pk}/self", {"text": "完成"},
                                                expect(401, 200, 404, 403, 403, 403, 404)),
    ("GET", "/api/praise"): (lambda w: "/api/praise", None, everyone(200, anonymous=401)),
    ("GET", "/api/one-on-ones/overdue"): (lambda w: "/api/one-on-ones/overdue", None, everyone(200, anonymous=401)),
    ("GET", "/api/meeting-items"): (lambda w: f"/api/meeting-items?state=open&m={_meeting(w).pk}", None,
                                    everyone(200, anonymous=401)),
    ("GET", "/api/one-on-ones"): (lambda w: f"/api/one-on-ones?m={_one_on_one(w).pk}", None,
                                  everyone(200, anonymous=401)),
    ("POST", "/api/members/{member_id}/one-on-ones"): (
        lambda w: f"/api/members/{w.member.pk}/one-on-ones", {"scheduled_for": "2026-10-20T10:00:00+08:00"},
        expect(401, 403, 403, 201, 201, 403, 404)),
    # Alice and her chain; not her peer, not finance/HR (private notes live here), not the other company.
    ("GET", "/api/one-on-ones/{oneonone_id}"): (lambda w: f"/api/one-on-ones/{_one_on_one(w).pk}", None,
                                                expect(401, 200, 404, 200, 200, 404, 404)),
    ("POST", "/api/one-on-ones/{oneonone_id}/record"): (
        lambda w: f"/api/one-on-ones/{_one_on_one(w).pk}/record",
        {"shared_notes": "谈了目标", "private_notes": "注意状态"},
        expect(401, 403, 404, 200, 200, 404, 404)),
    ("GET", "/api/meetings"): (lambda w: "/api/meetings", None, everyone(200, anonymous=401)),
    ("POST", "/api/meetings"): (lambda w: "/api/meetings", {"title": "周会", "held_on": "2026-10-12"},
                                everyone(201, anonymous=401)),
    ("GET", "/api/meetings/{meeting_id}"): (lambda w: f"/api/meetings/{_meeting(w).pk}", None,
                                            expect(401, 200, 200, 200, 200, 200, 404)),
    ("POST", "/api/meetings/{meeting_id}/items"): (
        lambda w: f"/api/meetings/{_meeting(w).pk}/items", {"kind": "suggestion", "text": "增加备货"},
        expect(401, 201, 201, 201, 201, 201, 404)),
    # Who raised it (Mia), a manager or the director; Alice, Bob and Fay are none of them.
    ("PATCH", "/api/meeting-items/{item_id}"): (lambda w: f"/api/meeting-items/{_item(w).pk}", {"state": "in_progress"},
                                                expect(401, 403, 403, 200, 200, 403, 404)),
    ("POST", "/api/meetings/{meeting_id}/decisions"): (
        lambda w: f"/api/meetings/{_meeting(w).pk}/decisions", {"decisions": "下周起每日盘点"},
        expect(401, 403, 403, 200, 200, 403, 404)),
    # Praise from anyone; criticism only from the manager chain (Mia, the director).
    ("POST", "/api/members/{member_id}/feedback"): (
        lambda w: f"/api/members/{w.member.pk}/feedback", {"kind": "criticism", "text": "迟到"},
        expect(401, 403, 403, 201, 201, 403, 404)),
    ("GET", "/api/members/{member_id}/criticism"): (
        lambda w: f"/api/members/{w.member.pk}/criticism?c={_criticism(w).pk}", None,
        expect(401, 200, 404, 200, 200, 404, 404)),
}
