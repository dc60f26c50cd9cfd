"""Twenty pay runs for the same month started at once: one settlement, identical totals.

Real threads, each with its own database connection, on whichever database the suite runs on
(CI runs it on SQLite and on PostgreSQL).
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from shangdui.performance import services
from shangdui.performance.models import PayLine, PayRun, PayStatement
from shangdui.performance.tests.factories import PERIOD, base_plans_for_everyone, commission_plan, make_order

RUNS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_pay_runs_give_one_settlement(world: Any) -> None:
    commission_plan(world, world.member)
    base_plans_for_everyone(world)
    for index in range(30):
        make_order(world.shop, f"P{index}", f"{1000 + index * 333}.33", refund="10.10" if index % 7 == 0 else "0")
    barrier = threading.Barrier(RUNS)
    results: list[tuple[int, Decimal, int]] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait(timeout=30)
            run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
            results.append((run.pk, run.total, run.statement_count))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == RUNS
    assert PayRun.objects.filter(organization=world.org, period=PERIOD).count() == 1
    assert len(set(results)) == 1, set(results)
    run = PayRun.objects.get(organization=world.org, period=PERIOD)
    assert (run.pk, run.total, run.statement_count) == results[0]
    statements = PayStatement.objects.filter(pay_run=run)
    assert statements.count() == run.statement_count
    assert sum(s.total for s in statements) == run.total
    # No doubled lines: exactly one commission line for Alice.
    assert PayLine.objects.filter(statement__pay_run=run, statement__member=world.member,
                                  kind=PayLine.Kind.COMMISSION).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_pay_run_jobs_at_once_give_one_settlement(world: Any) -> None:
    """The web and API path: each click is a job; twenty jobs run by twenty workers at once (even
    queued around the one-job-per-month check) still settle the month once, with one total."""
    from shangdui.core.jobs import job_run
    from shangdui.core.models import Job
    from shangdui.performance.jobs import PAYRUN_KIND

    commission_plan(world, world.member)
    base_plans_for_everyone(world)
    for index in range(12):
        make_order(world.shop, f"J{index}", f"{2000 + index * 111}.11")
    # Queued rows, not dispatched: here (eager Celery, autocommit) a dispatch would run each at once.
    jobs = [Job.objects.create(organization=world.org, kind=PAYRUN_KIND, created_by=world.finance.user,
                               params={"period": PERIOD.isoformat(), "member_id": world.finance.id})
            for _ in range(RUNS)]
    barrier = threading.Barrier(RUNS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def work(job_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(job_run(job_id))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(job.pk,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert outcomes == ["done"] * RUNS
    run = PayRun.objects.get(organization=world.org, period=PERIOD)
    results = {(j.result["pay_run_id"], j.result["total"], j.result["statements"])
               for j in Job.objects.filter(kind=PAYRUN_KIND)}
    assert results == {(run.pk, str(run.total), run.statement_count)}
    assert PayStatement.objects.filter(pay_run=run).count() == run.statement_count
    assert PayLine.objects.filter(statement__pay_run=run, statement__member=world.member,
                                  kind=PayLine.Kind.COMMISSION).count() == 1
