"""The demo company, as a new user finds it: agreed goals with progress, a finished review cycle, a
locked pay run whose statements trace to orders, overdue one-to-ones, open problems, praise."""

from __future__ import annotations

import time
from typing import Any

import pytest

from shangdui.org.demo import build_demo
from shangdui.org.models import Member
from shangdui.performance import goals, people
from shangdui.performance.models import Feedback, Goal, MeetingItem, OneOnOne, PayLine, PayPlan, PayRun, Review

pytestmark = pytest.mark.django_db


def test_demo_company_has_every_workflow(client: Any) -> None:
    started = time.monotonic()
    organization, _logins = build_demo(slug="demo-perf")
    assert time.monotonic() - started < 60  # the whole demo; ours is a small part of it
    agreed = Goal.objects.filter(organization=organization, state=Goal.State.AGREED, measure="net_sales")
    assert agreed.exists() and any(goals.goal_progress(g).value > 0 for g in agreed)
    assert Review.objects.filter(organization=organization, state=Review.State.DONE).count() >= 3
    run = PayRun.objects.get(organization=organization, status=PayRun.Status.LOCKED)
    assert not [p for p in run.problems if p["code"] == "no_plan"]
    commission = PayLine.objects.filter(statement__pay_run=run, kind=PayLine.Kind.COMMISSION)
    assert commission.exists() and all(line.evidence["orders"] > 0 for line in commission)
    assert PayLine.objects.filter(statement__pay_run=run, kind=PayLine.Kind.BONUS, amount__gt=0).exists()
    own = commission.filter(evidence__scope="own_orders")
    assert own.count() == 3 and all(line.amount > 0 for line in own)  # the three sales consultants
    measures = {g.measure: g for g in Goal.objects.filter(organization=organization, state=Goal.State.AGREED)}
    assert {"good_reviews", "logistics_cost", "inspection_score", "net_sales"} <= set(measures)
    assert goals.goal_progress(measures["good_reviews"]).value > 0
    cost = goals.goal_progress(measures["logistics_cost"])
    assert cost.lower_is_better and cost.evidence["orders"] > 0 and cost.value > 0
    assert Goal.objects.filter(organization=organization, platforms=["taobao"]).exists()
    manager = Member.objects.get(organization=organization, name="王海燕")
    overdue = {row.member.name for row in people.overdue_one_on_ones(manager)}
    assert "孙浩然" in overdue and "李文博" not in overdue
    assert MeetingItem.objects.filter(meeting__organization=organization).exclude(state="closed").count() >= 2
    assert Feedback.objects.filter(organization=organization, kind="praise").count() >= 3
    client.force_login(manager.user, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get("/performance/").content.decode()
    assert "孙浩然" in body and "主图审核周期太长" in body

    # Every page renders with the demo's rich data (as the director, who sees everything).
    director = Member.objects.get(organization=organization, role=Member.Role.DIRECTOR)
    client.force_login(director.user, backend="django.contrib.auth.backends.ModelBackend")
    statement = run.statements.filter(commission__gt=0).first()
    assert statement is not None
    urls = ["/performance/", "/performance/goals/", "/performance/reviews/", "/performance/one-on-ones/",
            "/performance/meetings/", "/performance/wall/", "/performance/pay/", "/performance/pay/plans/",
            f"/performance/pay/runs/{run.pk}/", f"/performance/pay/statements/{statement.pk}/",
            f"/performance/members/{statement.member_id}/pay/"]
    urls += [f"/performance/goals/{pk}/" for pk in Goal.objects.filter(organization=organization).values_list(
        "pk", flat=True)[:5]]
    urls += [f"/performance/reviews/{pk}/" for pk in Review.objects.filter(organization=organization).values_list(
        "pk", flat=True)[:3]]
    urls += [f"/performance/one-on-ones/{pk}/" for pk in OneOnOne.objects.filter(
        member__organization=organization).values_list("pk", flat=True)[:2]]
    urls += [f"/performance/meetings/{pk}/" for pk in MeetingItem.objects.filter(
        meeting__organization=organization).values_list("meeting_id", flat=True)[:1]]
    urls += [f"/performance/pay/plans/{pk}/" for pk in PayPlan.objects.filter(organization=organization).values_list(
        "pk", flat=True)[:2]]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    body = client.get(f"/performance/pay/statements/{statement.pk}/").content.decode()
    assert 'data-testid="evidence-orders"' in body
