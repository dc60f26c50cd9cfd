"""The plain-row reader (``fastrows``) must stage byte for byte what the record path stages.

Every file is read twice through ``iter_staged``: with the plain-row reader and without it (each
``iter_orders`` record through ``RowFormatter.rows``), in PostgreSQL form (COPY text with the
fingerprint) and SQLite form (tuples); the staged order and line rows, the row errors and the
figures must be equal. The files mix plain rows with every kind of cell the record path treats
specially, so the test fails if the reader ever accepts a row it would read differently.
"""

from __future__ import annotations

import codecs
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shangdui.shop.importers import Figures, FileInfo, OrderRecord, RowError, iter_orders
from shangdui.shop.importers.fastrows import iter_staged
from shangdui.shop.importers.staging import RowFormatter
from shangdui.shop.importers.values import CHINA_TZ

from .builders import SAMPLES, TAOBAO_HEADER, csv_bytes, fuzzed_rows, taobao_row

BENCHMARKS = Path(__file__).resolve().parents[4] / "benchmarks"
# Small limits, so that cutting overlong text is exercised on ordinary cells too.
ORDER_LIMITS = {"order_id": 64, "status": 8, "after_sale_status": 6, "buyer_nick": 10, "receiver_name": 255,
                "receiver_phone": 20, "province": 32, "city": 32, "district": 32, "fingerprint": 32}  # fmt: skip
LINE_LIMITS = {"line_id": 64, "product_id": 64, "sku": 128, "title": 12, "spec": 255, "after_sale_status": 64}


def _formatter(postgres: bool, tz: str = "Asia/Shanghai") -> RowFormatter:
    return RowFormatter(shop_id=42, today=dt.date(2026, 11, 27), tz=ZoneInfo(tz), postgres=postgres,
                        order_limits=ORDER_LIMITS, line_limits=LINE_LIMITS)  # fmt: skip


def _staged(path: Path, platform: str, formatter: RowFormatter, fast: bool) -> dict[str, Any]:
    orders: list[Any] = []
    lines: list[Any] = []
    errors: list[tuple[int, str]] = []
    figures = Figures()
    info = FileInfo()
    plain = 0
    for batch in iter_staged(path, platform, formatter, info=info, figures=figures, batch_rows=97, fast=fast):
        orders.extend(batch.orders)
        lines.extend(batch.lines)
        errors.extend((e.row, e.message) for e in batch.errors)
        plain += batch.plain
    return {"orders": orders, "lines": lines, "errors": errors, "figures": figures.as_dict(),
            "raw_figures": (figures.orders, figures.paid_orders, str(figures.paid_gmv), str(figures.refunds)),
            "info": info, "plain": plain}  # fmt: skip


def _assert_same(path: Path, platform: str = "auto", *, tz: str = "Asia/Shanghai") -> int:
    """Both paths agree on ``path`` in both forms; returns how many orders the plain reader made."""
    plain = 0
    for postgres in (True, False):
        fast = _staged(path, platform, _formatter(postgres, tz), fast=True)
        slow = _staged(path, platform, _formatter(postgres, tz), fast=False)
        assert slow["plain"] == 0
        for key in ("errors", "figures", "raw_figures", "info"):
            assert fast[key] == slow[key], (path.name, postgres, key)
        assert len(fast["orders"]) == len(slow["orders"]), path.name
        for mine, theirs in zip(fast["orders"], slow["orders"], strict=True):
            assert mine == theirs, (path.name, postgres)
        assert fast["lines"] == slow["lines"], (path.name, postgres)
        # The record path is iter_orders + RowFormatter.rows, item for item.
        records = list(iter_orders(path, platform))
        formatter = _formatter(postgres, tz)
        expected = [formatter.rows(r) for r in records if isinstance(r, OrderRecord)]
        assert slow["orders"] == [order for order, _ in expected]
        assert slow["errors"] == [(e.row, e.message) for e in records if isinstance(e, RowError)]
        plain = fast["plain"]
    return plain


def _write(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    if encoding == "utf-8-sig":
        path.write_bytes(codecs.BOM_UTF8 + csv_bytes(header, rows, encoding="utf-8"))
    elif encoding == "utf-8":
        path.write_bytes(csv_bytes(header, rows, encoding="utf-8", newline="\n"))
    else:
        path.write_bytes(csv_bytes(header, rows, encoding=encoding))
    return path


@pytest.mark.parametrize("name", ["taobao_orders.csv", "jd_orders.csv", "douyin_orders.csv", "pdd_orders.xlsx"])
def test_samples_stage_the_same(name: str) -> None:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {path} is absent")
    plain = _assert_same(path)
    if name == "taobao_orders.csv":
        assert plain > 0  # the one-row-per-order CSV sample is read by the plain reader


def test_generated_taobao_export_is_read_plain_and_stages_the_same(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from gen_taobao_csv import write
    finally:
        sys.path.remove(str(BENCHMARKS))
    path = tmp_path / "taobao.csv"
    write(str(path), 3000, seed=7)
    assert _assert_same(path) == 3000  # every row of a generated export is plain


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("platform", ["taobao", "pdd"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzzed_exports_stage_the_same(tmp_path: Path, platform: str, encoding: str, seed: int) -> None:
    header, rows = fuzzed_rows(platform, 700, seed * 10 + len(encoding))
    path = _write(tmp_path / f"{platform}.csv", header, rows, encoding)
    plain = _assert_same(path, platform)
    assert 200 < plain < 600  # both paths were exercised
    fast = _staged(path, platform, _formatter(True), fast=True)
    assert len(fast["errors"]) > 50  # and the odd cells did make row errors


def test_multi_column_fields_take_the_first_non_blank(tmp_path: Path) -> None:
    """Taobao's 联系手机 and 联系电话 are one field: the first non-blank wins, placeholders are blank."""
    rows = []
    for n, (mobile, phone) in enumerate([("", "021-555"), ("-", "021-556"), ("139****0001", "021-557"),
                                         ("null", ""), (" ", "##abc"), ("无", "  ")]):  # fmt: skip
        row = taobao_row(n)
        row[10], row[11] = phone, mobile
        rows.append(row)
    path = _write(tmp_path / "phones.csv", TAOBAO_HEADER, rows, "gb18030")
    assert _assert_same(path) == len(rows)


def test_plain_reader_only_runs_in_china_time(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", TAOBAO_HEADER, [taobao_row(n) for n in range(50)], "gb18030")
    assert _assert_same(path, tz="UTC") == 0  # another site zone: dates would differ, so records
    assert _assert_same(path) == 50


def test_china_time_is_a_fixed_offset_in_the_plain_years() -> None:
    """The plain reader writes +08:00 for years 1992-2099 without asking the zone."""
    eight = dt.timedelta(hours=8)
    for year in range(1992, 2100):
        for month in range(1, 13):
            for day in (1, 15):
                for hour in (0, 12):
                    assert dt.datetime(year, month, day, hour, tzinfo=CHINA_TZ).utcoffset() == eight
    assert dt.datetime(1991, 6, 1, 12, tzinfo=CHINA_TZ).utcoffset() != eight  # daylight saving then


def test_figures_are_cent_exact_over_many_rows(tmp_path: Path) -> None:
    rng = random.Random(5)
    rows = [taobao_row(n, paid=f"{rng.randint(0, 10**9)}.{rng.randint(0, 99):02d}") for n in range(2000)]
    path = _write(tmp_path / "sums.csv", TAOBAO_HEADER, rows, "gb18030")
    assert _assert_same(path) == 2000
    fast = _staged(path, "auto", _formatter(True), fast=True)
    total = sum(int(row[6].replace(".", "")) for row in rows)
    assert fast["raw_figures"][2] == f"{total // 100}.{total % 100:02d}"
