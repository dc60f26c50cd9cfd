"""Pages and API as a user sees them: statements trace to orders, the flow, the export, privacy."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from shangdui.core.models import Job
from shangdui.performance import services
from shangdui.performance.jobs import payrun_workbook
from shangdui.performance.models import PayRun
from shangdui.performance.tests.factories import PERIOD, base_plans_for_everyone, commission_plan, make_order

pytestmark = pytest.mark.django_db


def test_statement_page_lists_the_orders_behind_the_commission(world: Any, login: Any) -> None:
    commission_plan(world, world.member)
    make_order(world.shop, "TB-778899", "12345.60", refund="45.60")
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    statement = run.statements.get(member=world.member)
    body = login(world.manager).get(f"/performance/pay/statements/{statement.pk}/").content.decode()
    assert "TB-778899" in body and "¥12,300.00" in body and "净销售额提成" in body
    assert login(world.peer).get(f"/performance/pay/statements/{statement.pk}/").status_code == 404
    # Alice sees her statement once the month is approved, not while it is a draft.
    assert login(world.member).get(f"/performance/pay/statements/{statement.pk}/").status_code == 404
    assert "¥12,300.00" not in login(world.member).get("/performance/pay/").content.decode()
    base_plans_for_everyone(world)
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    services.payrun_advance(actor=world.finance, pay_run=run, to="reviewed")
    services.payrun_advance(actor=world.director, pay_run=run, to="approved")
    statement = run.statements.get(member=world.member)
    assert login(world.member).get(f"/performance/pay/statements/{statement.pk}/").status_code == 200


def test_pay_run_flow_through_the_pages(world: Any, login: Any, django_capture_on_commit_callbacks: Any) -> None:
    base_plans_for_everyone(world)
    client = login(world.finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/performance/pay/runs/", {"period": "2026-10"})
    # The run is a background job; the pay page shows it with a link to the computed month.
    assert response.status_code == 302 and response["Location"].endswith("/performance/pay/")
    job = Job.objects.get(kind="performance.payrun")
    run = PayRun.objects.get(organization=world.org, period=PERIOD)
    assert job.status == Job.Status.DONE and job.result["pay_run_id"] == run.pk
    body = client.get("/performance/pay/").content.decode()
    assert 'data-testid="payrun-job"' in body and f"/performance/pay/runs/{run.pk}/" in body
    client.post(f"/performance/pay/runs/{run.pk}/", {"action": "reviewed"})
    client.post(f"/performance/pay/runs/{run.pk}/", {"action": "approved"})  # finance may not approve
    assert PayRun.objects.get(pk=run.pk).status == "reviewed"
    login(world.director).post(f"/performance/pay/runs/{run.pk}/", {"action": "approved"})
    client = login(world.finance)
    client.post(f"/performance/pay/runs/{run.pk}/", {"action": "locked"})
    assert PayRun.objects.get(pk=run.pk).status == "locked"
    response = client.post("/performance/pay/runs/", {"period": "2026-10"}, follow=True)
    assert "已锁定" in response.content.decode()
    assert Job.objects.filter(kind="performance.payrun").count() == 1  # refused before any job is queued


def test_pay_run_job_failure_shows_the_reason(world: Any, login: Any, django_capture_on_commit_callbacks: Any) -> None:
    """A month locked between the click and the worker: the job fails with the reason on the pay page."""
    from shangdui.performance.jobs import payrun_enqueue

    base_plans_for_everyone(world)
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    job = payrun_enqueue(actor=world.finance, organization=world.org, period=PERIOD)  # not dispatched: no commit
    for step, actor in (("reviewed", world.finance), ("approved", world.director), ("locked", world.finance)):
        services.payrun_advance(actor=actor, pay_run=run, to=step)
    from shangdui.core.jobs import job_run

    assert job_run(job.pk) == "failed"
    job.refresh_from_db()
    assert "已锁定" in job.error
    body = login(world.finance).get("/performance/pay/").content.decode()
    assert 'data-testid="payrun-job-error"' in body and "已锁定" in body


def test_two_clicks_queue_one_pay_run_job(world: Any) -> None:
    from shangdui.performance.jobs import payrun_enqueue

    first = payrun_enqueue(actor=world.finance, organization=world.org, period=PERIOD)
    again = payrun_enqueue(actor=world.director, organization=world.org, period=PERIOD.replace(day=20))
    assert first.pk == again.pk and Job.objects.filter(kind="performance.payrun").count() == 1


def test_export_escapes_formulas_and_has_cent_totals(world: Any, login: Any,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    world.member.name = "=HYPERLINK(\"x\")"
    world.member.save()
    commission_plan(world, world.member)
    make_order(world.shop, "E1", "1000.05")
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    sheet = load_workbook(io.BytesIO(payrun_workbook(run))).active
    rows = list(sheet.iter_rows(values_only=True))
    alice = next(r for r in rows if "HYPERLINK" in str(r[0]))
    assert alice[0].startswith("'=")
    assert Decimal(str(alice[8])) == Decimal("8000.50") + Decimal("20.00")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.finance).post(f"/performance/pay/runs/{run.pk}/", {"action": "export"})
    assert response.status_code == 302
    assert Job.objects.get(kind="performance.export_payrun").status == Job.Status.DONE


def test_api_run_is_idempotent_and_locked_month_is_refused(world: Any, login: Any,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    base_plans_for_everyone(world)
    client = login(world.director)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/pay-runs", {"period": "2026-10-09"}, content_type="application/json")
    assert response.status_code == 202 and response.json()["kind"] == "performance.payrun"
    first = client.get(f"/api/jobs/{response.json()['id']}").json()
    assert first["status"] == "done"
    with django_capture_on_commit_callbacks(execute=True):
        again_id = client.post("/api/pay-runs", {"period": "2026-10-20"}, content_type="application/json").json()["id"]
    again = client.get(f"/api/jobs/{again_id}").json()
    assert first["result"]["pay_run_id"] == again["result"]["pay_run_id"]
    assert first["result"]["total"] == again["result"]["total"]
    assert PayRun.objects.filter(organization=world.org).count() == 1
    for step in ("reviewed", "approved", "locked"):
        assert client.post(f"/api/pay-runs/{first['result']['pay_run_id']}/advance", {"to": step},
                           content_type="application/json").status_code == 200
    response = client.post("/api/pay-runs", {"period": "2026-10-01"}, content_type="application/json")
    assert response.status_code == 422 and "已锁定" in response.json()["message"]


def test_bad_tiers_through_the_form(world: Any, login: Any) -> None:
    response = login(world.finance).post("/performance/pay/plans/new/", {
        "name": "提成", "kind": "commission", "member": world.member.pk, "scope": "shops",
        "shop_ids": [world.shop.pk], "basis": "amount", "tiers": "0-100000: 2\n80000-: 3", "bonus_pool": "0"})
    assert response.status_code == 200 and "重叠" in response.content.decode()


def test_manager_home_lists_overdue_one_on_ones(world: Any, login: Any) -> None:
    body = login(world.manager).get("/performance/").content.decode()
    assert 'data-testid="manager-home"' in body and "Alice" in body
    assert 'data-testid="manager-home"' not in login(world.member).get("/performance/").content.decode()


def test_pay_pages_have_query_budgets(world: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    """Run and statement pages stay flat however many members there are (no N+1)."""
    commission_plan(world, world.member)
    base_plans_for_everyone(world)
    make_order(world.shop, "Q1", "100.00")
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    statement = run.statements.get(member=world.member)
    client = login(world.finance)
    with django_assert_max_num_queries(12):
        assert client.get(f"/performance/pay/runs/{run.pk}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(f"/performance/pay/statements/{statement.pk}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/performance/pay/").status_code == 200


def test_member_proposes_a_goal_cascaded_from_the_team_goal(world: Any, login: Any) -> None:
    from shangdui.performance import goals
    from shangdui.performance.models import Goal

    team = goals.goal_propose(actor=world.director, organization=world.org, department=world.ops,
                              title="运营部 10 月净销售额", measure="net_sales", target=Decimal("300000"),
                              period_start=PERIOD, period_end=PERIOD.replace(day=31), benchmark="竞品月销 40 万")
    response = login(world.member).post("/performance/goals/new/", {
        "title": "天猫店 10 月净销售额", "member": world.member.pk, "parent": team.pk, "measure": "net_sales",
        "target": "120000", "weight": "60", "period_start": "2026-10-01", "period_end": "2026-10-31",
        "shop_ids": [world.shop.pk]})
    goal = Goal.objects.get(title="天猫店 10 月净销售额")
    assert response.status_code == 302 and goal.parent == team and goal.member_confirmed
    assert not goal.manager_confirmed
    body = login(world.manager).get(f"/performance/goals/{team.pk}/").content.decode()
    assert "天猫店 10 月净销售额" in body and "竞品月销 40 万" in body


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_export_cells_that_a_spreadsheet_would_run_are_escaped(text: str) -> None:
    from shangdui.core.spreadsheet import escape_cell as safe_cell

    assert safe_cell(text) == "'" + text
    assert safe_cell("李文博") == "李文博" and safe_cell(Decimal("-5.00")) == Decimal("-5.00")
