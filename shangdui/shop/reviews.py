"""Review exports (评价) into the database, and the good-review counts per shop, product and agent.

A review is credited to an agent (客服): the member the export's customer-service column names (by
display name or username), else the assignee of that order's review-request follow-up, else the
order's salesperson. Re-importing updates reviews in place (shop + platform review id, or shop +
order number + product) and never counts one twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shangdui.org.models import Organization
from shangdui.shop.attribution import members_by_name
from shangdui.shop.importers import FileInfo, ImportFileError, RowError
from shangdui.shop.importers.reviews import ReviewRecord, iter_reviews
from shangdui.shop.models import FollowUp, Order, Review, Shop

CHUNK = 2000
MAX_REPORTED_ERRORS = 1000
MAX_REVIEW_ROWS = 2_000_000

ProgressFn = Callable[[int, int, str], None]
_FIELDS = ("order_number", "order_id", "product", "rating", "content", "reviewed_at", "review_date", "agent_name",
           "agent_id")


def reviews_import(*, organization: Organization, shop: Shop, source: str | Path | IO[bytes], file_name: str = "",
                   progress: ProgressFn | None = None,
                   max_errors: int | None = MAX_REPORTED_ERRORS) -> dict[str, Any]:
    """Import one review export into ``shop``. The whole file is read and checked first (a file that
    cannot be read imports nothing, with a Chinese message); then reviews are upserted in chunks, each
    in its own transaction, so a rerun after a crash finishes the job without doubling anything.

    Returns ``{file, rows, reviews, good, neutral, bad, created, updated, unchanged, credited,
    errors: [{row, message}], error_count}``.
    """
    if shop.organization_id != organization.id:
        raise ValueError("shop of another organization")
    info = FileInfo()
    records: list[ReviewRecord] = []
    errors: list[dict[str, Any]] = []
    error_count = 0
    for item in iter_reviews(source, info=info):
        if isinstance(item, RowError):
            error_count += 1
            if max_errors is None or len(errors) < max_errors:
                errors.append({"row": item.row, "message": item.message})
            continue
        records.append(item)
        if len(records) > MAX_REVIEW_ROWS:
            raise ImportFileError(f"评价文件超过 {MAX_REVIEW_ROWS:,} 行，请按月份拆分后再导入。")
        if progress is not None and len(records) % CHUNK == 0:
            progress(info.bytes_read, (info.size or 1) * 2, f"已读取 {len(records)} 条评价")
    counts = {"created": 0, "updated": 0, "unchanged": 0, "credited": 0}
    for start in range(0, len(records), CHUNK):
        _write_chunk(organization, shop, records[start:start + CHUNK], counts)
        if progress is not None:
            done = start + CHUNK
            progress(len(records) + min(done, len(records)), len(records) * 2 or 1,
                     f"已写入 {min(done, len(records))}/{len(records)} 条评价")
    ratings = {rating: sum(1 for r in records if r.rating == rating) for rating in Review.Rating.values}
    return {"file": file_name, "rows": max(info.rows - 1, 0), "reviews": len(records), **ratings, **counts,
            "errors": errors, "error_count": error_count}


@transaction.atomic
def _write_chunk(organization: Organization, shop: Shop, records: list[ReviewRecord], counts: dict[str, int]) -> None:
    numbers = {r.order_number for r in records if r.order_number}
    orders = dict(Order.objects.filter(organization=organization, shop=shop, order_id__in=numbers)
                  .values_list("order_id", "pk"))
    salespeople = dict(Order.objects.filter(pk__in=orders.values(), salesperson__isnull=False)
                       .values_list("pk", "salesperson_id"))
    requested = dict(FollowUp.objects.filter(order_id__in=orders.values(), kind=FollowUp.Kind.REVIEW,
                                             assignee__isnull=False).values_list("order_id", "assignee_id"))
    members = members_by_name(organization.pk, {r.agent for r in records if r.agent})
    existing: dict[tuple[str, str, str], Review] = {}
    ids = [r.review_id for r in records if r.review_id]
    keyed = [r for r in records if not r.review_id]
    lookup = Review.objects.filter(shop=shop).select_for_update()
    for review in lookup.filter(review_id__in=ids) if ids else []:
        existing[("id", review.review_id, "")] = review
    if keyed:
        for review in lookup.filter(review_id="", order_number__in={r.order_number for r in keyed}):
            existing[("order", review.order_number, review.product)] = review
    new: list[Review] = []
    changed: list[Review] = []
    for record in records:
        order_pk = orders.get(record.order_number)
        member = members.get(record.agent) if record.agent else None
        agent_id = member.pk if member is not None else None
        if agent_id is None and order_pk is not None:
            agent_id = requested.get(order_pk) or salespeople.get(order_pk)
        values: dict[str, Any] = {"order_number": record.order_number, "order_id": order_pk, "product": record.product,
                  "rating": record.rating, "content": record.content, "reviewed_at": record.reviewed_at,
                  "review_date": timezone.localdate(record.reviewed_at), "agent_name": record.agent,
                  "agent_id": agent_id}
        counts["credited"] += agent_id is not None
        found = existing.get(record.key)
        if found is None:
            new.append(Review(organization=organization, shop=shop, review_id=record.review_id, **values))
        elif any(getattr(found, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(found, name, value)
            found.imported_at = timezone.now()
            changed.append(found)
        else:
            counts["unchanged"] += 1
    Review.objects.bulk_create(new)
    if changed:
        Review.objects.bulk_update(changed, [*_FIELDS, "imported_at"])
    counts["created"] += len(new)
    counts["updated"] += len(changed)


def _counts() -> dict[str, Any]:
    return {"good": Count("id", filter=Q(rating=Review.Rating.GOOD)),
            "neutral": Count("id", filter=Q(rating=Review.Rating.NEUTRAL)),
            "bad": Count("id", filter=Q(rating=Review.Rating.BAD)), "total": Count("id")}


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    row["good_rate"] = round(row["good"] * 100 / row["total"], 1) if row["total"] else 0.0
    return row


def review_counts(reviews: QuerySet[Review], group: tuple[str, ...]) -> list[dict[str, Any]]:
    """Good/neutral/bad/total per ``group`` (values() fields), most good reviews first, with the good
    rate in percent (one decimal)."""
    rows: Any = reviews.values(*group).annotate(**_counts()).order_by("-good", "-total", *group)
    return [_with_rate(dict(row)) for row in rows]


def review_summary(*, organization_id: int, shop_ids: list[int], start: dt.date, end: dt.date,
                   product_limit: int = 50) -> dict[str, Any]:
    """What the review page and its export show: totals, then counts per shop, product and agent."""
    from shangdui.shop.selectors import reviews_in

    reviews = reviews_in(organization_id, start=start, end=end, shops=shop_ids)
    return {
        "totals": _with_rate(reviews.aggregate(**_counts())),
        "by_shop": review_counts(reviews, ("shop_id", "shop__name")),
        "by_product": review_counts(reviews, ("product",))[:product_limit],
        "by_agent": review_counts(reviews, ("agent_id", "agent__name")),
    }

