"""Import one platform order export into the database: stream, stage, merge.

The file streams through the parser (``shop.importers``) into two temporary tables (COPY on
PostgreSQL, batched ``executemany`` on SQLite). Staging needs no lock on the real tables, so the
job's progress row stays visible while a million rows load, and a file that turns out to be broken
half-way (``ImportFileError``) leaves nothing behind. Then one short transaction merges the staged
orders: ``INSERT ... ON CONFLICT (organization, platform, order_id) DO UPDATE`` for the new and the
changed ones, and their lines are replaced. A big file on PostgreSQL (parsed in a second process) is
merged batch by batch instead, in one transaction that spans the parse (``_merge_as_parsed``), so
the server's share of the work runs while the file is still being parsed. An order is *unchanged*
when the fingerprint of its imported fields (shop included) equals the stored one, so importing the
same file twice writes nothing and counts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import connection, connections, transaction
from django.utils import timezone

from shangdui.org.models import Organization
from shangdui.shop import summaries
from shangdui.shop.attribution import SalespersonCollector
from shangdui.shop.importers import (
    PLATFORM_LABELS,
    Figures,
    FileInfo,
    ImportFileError,
    OrderRecord,
    RowError,
    iter_orders,
)
from shangdui.shop.importers.mapping import import_options
from shangdui.shop.importers.staging import LINE_COLUMNS, ORDER_COLUMNS, RowFormatter
from shangdui.shop.models import ImportBatch, Order, OrderLine, Shop

BATCH_ROWS = 5000
# Files from this size on are parsed in a second process (``_stage_in_child``).
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
MAX_REPORTED_ERRORS = 1000

ProgressFn = Callable[[int, int, str], None]

STAGE_ORDERS = "shop_stage_orders"
STAGE_LINES = "shop_stage_lines"

# Text columns are cut to the model's lengths so one overlong cell cannot fail the whole merge.
_ORDER_LIMITS = {f.name: f.max_length for f in Order._meta.concrete_fields if getattr(f, "max_length", None)}
_LINE_LIMITS = {f.name: f.max_length for f in OrderLine._meta.concrete_fields if getattr(f, "max_length", None)}


def _cut(value: str, limit: int | None) -> str:
    return value[:limit] if limit and len(value) > limit else value


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def order_rows(record: OrderRecord, shop_id: int, today: dt.date) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The staged order tuple (``ORDER_COLUMNS``) and line tuples (``LINE_COLUMNS``) of a record."""
    lim, llim = _ORDER_LIMITS, _LINE_LIMITS
    order_date = _local_date(record.paid_at) or _local_date(record.created_at) or today
    lines = [
        (record.order_id, position, _cut(line.line_id, llim["line_id"]), _cut(line.product_id, llim["product_id"]),
         _cut(line.sku, llim["sku"]), _cut(line.title, llim["title"]), _cut(line.spec, llim["spec"]),
         line.quantity, line.price, line.amount, line.refunded, line.refund_amount,
         _cut(line.after_sale_status, llim["after_sale_status"]))
        for position, line in enumerate(record.lines)
    ]
    fields = (
        record.order_id, _cut(record.status, lim["status"]), _cut(record.after_sale_status, lim["after_sale_status"]),
        record.created_at, record.paid_at, order_date, record.paid_amount, record.refund_amount, record.refunded,
        record.shipping_fee, _cut(record.buyer_nick, lim["buyer_nick"]), _cut(record.receiver_name,
        lim["receiver_name"]), _cut(record.receiver_phone, lim["receiver_phone"]), record.receiver_address,
        _cut(record.province, lim["province"]), _cut(record.city, lim["city"]),
        _cut(record.district, lim["district"]), record.receiver_encrypted, record.phone_masked,
    )
    digest = hashlib.blake2b(repr((shop_id, fields[1:], [ln[1:] for ln in lines])).encode(), digest_size=16)
    return (*fields, digest.hexdigest()), lines


class _Stage:
    """The two temporary tables of one import on this connection."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.span: tuple[Any, Any] = (None, None)
        self.shop_ids: list[int] = []

    def create(self) -> None:
        self.drop()
        with connection.cursor() as cursor:
            for table, columns in ((STAGE_ORDERS, ORDER_COLUMNS), (STAGE_LINES, LINE_COLUMNS)):
                spec = ", ".join(f"{name} {kind}" if self.postgres else name for name, kind in columns)
                cursor.execute(f"CREATE TEMP TABLE {table} ({spec})")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in (STAGE_ORDERS, STAGE_LINES):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def clear(self) -> None:
        """Empty the stage after a merge, for the next batch (``_merge_as_parsed``)."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {STAGE_ORDERS}_id, {STAGE_LINES}_id")
            cursor.execute(f"TRUNCATE {STAGE_ORDERS}, {STAGE_LINES}")

    def formatter(self, shop_id: int, today: dt.date) -> RowFormatter:
        return RowFormatter(shop_id=shop_id, today=today, tz=timezone.get_current_timezone(),
                            postgres=self.postgres, order_limits=_ORDER_LIMITS, line_limits=_LINE_LIMITS)

    def write(self, orders: list[Any] | bytes, lines: list[Any] | bytes) -> None:
        """Stage rows made by ``formatter()``: COPY text lines (or one block of them) on PostgreSQL,
        tuples on SQLite."""
        if self.postgres:
            with connection.cursor() as cursor:
                raw = cursor.cursor
                for table, columns, rows in ((STAGE_ORDERS, ORDER_COLUMNS, orders),
                                             (STAGE_LINES, LINE_COLUMNS, lines)):
                    names = ", ".join(name for name, _ in columns)
                    with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        copy.write(rows if isinstance(rows, bytes) else "".join(rows).encode())
            return
        # One short write transaction per batch on the temp database; the main tables stay unlocked.
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, rows in ((STAGE_ORDERS, ORDER_COLUMNS, orders), (STAGE_LINES, LINE_COLUMNS, lines)):
                marks = ", ".join(["%s"] * len(columns))
                names = ", ".join(name for name, _ in columns)
                assert isinstance(rows, list)  # bytes only come as PostgreSQL COPY blocks
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def merge(self, *, organization_id: int, shop_id: int, platform: str, batch_id: int,
              by_index: bool = False, fresh: bool = False) -> tuple[int, int, int]:
        """Upsert the staged orders; return (created, updated, unchanged). Run inside a transaction.

        ``by_index`` (PostgreSQL, one batch of a big file): each staged order is looked up in
        ``shop_order`` by its key, never by a join that may read all of the organization's orders:
        the statistics of ``shop_order`` are as old as its last ANALYZE (none for the orders this
        transaction adds), so the planner may think the organization has one order and hash them all
        for every batch.

        ``fresh``: the caller knows that none of the staged orders is stored yet (the organization
        had no order of this platform when the import began, and it holds the import lock), so
        nothing is looked up."""
        order_table, line_table = Order._meta.db_table, OrderLine._meta.db_table
        key = f"o.organization_id = %s AND o.platform = %s AND o.order_id = {STAGE_ORDERS}.order_id"
        # The stored orders of the staged ones, as a join or (``by_index``) a lookup per staged row.
        # OFFSET 0 keeps the subquery from being flattened into a join.
        lookup = f"JOIN LATERAL (SELECT o.* FROM {order_table} o WHERE {key} OFFSET 0) o ON TRUE"  # noqa: S608
        stored = lookup if by_index else f"JOIN {order_table} o ON {key}"
        offset = " OFFSET 0" if by_index else ""
        with connection.cursor() as cursor:
            if self.postgres:
                # What the foreign-key triggers would do once per order, once per batch: keep the shop
                # (and so its organization) from being deleted until this transaction ends.
                cursor.execute(f"SELECT 1 FROM {Shop._meta.db_table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
                               [shop_id])
            self.span, self.shop_ids = (None, None), [shop_id]
            if fresh:
                cursor.execute(f"SELECT COUNT(*), MIN(order_date), MAX(order_date) FROM {STAGE_ORDERS}")  # noqa: S608
                total, *span = cursor.fetchone()
                existing = same = 0
                self.span = (span[0], span[1])
            else:
                cursor.execute(f"CREATE INDEX {STAGE_ORDERS}_id ON {STAGE_ORDERS} (order_id)")
                cursor.execute(f"CREATE INDEX {STAGE_LINES}_id ON {STAGE_LINES} (order_id)")
                if self.postgres:  # the joins below only need the row counts and the order ids' statistics
                    cursor.execute(f"ANALYZE {STAGE_ORDERS} (order_id)")
                    cursor.execute(f"ANALYZE {STAGE_LINES} (order_id)")
                cursor.execute(
                    f"SELECT COUNT(*), COUNT(o.id), SUM(CASE WHEN o.fingerprint = {STAGE_ORDERS}.fingerprint "  # noqa: S608
                    f"THEN 1 ELSE 0 END) FROM {STAGE_ORDERS} LEFT {stored}",
                    [organization_id, platform])
                total, existing, same = cursor.fetchone()
                same = same or 0
            if total == same:  # nothing new, nothing changed: nothing to write
                return 0, 0, same
            if same:
                cursor.execute(
                    f"DELETE FROM {STAGE_ORDERS} WHERE EXISTS (SELECT 1 FROM {order_table} o "  # noqa: S608
                    f"WHERE {key} AND o.fingerprint = {STAGE_ORDERS}.fingerprint{offset})", [organization_id, platform])
            # The days and shops whose daily summaries change: the new dates, and the old ones (and old
            # shop) of orders that change, since an order may move day (paid later) or shop.
            if existing > same:
                cursor.execute(
                    f"SELECT MIN(d), MAX(d) FROM (SELECT order_date AS d FROM {STAGE_ORDERS} UNION ALL "  # noqa: S608
                    f"SELECT o.order_date FROM {STAGE_ORDERS} {stored}) dates",
                    [organization_id, platform])
                self.span = cursor.fetchone()
                cursor.execute(
                    f"SELECT DISTINCT o.shop_id FROM {STAGE_ORDERS} {stored}",  # noqa: S608
                    [organization_id, platform])
                self.shop_ids = sorted({shop_id, *(row[0] for row in cursor.fetchall())})
                # The changed orders' old lines go; their new ones come with the new orders' below.
                cursor.execute(
                    f"DELETE FROM {line_table} WHERE order_id IN (SELECT o.id FROM {STAGE_ORDERS} "  # noqa: S608
                    f"{stored})", [organization_id, platform])
            elif not fresh:  # only new orders
                cursor.execute(f"SELECT MIN(order_date), MAX(order_date) FROM {STAGE_ORDERS}")  # noqa: S608
                self.span = cursor.fetchone()
            names = [name for name, _ in ORDER_COLUMNS]
            updates = ", ".join(f"{n} = excluded.{n}" for n in [*names, "shop_id", "batch_id", "updated_at"]
                                if n != "order_id")
            line_names = [name for name, _ in LINE_COLUMNS if name != "order_id"]
            upsert = (
                f"INSERT INTO {order_table} (organization_id, shop_id, platform, batch_id, updated_at, "  # noqa: S608
                f"carrier, tracking_no, {', '.join(names)}) "
                f"SELECT %s, %s, %s, %s, %s, '', '', {', '.join(names)} FROM {STAGE_ORDERS} WHERE 1 = 1 "
                f"ON CONFLICT (organization_id, platform, order_id) DO UPDATE SET {updates}")
            params: list[Any] = [organization_id, shop_id, platform, batch_id, timezone.now()]
            insert_lines = f"INSERT INTO {line_table} (order_id, {', '.join(line_names)}) "
            line_values = ", ".join("l." + n for n in line_names)
            if by_index and not existing:
                # Only new orders, and the batch-by-batch merge holds the import lock (_lock_orders):
                # no other import can write these keys before the commit, so no conflict to arbitrate.
                # Without the lock (a small file) the upsert stays, for an import running beside it.
                upsert = upsert[:upsert.index(" ON CONFLICT")]
            if self.postgres:
                # The upsert returns each written order's id, so the lines join the stage, not shop_order.
                cursor.execute(
                    f"WITH written AS ({upsert} RETURNING id, order_id) {insert_lines}"  # noqa: S608
                    f"SELECT w.id, {line_values} FROM {STAGE_LINES} l JOIN written w ON w.order_id = l.order_id",
                    params)
            else:  # SQLite has no INSERT in a WITH
                cursor.execute(upsert, params)
                cursor.execute(
                    f"{insert_lines}SELECT o.id, {line_values} FROM {STAGE_LINES} l "  # noqa: S608
                    f"JOIN {STAGE_ORDERS} ON {STAGE_ORDERS}.order_id = l.order_id JOIN {order_table} o ON {key}",
                    [organization_id, platform])
        return total - existing, existing - same, same


def _result(file_name: str, platform: str, rows: int, figures: Figures, counts: tuple[int, int, int],
            errors: list[dict[str, Any]], error_count: int) -> dict[str, Any]:
    created, updated, unchanged = counts
    return {"file": file_name, "platform": platform, "rows": rows, **figures.as_dict(),
            "created": created, "updated": updated, "unchanged": unchanged,
            "errors": errors, "error_count": error_count}


def orders_import(*, organization: Organization, shop: Shop, source: str | Path | IO[bytes], file_name: str = "",
                  platform: str = "auto", job: Any = None, progress: ProgressFn | None = None,
                  max_errors: int | None = MAX_REPORTED_ERRORS) -> dict[str, Any]:
    """Import one order export into ``shop``; return the report (figures of the file's orders, counts,
    bad rows with their row numbers).

    ``platform`` ``"auto"`` detects the layout from the header; a file of another platform than the
    shop's is refused (a clearer message than "missing columns"). A whole-file
    problem (encoding, layout, a file of another platform...) raises ``ImportFileError`` with a Chinese
    message and nothing is written.
    """
    if shop.organization_id != organization.id:
        raise ValueError("shop of another organization")
    mapping = _mapping_for(shop, platform)
    salespeople = SalespersonCollector() if mapping and "salesperson" in mapping["columns"] else None
    info = FileInfo()
    figures = Figures()
    errors: list[dict[str, Any]] = []
    error_count = 0
    stage = _Stage()
    stage.create()
    today = timezone.localdate()
    try:
        rows_of = stage.formatter(shop.id, today).rows
        orders: list[Any] = []
        lines: list[Any] = []
        checked = False
        parallel = _child_source(source) if mapping is None else None
        if parallel is not None and stage.postgres:  # a big file: merged batch by batch as it is parsed
            return _merge_as_parsed(parallel, stage=stage, organization=organization, shop=shop, platform=platform,
                                    today=today, file_name=file_name, job=job, progress=progress,
                                    max_errors=max_errors)
        if parallel is not None:  # a big file: parsed in a second process while this one stages it
            error_count = _stage_in_child(parallel, stage=stage, shop=shop, platform=platform, today=today, info=info,
                                          figures=figures, errors=errors, max_errors=max_errors, progress=progress)
        for item in [] if parallel is not None else iter_orders(source, platform, mapping, info=info):
            if not checked:
                _check_platform(shop, info.platform)
                checked = True
            if isinstance(item, RowError):
                error_count += 1
                if max_errors is None or len(errors) < max_errors:
                    errors.append({"row": item.row, "message": item.message})
                continue
            figures.add(item)
            if salespeople is not None:
                salespeople.add(item)
            order, order_lines = rows_of(item)
            orders.append(order)
            lines.extend(order_lines)
            if len(orders) >= BATCH_ROWS:
                stage.write(orders, lines)
                orders, lines = [], []
                if progress is not None:
                    progress(info.bytes_read, info.size or 1, f"{figures.orders} 单")
        if not checked:
            _check_platform(shop, info.platform)
        stage.write(orders, lines)
        if progress is not None:
            progress(info.size, info.size or 1, f"{figures.orders} 单")
        rows = max(info.rows - 1, 0)
        with transaction.atomic():
            batch = ImportBatch.objects.create(organization=organization, shop=shop, file_name=file_name[:255],
                                               platform=info.platform, job=job)
            counts = stage.merge(organization_id=organization.id, shop_id=shop.id, platform=info.platform,
                                 batch_id=batch.id)
            start, end = (dt.date.fromisoformat(d) if isinstance(d, str) else d for d in stage.span)
            if start is not None and end is not None:
                summaries.refresh(shop_ids=stage.shop_ids, start=start, end=end)
            result = _result(file_name, info.platform, rows, figures, counts, errors, error_count)
            if salespeople is not None:
                result["salesperson"] = salespeople.apply(organization_id=organization.id, platform=info.platform)
            batch.result = {k: v for k, v in result.items() if k != "errors"}
            batch.save(update_fields=["result"])
        return result
    finally:
        stage.drop()


def _mapping_for(shop: Shop, platform: str) -> dict[str, Any] | None:
    """A generic-platform shop reads its files with its saved column mapping (unless a platform
    layout is named explicitly)."""
    if shop.platform == Shop.Platform.OTHER and platform in ("auto", "other", ""):
        return import_options(shop.column_mapping, shop_name=shop.name)
    if platform == "other":
        raise ImportFileError(f"店铺“{shop.name}”不是“其他平台”店铺，不能按列映射导入。")
    return None


def _child_source(source: str | Path | IO[bytes]) -> dict[str, Any] | None:
    """How a parser process can read ``source`` (a path, or an inherited descriptor of a regular
    file), or ``None`` to parse in this process: small files (the start-up costs more than it
    saves) and in-memory uploads."""
    if isinstance(source, str | os.PathLike):
        try:
            size = os.path.getsize(source)
        except OSError:
            return None  # the in-process reader reports it in Chinese
        return {"path": os.fspath(source), "size": size} if size >= PARALLEL_MIN_BYTES else None
    try:
        fd = source.fileno()
        status = os.fstat(fd)
        offset = source.tell()
    except (AttributeError, OSError, ValueError):
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size < PARALLEL_MIN_BYTES:
        return None
    return {"fd": fd, "offset": offset, "size": status.st_size}


def _merge_as_parsed(file_spec: dict[str, Any], *, stage: _Stage, organization: Organization, shop: Shop,
                     platform: str, today: dt.date, file_name: str, job: Any, progress: ProgressFn | None,
                     max_errors: int | None) -> dict[str, Any]:
    """Import a big file on PostgreSQL: each batch from the parser process is staged and merged at
    once, so the server's merge work (indexes, constraint checks) runs while the next batch is
    parsed, instead of after the whole file. All batches and the daily summaries are one
    transaction: a file that breaks half-way still leaves nothing behind. The job's progress is
    written from another thread, on its own connection, so it is seen while the transaction runs."""
    info, figures = FileInfo(), Figures()
    errors: list[dict[str, Any]] = []
    counts = [0, 0, 0]
    dates: list[Any] = []
    shop_ids = {shop.id}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="order-import-progress") as progress_thread:

        def report(done: int, total: int, message: str) -> None:
            if progress is not None:
                progress_thread.submit(progress, done, total, message).result()

        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # The foreign keys are checked as each batch is written, not all at the commit.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                batch: ImportBatch | None = None

                fresh = False

                def take(orders: list[Any] | bytes, lines: list[Any] | bytes, found: str) -> None:
                    nonlocal batch, fresh
                    if batch is None:
                        fresh = _lock_orders(organization.id, found)
                        if fresh:  # summaries are added batch by batch, from nothing
                            summaries.clear(shop_id=shop.id, platform=found)
                        batch = ImportBatch.objects.create(organization=organization, shop=shop,
                                                           file_name=file_name[:255], platform=found, job=job)
                    stage.write(orders, lines)
                    batch_counts = stage.merge(organization_id=organization.id, shop_id=shop.id, platform=found,
                                               batch_id=batch.id, by_index=True, fresh=fresh)
                    created, updated, _ = batch_counts
                    if created and not updated:
                        # Only new orders are left in the stage (unchanged ones were dropped from it):
                        # their sums are added now, while the parser works on the next batch.
                        summaries.add_staged(organization_id=organization.id, shop_id=shop.id, platform=found,
                                             orders_table=STAGE_ORDERS, lines_table=STAGE_LINES)
                    elif updated:  # changed orders may leave a day or a shop: rebuilt at the end
                        dates.extend(d for d in stage.span if d is not None)
                        shop_ids.update(stage.shop_ids)
                    stage.clear()
                    for i, count in enumerate(batch_counts):
                        counts[i] += count

                error_count = _stage_in_child(file_spec, stage=stage, shop=shop, platform=platform, today=today,
                                              info=info, figures=figures, errors=errors, max_errors=max_errors,
                                              progress=report if progress is not None else None, take=take)
                if batch is None:
                    batch = ImportBatch.objects.create(organization=organization, shop=shop,
                                                       file_name=file_name[:255], platform=info.platform, job=job)
                if dates:
                    summaries.refresh(shop_ids=sorted(shop_ids), start=min(dates), end=max(dates))
                result = _result(file_name, info.platform, max(info.rows - 1, 0), figures,
                                 (counts[0], counts[1], counts[2]), errors, error_count)
                batch.result = {k: v for k, v in result.items() if k != "errors"}
                batch.save(update_fields=["result"])
            return result
        finally:
            progress_thread.submit(connections.close_all).result()


def _lock_orders(organization_id: int, platform: str) -> bool:
    """Wait for any other import of the organization's orders of ``platform`` (PostgreSQL, until the
    end of this transaction), then say whether it has none of them yet: then every order of this
    import is new (the parser drops repeated order ids) and none needs looking up."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                       [f"shangdui.shop.orders:{organization_id}:{platform}"])
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {Order._meta.db_table} "  # noqa: S608
                       "WHERE organization_id = %s AND platform = %s)", [organization_id, platform])
        return bool(cursor.fetchone()[0])


def _stage_in_child(file_spec: dict[str, Any], *, stage: _Stage, shop: Shop, platform: str, today: dt.date,
                    info: FileInfo, figures: Figures, errors: list[dict[str, Any]], max_errors: int | None,
                    progress: ProgressFn | None,
                    take: Callable[[list[Any] | bytes, list[Any] | bytes, str], None] | None = None) -> int:
    """Parse the file in a second process (``importers.pipe``) and stage its rows as they come, so
    parsing and the database work at the same time. Fills ``info``, ``figures`` and ``errors`` like
    the in-process loop; returns the number of bad rows. ``take(orders, lines, platform)``, if
    given, receives each batch instead of ``stage.write``."""
    spec = {**file_spec, "platform": platform, "shop_id": shop.id, "today": today.isoformat(),
            "tz": timezone.get_current_timezone_name(), "postgres": stage.postgres,
            "order_limits": _ORDER_LIMITS, "line_limits": _LINE_LIMITS, "batch_rows": BATCH_ROWS,
            "max_errors": max_errors}
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    error_count = staged = 0
    checked = False
    with tempfile.TemporaryFile() as stderr:
        command = [sys.executable, "-m", "shangdui.shop.importers.pipe", json.dumps(spec)]
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env,  # noqa: S603
                                 pass_fds=(file_spec["fd"],) if "fd" in file_spec else ())
        assert child.stdout is not None
        try:
            while True:
                try:
                    message = pickle.load(child.stdout)  # noqa: S301 - our own child process
                except EOFError:
                    code = child.wait()
                    stderr.seek(0)
                    raise RuntimeError(f"order parser process exited with {code} before the end of the file: "
                                       f"{stderr.read()[-2000:].decode(errors='replace')}") from None
                if message[0] == "rows":
                    _, orders, lines, new_errors, count, bytes_read, found = message
                    if not checked and found:
                        _check_platform(shop, found)
                        checked = True
                    error_count += count
                    errors.extend({"row": row, "message": text} for row, text in new_errors)
                    if orders:
                        if take is not None:
                            take(orders, lines, found)
                        else:
                            stage.write(orders, lines)
                        staged += orders.count(b"\n") if isinstance(orders, bytes) else len(orders)
                        if progress is not None:
                            progress(bytes_read, file_spec["size"] or 1, f"{staged} 单")
                elif message[0] == "done":
                    for name, value in message[1].items():
                        setattr(info, name, value)
                    if progress is not None:
                        progress(info.bytes_read, info.size or 1, f"{staged} 单")
                    orders_count, paid, gmv, refunds = message[2]
                    figures.orders, figures.paid_orders = orders_count, paid
                    figures.paid_gmv, figures.refunds = Decimal(gmv), Decimal(refunds)
                    return error_count
                elif message[0] == "fail":
                    raise ImportFileError(message[1])
                else:
                    raise RuntimeError(f"order parser process failed: {message[1]}")
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            child.stdout.close()


def _check_platform(shop: Shop, platform: str) -> None:
    if shop.platform in PLATFORM_LABELS and platform and platform != shop.platform:
        raise ImportFileError(
            f"文件是{PLATFORM_LABELS.get(platform, platform)}的订单格式，"
            f"而店铺“{shop.name}”属于{PLATFORM_LABELS[shop.platform]}，未导入。请选择正确的店铺。")


def platform_labels() -> Sequence[tuple[str, str]]:
    return list(PLATFORM_LABELS.items())
