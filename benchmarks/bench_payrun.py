"""A pay run for N members over M orders (default 500 members, 1,000,000 orders) through the real service.

    DATABASE_URL=postgresql://root@127.0.0.1:5432/bench python benchmarks/bench_payrun.py
    python benchmarks/bench_payrun.py --orders 100000            # SQLite in a temp dir (smaller)

The database named by DATABASE_URL is migrated and its "bench-pay" organization is replaced.
Orders are generated with COPY on PostgreSQL (executemany on SQLite), ~90 % of them in the pay
month, spread over 50 shops in 20 departments; about 30 % are attributed to one of the 100 推广
members, who are paid commission on their own orders. Measures, in one process: the bare grouped
sales query over the month (the baseline: the least any pay run must read), the first pay run
(creates the settlement), a rerun of the draft (replaces every statement) and a rerun through the
background-job path the page and API use (``performance.payrun`` claimed and run by
``core.jobs.job_run``). Prints JSON, with the process's CPU seconds for each step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PERIOD = dt.date(2026, 10, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the orders of a previous run")
    args = parser.parse_args()

    os.environ.setdefault("SHANGDUI_DATA_DIR", tempfile.mkdtemp(prefix="bench-pay-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangdui.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from shangdui.core.models import User
    from shangdui.org.models import Department, Member, Organization, Position
    from shangdui.performance import selectors, services
    from shangdui.performance.models import PayRun
    from shangdui.shop.models import Order, Shop

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    organization = Organization.objects.filter(slug="bench-pay").first()
    if organization is not None and not args.keep:
        Order.objects.filter(organization=organization)._raw_delete(Order.objects.db)  # type: ignore[attr-defined]
        PayRun.objects.filter(organization=organization).delete()
        User.objects.filter(member__organization=organization).delete()
        organization.delete()
        organization = None
    rng = random.Random(20261001)
    if organization is None:
        organization = Organization.objects.create(name="薪酬基准", slug="bench-pay")
        departments = [Department.objects.create(organization=organization, name=f"运营{i}部", kind="operations")
                       for i in range(20)]
        shops = [Shop.objects.create(organization=organization, name=f"店铺{i}", platform=rng.choice(
            ["taobao", "jd", "pdd", "douyin"]), department=departments[i % 20]) for i in range(50)]
        positions = [Position.objects.create(organization=organization, name=name)
                     for name in ("店铺运营", "运营主管", "设计师", "客服", "推广")]
        password = make_password(None)
        users = User.objects.bulk_create([User(username=f"bench{i}", password=password)
                                          for i in range(args.members)])
        Member.objects.bulk_create([Member(
            organization=organization, user=user, name=f"成员{i}", department=departments[i % 20],
            position=positions[i % 5], base_salary=Decimal(5000 + (i % 7) * 500)) for i, user in enumerate(users)])
        actor = Member.objects.filter(organization=organization).first()
        assert actor is not None
        services.payplan_create(actor=actor, organization=organization, name="运营提成", kind="commission",
                                position=positions[0], scope="department", tiers=[
                                    {"start": "0", "end": "100000", "rate": "1"},
                                    {"start": "100000", "end": None, "rate": "2"}])
        services.payplan_create(actor=actor, organization=organization, name="主管完成率", kind="commission",
                                position=positions[1], scope="platforms", platforms=["taobao", "jd"],
                                basis="completion", monthly_target=Decimal("2000000"), tiers=[
                                    {"start": "0", "end": "100", "rate": "0.5"},
                                    {"start": "100", "end": "300", "rate": "1"}])
        services.payplan_create(actor=actor, organization=organization, name="设计奖金", kind="bonus",
                                position=positions[2], bonus_pool=Decimal("2000"))
        services.payplan_create(actor=actor, organization=organization, name=positions[3].name, kind="base",
                                position=positions[3])
        services.payplan_create(actor=actor, organization=organization, name="推广本人订单提成", kind="commission",
                                position=positions[4], scope="own_orders", tiers=[
                                    {"start": "0", "end": "50000", "rate": "3"},
                                    {"start": "50000", "end": None, "rate": "5"}])
        sellers = list(Member.objects.filter(organization=organization, position=positions[4]).values_list(
            "id", flat=True))
        generated = time.perf_counter()
        _insert_orders(connection, Order, organization, shops, args.orders, rng, sellers)
        print(f"generated {args.orders} orders in {time.perf_counter() - generated:.1f}s", file=sys.stderr)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE shop_order")
    print(f"setup {time.perf_counter() - started:.1f}s", file=sys.stderr)

    start, end = selectors.month_bounds(PERIOD)
    baseline_s, _rows, baseline_cpu = _timed(lambda: selectors.sales_by_shop(organization.id, start, end))
    actor = Member.objects.filter(organization=organization).order_by("id").first()
    PayRun.objects.filter(organization=organization).delete()
    first_s, run, first_cpu = _timed(lambda: services.payrun_run(actor=actor, organization=organization,
                                                                 period=PERIOD))
    rerun_s, again, rerun_cpu = _timed(lambda: services.payrun_run(actor=actor, organization=organization,
                                                                   period=PERIOD))
    assert run.total == again.total and run.statement_count == again.statement_count
    from shangdui.core.jobs import job_run
    from shangdui.core.models import Job
    from shangdui.performance.jobs import PAYRUN_KIND

    job = Job.objects.create(organization=organization, kind=PAYRUN_KIND, created_by=actor.user,
                             params={"period": PERIOD.isoformat(), "member_id": actor.id})
    job_s, outcome, job_cpu = _timed(lambda: job_run(job.pk))
    job.refresh_from_db()
    assert outcome == "done" and job.result["total"] == str(run.total), (outcome, job.error)
    print(json.dumps({
        "database": connection.vendor, "members": args.members,
        "orders": Order.objects.filter(organization=organization).count(),
        "statements": run.statement_count, "total": str(run.total),
        "baseline_sales_query_s": round(baseline_s, 3), "first_run_s": round(first_s, 3),
        "rerun_s": round(rerun_s, 3), "first_run_vs_baseline": round(first_s / baseline_s, 1) if baseline_s else None,
        "job_rerun_s": round(job_s, 3), "job_rerun_vs_rerun": round(job_s / rerun_s, 2) if rerun_s else None,
        "cpu_s": {"baseline": round(baseline_cpu, 3), "first_run": round(first_cpu, 3),
                  "rerun": round(rerun_cpu, 3), "job_rerun": round(job_cpu, 3)},
        "own_order_commission": str(sum(s.commission for s in run.statements.filter(plan__scope="own_orders"))),
    }, ensure_ascii=False, indent=2))


def _timed(func):  # type: ignore[no-untyped-def]
    """Wall seconds, the result, and this process's CPU seconds (the database's own CPU is not in it)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - started, result, time.process_time() - cpu


def _insert_orders(connection, order_model, organization, shops, count, rng, sellers) -> None:  # type: ignore[no-untyped-def]
    """Stream generated orders into shop_order: COPY on PostgreSQL, executemany on SQLite."""
    fields = [f for f in order_model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    now = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)
    defaults = {f.attname: f.get_default() for f in fields}

    def rows():  # type: ignore[no-untyped-def]
        for number in range(count):
            shop = shops[number % len(shops)]
            in_month = rng.random() < 0.9
            day = PERIOD + dt.timedelta(days=rng.randrange(31)) if in_month else \
                dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(30))
            paid = rng.random() > 0.05
            amount = Decimal(rng.randrange(1000, 50000)) / 100
            refund = amount if paid and rng.random() < 0.06 else Decimal("0.00")
            values = {
                "organization_id": organization.id, "shop_id": shop.id, "platform": shop.platform,
                "order_id": f"B{number:09d}", "status": "交易成功" if paid else "等待买家付款",
                "paid_at": dt.datetime.combine(day, dt.time(12), dt.UTC) if paid else None, "order_date": day,
                "paid_amount": amount if paid else Decimal("0.00"), "refund_amount": refund,
                "refunded": refund > 0, "updated_at": now,
                "salesperson_id": rng.choice(sellers) if sellers and rng.random() < 0.3 else None,
            }
            yield [values[f.attname] if f.attname in values else defaults[f.attname] for f in fields]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY shop_order ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            batch: list[list[object]] = []
            for row in rows():
                batch.append(row)
                if len(batch) == 10_000:
                    cursor.executemany(f"INSERT INTO shop_order ({', '.join(columns)}) VALUES ({placeholders})", batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO shop_order ({', '.join(columns)}) VALUES ({placeholders})", batch)


if __name__ == "__main__":
    main()
