"""Order import into the database: the shared samples by CLI, re-import, bad rows, bad files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from shangdui.shop import selectors
from shangdui.shop.importers import ImportFileError
from shangdui.shop.imports import orders_import
from shangdui.shop.models import ImportBatch, Order, OrderLine, Shop

FILES = {"taobao": "taobao_orders.csv", "jd": "jd_orders.csv", "pdd": "pdd_orders.xlsx",
         "douyin": "douyin_orders.csv"}
FIGURES = ("orders", "paid_orders", "paid_gmv", "refunds", "net_sales")

TAOBAO_HEADER = ("订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,"
                 "订单创建时间,订单付款时间,宝贝标题,宝贝总数量")
HZ = "浙江省 杭州市 西湖区 文三路1号,13800000000"
BJ = "北京 北京市 朝阳区 路2号,13900000000"


def _taobao(*rows: str) -> bytes:
    return ("\n".join([TAOBAO_HEADER, *rows]) + "\n").encode("gb18030")


def _cli(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("import_orders", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.django_db
def test_samples_by_cli_give_expected_figures_and_reimport_changes_nothing(world: Any, shared_dir: Path) -> None:
    samples = shared_dir / "samples" / "orders"
    expected = json.loads((samples / "expected.json").read_text())
    for platform, name in FILES.items():
        shop_name = f"样例-{platform}"
        first, = _cli("--shop", shop_name, "--org", "org-a", "--json", str(samples / name))
        assert first["platform"] == platform and first["errors"] == []
        assert {k: first[k] for k in FIGURES} == expected[platform]
        assert (first["created"], first["updated"], first["unchanged"]) == (50, 0, 0)
        again, = _cli("--shop", shop_name, "--org", "org-a", "--json", str(samples / name))
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 50)
        out = io.StringIO()
        call_command("sales_summary", "--shop", shop_name, "--org", "org-a", "--json", stdout=out)
        assert json.loads(out.getvalue()) == expected[platform]
        shop = Shop.objects.get(organization=world.org, name=shop_name)
        assert shop.platform == platform
    assert Order.objects.filter(organization=world.org).count() == 200
    # Douyin receivers stay encrypted as exported, flagged so pages never show them as plain text.
    assert Order.objects.filter(platform="douyin", receiver_encrypted=True).exists()


@pytest.mark.django_db
def test_changed_row_updates_in_place_and_bad_rows_are_reported(world: Any) -> None:
    paid = "2026-11-01 10:00:00"
    first = _taobao(f'="1001",nick1,100.00,交易成功,张三,{HZ},{paid},{paid},玫瑰花束,1',
                    f'="1002",nick2,50.50,交易关闭,李四,{BJ},{paid},{paid},百合,2')
    result = orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(first), file_name="a.csv")
    assert (result["created"], result["paid_gmv"], result["refunds"]) == (2, "150.50", "50.50")
    second = _taobao(f'="1001",nick1,120.00,交易成功,张三,{HZ},{paid},{paid},玫瑰花束,1',
                     f'="1002",nick2,50.50,交易关闭,李四,{BJ},{paid},{paid},百合,2',
                     f'="1003",nick3,不是数字,交易成功,王五,上海 上海市 浦东新区,13700000000,{paid},{paid},郁金香,1',
                     f'="1004",nick4,30.00,等待买家付款,赵六,上海 上海市 浦东新区,13700000000,{paid},,郁金香,1')
    result = orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(second), file_name="b.csv")
    assert (result["created"], result["updated"], result["unchanged"]) == (1, 1, 1)
    assert [e["row"] for e in result["errors"]] == [4]
    assert "买家实际支付金额" in result["errors"][0]["message"]
    order = Order.objects.get(order_id="1001")
    assert order.paid_amount == Decimal("120.00") and order.lines.count() == 1
    assert OrderLine.objects.filter(order__organization=world.org).count() == 3
    figures = selectors.figures_json(selectors.sales_figures(Order.objects.filter(organization=world.org)))
    assert figures == {"orders": 3, "paid_orders": 2, "paid_gmv": "170.50", "refunds": "50.50",
                       "net_sales": "120.00"}


@pytest.mark.django_db
def test_broken_file_imports_nothing(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shangdui.shop.imports.BATCH_ROWS", 1000)  # several batches staged before the error
    good = '="{}",n,10.00,交易成功,张三,浙江省 杭州市 西湖区,13800000000,2026-11-01 10:00:00,2026-11-01 10:00:00,花,1'
    # 1.4 MB of good rows (past the first 1 MiB chunk), then bytes that are neither UTF-8 nor GB18030.
    data = _taobao(*(good.format(3000 + i) for i in range(16000))) + b"\xff\xfe\xff" * 5 + b"\n"
    with pytest.raises(ImportFileError, match="GBK"):
        orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(data))
    assert not Order.objects.exists() and not ImportBatch.objects.exists()
    with pytest.raises(ImportFileError, match="京东"):
        orders_import(organization=world.org, shop=world.shop,
                      source=io.BytesIO("订单号,应付金额,订单状态,商品名称,下单时间,付款确认时间\n1,1,完成,x,,\n".encode()))
    # The staging tables are gone: the next import on this connection starts clean.
    result = orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(_taobao(good.format(1))))
    assert result["created"] == 1 and Order.objects.count() == 1


@pytest.mark.django_db
def test_cli_needs_an_organization_when_there_are_several(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(_taobao())
    with pytest.raises(CommandError, match="--org"):
        _cli("--shop", "新店", str(path))


@pytest.mark.django_db
def test_daily_summaries_follow_every_import(world: Any) -> None:
    """The dashboard reads SalesDay/ProductDay; after imports that add, change and move orders between
    days, they must equal the figures computed from the orders themselves."""
    import datetime as dt

    day1, day2 = "2026-11-01 10:00:00", "2026-11-03 10:00:00"
    first = _taobao(f'="801",n,100.00,交易成功,张三,{HZ},{day1},{day1},玫瑰,1',
                    f'="802",n,40.00,等待买家付款,张三,{HZ},{day1},,百合,1')
    orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(first))
    # 802 gets paid two days later (moves from day 1 to day 3); 801 is refunded.
    second = _taobao(f'="801",n,100.00,交易关闭,张三,{HZ},{day1},{day1},玫瑰,1',
                     f'="802",n,40.00,交易成功,张三,{HZ},{day1},{day2},百合,2')
    orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(second))
    period = selectors.Period(dt.date(2026, 10, 25), dt.date(2026, 11, 5))
    data = selectors.dashboard_data(organization_id=world.org.id, shop_ids=[world.shop.id], platform="",
                                    period=period)
    truth = selectors.sales_figures(selectors.orders_in(organization_id=world.org.id, start=period.start,
                                                        end=period.end))
    assert data["figures"] == truth
    assert {row["date"].day: row["paid_gmv"] for row in data["by_day"] if row["orders"]} == {
        1: Decimal("100.00"), 3: Decimal("40.00")}
    assert [(p["title"], p["quantity"]) for p in data["top_products"]] == [("玫瑰", 1), ("百合", 2)]


def _summaries(shop: Shop) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    from shangdui.shop.models import ProductDay, SalesDay

    sales = sorted(SalesDay.objects.filter(shop=shop).values_list(
        "organization_id", "platform", "day", "orders", "paid_orders", "paid_gmv", "refunds"))
    products = sorted(ProductDay.objects.filter(shop=shop).values_list(
        "organization_id", "platform", "day", "title", "quantity", "amount", "orders"))
    return sales, products


@pytest.mark.django_db(transaction=True)
def test_first_big_import_adds_summaries_batch_by_batch_equal_to_a_rebuild(
        world: Any, shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL, an organization's first import of a platform (no per-order lookup, summaries added
    per batch): the daily summaries equal those rebuilt from the stored orders; so they do after an
    overlapping import (changed orders: rebuilt) and one of new and unchanged orders (added)."""
    from django.db import connection

    from shangdui.shop import imports, summaries
    from shangdui.shop.models import ProductDay, SalesDay

    if connection.vendor != "postgresql":
        pytest.skip("the batch-by-batch merge runs on PostgreSQL only")
    monkeypatch.setattr(imports, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(imports, "BATCH_ROWS", 7)
    shop = Shop.objects.create(organization=world.org, name="首次导入", platform="taobao")
    # A stale summary row of this shop and platform must not survive a first import.
    SalesDay.objects.create(organization=world.org, shop=shop, platform="taobao", day="2020-01-01", orders=9)
    sample = (shared_dir / "samples" / "orders" / "taobao_orders.csv").read_bytes()
    first = orders_import(organization=world.org, shop=shop, source=str(_write(tmp_path / "a.csv", sample)))
    assert first["created"] == 50 and not SalesDay.objects.filter(day="2020-01-01").exists()
    added = _summaries(shop)
    assert added[0] and added[1]
    start, end = min(row[2] for row in added[0]), max(row[2] for row in added[0])
    summaries.refresh(shop_ids=[shop.id], start=start, end=end)
    assert _summaries(shop) == added
    # Overlap: the first 30 data rows again with one paid amount changed, plus three new orders.
    rows = list(csv.reader(io.StringIO(sample.decode("gb18030"))))
    paid = rows[0].index("买家实际支付金额")
    rows[1][paid] = "300.00"
    more = rows[:31]
    for n in range(3):
        more.append([f'="39999999{n}"', *rows[2][1:]])
    out = io.StringIO()
    csv.writer(out).writerows(more)
    second = orders_import(organization=world.org, shop=shop,
                           source=str(_write(tmp_path / "b.csv", out.getvalue().encode("gb18030"))))
    assert (second["created"], second["updated"], second["unchanged"]) == (3, 1, 29)
    # Not a first import any more, but batches of only new (and unchanged) orders add their sums.
    out = io.StringIO()
    csv.writer(out).writerows([rows[0], *rows[5:12], *([f'="38888888{n}"', *rows[3 + n][1:]] for n in range(9))])
    third = orders_import(organization=world.org, shop=shop,
                          source=str(_write(tmp_path / "c.csv", out.getvalue().encode("gb18030"))))
    assert (third["created"], third["updated"], third["unchanged"]) == (9, 0, 7)
    after = _summaries(shop)
    SalesDay.objects.filter(shop=shop).delete()
    ProductDay.objects.filter(shop=shop).delete()
    summaries.refresh(shop_ids=[shop.id], start=dt.date(2000, 1, 1), end=dt.date(2100, 1, 1))
    assert _summaries(shop) == after


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
