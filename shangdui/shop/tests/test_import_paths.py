"""Differential test of the fast import paths: preformatted staging rows, parsed in this process or
in a second one (``importers.pipe``), must store exactly what the reference parse says.

The reference is ``iter_orders`` (records, row errors, figures) with the typed row builder
``imports.order_rows``; every stored order and line is compared field by field, then a re-import
must change nothing. Files: the shared samples, plus generated ones with the quirks that break
fast paths (duplicates, bad amounts, refunds and partial refunds, cells with tabs, backslashes and
line breaks, overlong text, GBK / UTF-8 / UTF-8 with BOM), and randomised one-row-per-order exports
whose plain rows the parser process stages without records (``importers.fastrows``).
"""

from __future__ import annotations

import codecs
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from shangdui.shop import imports
from shangdui.shop.importers import OrderRecord, RowError, compute_figures, iter_orders
from shangdui.shop.importers.tests.builders import (
    DOUYIN_HEADER,
    JD_HEADER,
    TAOBAO_HEADER,
    csv_bytes,
    douyin_row,
    fuzzed_rows,
    jd_row,
    taobao_row,
)
from shangdui.shop.models import Order, OrderLine, Shop

SAMPLES = {"taobao": "taobao_orders.csv", "jd": "jd_orders.csv", "pdd": "pdd_orders.xlsx",
           "douyin": "douyin_orders.csv"}  # fmt: skip
ORDER_FIELDS = [name for name, _ in imports.ORDER_COLUMNS if name != "fingerprint"]
LINE_FIELDS = [name for name, _ in imports.LINE_COLUMNS if name != "order_id"]


def _taobao_quirks() -> list[list[str]]:
    rows = [taobao_row(n, paid=f"{n * 7 % 1000}.{n % 100:02d}") for n in range(1, 41)]
    rows[3] = taobao_row(4, status="交易关闭")  # refunded in full
    rows[4] = taobao_row(5, paid="¥1,234.5")  # noisy amount, still valid
    rows[5] = taobao_row(6, paid="12元多")  # bad amount: a row error
    rows[6] = taobao_row(7, paid_at="")  # unpaid: a refund status would not count
    rows[7] = taobao_row(8, status="交易关闭", paid_at="")
    rows.append(taobao_row(2))  # duplicate order: a row error, counted once
    odd = taobao_row(50)
    odd[1] = "tab\there back\\slash\nnew line\rend"  # buyer nick with COPY's special characters
    odd[8] = "\\N"  # a receiver literally named \N is text, not NULL
    odd[14] = "超长标题" * 100  # longer than the line title column
    odd[7] = "状态" * 40  # longer than the 64-character status column
    rows.append(odd)
    rows.append(taobao_row(51, paid="1e400"))  # not a finite amount
    return rows


def _jd_partial_refunds() -> list[list[str]]:
    return [
        jd_row("J1", "P1", 2, "10.00", "18.00"), jd_row("J1", "P2", 1, "5.00", "18.00"),
        jd_row("J2", "P1", 1, "99.90", "99.90", status="已取消"),
        jd_row("J3", "P3", 3, "1.10", "3.30"), jd_row("J3", "P3", 3, "1.10", "3.30"),  # repeated line
        jd_row("J4", "P4", 1, "abc", "8.00"),  # bad price
    ]  # fmt: skip


def _douyin_partial_refunds() -> list[list[str]]:
    return [
        douyin_row("D1", "D1-1", "30.00"), douyin_row("D1", "D1-2", "20.00", after_sale="退款成功"),
        douyin_row("D2", "D2-1", "15.50", after_sale="退款成功"),
        douyin_row("D3", "D3-1", "40.00", paid_at=""),
        douyin_row("D4", "D4-1", "x"),
    ]  # fmt: skip


def _files(tmp_path: Path, shared: Path) -> list[tuple[str, Path]]:
    files = [(platform, shared / name) for platform, name in SAMPLES.items()]
    generated = {
        "taobao-gbk.csv": ("taobao", csv_bytes(TAOBAO_HEADER, _taobao_quirks())),
        "taobao-utf8.csv": ("taobao", csv_bytes(TAOBAO_HEADER, _taobao_quirks(), encoding="utf-8", newline="\n")),
        "taobao-bom.csv": ("taobao", codecs.BOM_UTF8 + csv_bytes(TAOBAO_HEADER, _taobao_quirks(), encoding="utf-8")),
        "jd.csv": ("jd", csv_bytes(JD_HEADER, _jd_partial_refunds())),
        "douyin.csv": ("douyin", csv_bytes(DOUYIN_HEADER, _douyin_partial_refunds(), encoding="utf-8")),
        # Plain rows (the parser process reads them without records) mixed with odd ones.
        "taobao-fuzzed.csv": ("taobao", csv_bytes(*fuzzed_rows("taobao", 400, 11))),
        "pdd-fuzzed.csv": ("pdd", codecs.BOM_UTF8 + csv_bytes(*fuzzed_rows("pdd", 400, 12), encoding="utf-8")),
    }
    for name, (platform, data) in generated.items():
        (tmp_path / name).write_bytes(data)
        files.append((platform, tmp_path / name))
    return files


def _stored(shop: Shop) -> dict[str, tuple[Any, ...]]:
    lines: dict[int, list[tuple[Any, ...]]] = {}
    for line in (
        OrderLine.objects.filter(order__shop=shop)
        .order_by("order_id", "position")
        .values_list("order_id", *LINE_FIELDS)
    ):
        lines.setdefault(line[0], []).append(line[1:])
    return {
        row[1]: (row[1:], lines.get(row[0], []))
        for row in Order.objects.filter(shop=shop).values_list("id", *ORDER_FIELDS)
    }


def _expected(path: Path, shop: Shop) -> tuple[dict[str, tuple[Any, ...]], list[dict[str, Any]], dict[str, Any]]:
    today = timezone.localdate()
    items = list(iter_orders(path))
    orders = {}
    for item in items:
        if isinstance(item, OrderRecord):
            order, lines = imports.order_rows(item, shop.id, today)
            orders[item.order_id] = (order[:-1], [line[1:] for line in lines])
    errors = [{"row": e.row, "message": e.message} for e in items if isinstance(e, RowError)]
    return orders, errors, compute_figures(items).as_dict()


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["in_process", "child_path", "child_descriptor"])
def test_fast_paths_store_what_the_reference_parse_says(
    world: Any, shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setattr(imports, "PARALLEL_MIN_BYTES", 10**12 if mode == "in_process" else 0)
    expected_figures = json.loads((shared_dir / "samples" / "orders" / "expected.json").read_text())
    seen_errors = 0
    for number, (platform, path) in enumerate(_files(tmp_path, shared_dir / "samples" / "orders")):
        shop = Shop.objects.create(organization=world.org, name=f"{mode}-{number}", platform=platform)
        Order.objects.filter(organization=world.org, platform=platform).delete()
        orders, errors, figures = _expected(path, shop)

        def run(path: Path = path, shop: Shop = shop) -> dict[str, Any]:
            if mode == "child_descriptor":
                with path.open("rb") as source:
                    return imports.orders_import(organization=world.org, shop=shop, source=source)
            return imports.orders_import(organization=world.org, shop=shop, source=path)

        result = run()
        assert {k: result[k] for k in figures} == figures, path.name
        if path.name in SAMPLES.values():
            assert {k: result[k] for k in expected_figures[platform]} == expected_figures[platform]
        assert result["errors"] == errors and result["error_count"] == len(errors), path.name
        assert (result["created"], result["updated"], result["unchanged"]) == (len(orders), 0, 0)
        assert _stored(shop) == orders, path.name
        seen_errors += len(errors)

        again = run()
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, len(orders)), path.name
        assert _stored(shop) == orders
    assert seen_errors >= 10  # the quirky files did produce row errors


@pytest.mark.django_db
def test_parser_process_reports_a_broken_file_and_imports_nothing(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(imports, "BATCH_ROWS", 1000)  # batches are staged before the bad bytes
    rows = [taobao_row(n) for n in range(20000)]
    path = tmp_path / "broken.csv"
    path.write_bytes(csv_bytes(TAOBAO_HEADER, rows) + b"\xff\xfe\xff" * 5 + b"\r\n")
    with pytest.raises(imports.ImportFileError, match="GBK"):
        imports.orders_import(organization=world.org, shop=world.shop, source=path)
    assert not Order.objects.exists()
    jd = tmp_path / "jd.csv"
    jd.write_bytes(csv_bytes(JD_HEADER, _jd_partial_refunds()))
    with pytest.raises(imports.ImportFileError, match="京东"):  # the shop is a Taobao shop
        imports.orders_import(organization=world.org, shop=world.shop, source=jd)
    assert not Order.objects.exists()
    progress: list[tuple[int, int]] = []
    path.write_bytes(csv_bytes(TAOBAO_HEADER, rows))
    result = imports.orders_import(
        organization=world.org,
        shop=world.shop,
        source=path,
        progress=lambda done, total, _: progress.append((done, total)),
    )
    assert result["created"] == 20000 and Order.objects.count() == 20000
    assert len(progress) > 5 and progress[-1][0] == progress[-1][1] == path.stat().st_size
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert sum(Order.objects.values_list("paid_amount", flat=True)) == Decimal("2000000.00")


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["in_process", "child_path"])
def test_changed_orders_are_updated_batch_by_batch_like_in_one_merge(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """A re-import with changed, moved (another day) and new orders, in batches of 1000: the parser
    process path merges each batch as it comes on PostgreSQL; the stored orders, counts and daily
    summaries must be those of the in-process path (one merge)."""
    from shangdui.shop.models import SalesDay

    monkeypatch.setattr(imports, "PARALLEL_MIN_BYTES", 10**12 if mode == "in_process" else 0)
    monkeypatch.setattr(imports, "BATCH_ROWS", 1000)
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(TAOBAO_HEADER, [taobao_row(n) for n in range(3000)]))
    first = imports.orders_import(organization=world.org, shop=world.shop, source=path)
    assert (first["created"], first["updated"], first["unchanged"]) == (3000, 0, 0)
    rows = [taobao_row(n) for n in range(3500)]
    for n in range(0, 3000, 7):
        rows[n] = taobao_row(n, paid="88.80")  # changed amount
    for n in range(3, 3000, 11):
        rows[n] = taobao_row(n, paid_at="2026-10-09 09:00:00")  # moved to another day
    path.write_bytes(csv_bytes(TAOBAO_HEADER, rows))
    changed = len(set(range(0, 3000, 7)) | set(range(3, 3000, 11)))
    orders, errors, figures = _expected(path, world.shop)
    result = imports.orders_import(organization=world.org, shop=world.shop, source=path)
    assert (result["created"], result["updated"], result["unchanged"]) == (500, changed, 3000 - changed)
    assert {k: result[k] for k in figures} == figures and result["errors"] == errors == []
    assert _stored(world.shop) == orders
    days = {d.day.isoformat(): (d.orders, d.paid_gmv) for d in SalesDay.objects.filter(shop=world.shop)}
    moved = len(range(3, 3000, 11))
    assert days["2026-10-09"][0] == moved
    assert days["2026-10-07"][0] == 3500 - moved
    assert sum(gmv for _, gmv in days.values()) == Decimal(result["paid_gmv"])
    again = imports.orders_import(organization=world.org, shop=world.shop, source=path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3500)
