"""Reads for pages and the API: lists and the scorecard."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from shangdui.conversations.access import visible_conversations
from shangdui.conversations.models import Appeal, Conversation, RuleHit, Segment
from shangdui.conversations.outcomes import ZERO, sales_by_member
from shangdui.conversations.trends import coaching, customer_trends
from shangdui.org.models import Member


def conversation_list(viewer: Member, *, member_id: int | None = None, status: str = "") -> QuerySet[Conversation]:
    conversations = visible_conversations(viewer).select_related("member", "member__department", "scheme")
    if member_id:
        conversations = conversations.filter(member_id=member_id)
    if status in Conversation.Status.values:
        conversations = conversations.filter(status=status)
    return conversations


def review_queue(viewer: Member, *, limit: int = 100) -> dict[str, Any]:
    """The inspector's queue: conversations with failed rules nobody has reviewed yet, and open
    appeals, both newest first; never the viewer's own conversations."""
    visible = visible_conversations(viewer).exclude(member_id=viewer.id)
    unreviewed = (visible.filter(status=Conversation.Status.DONE,
                                 rule_hits__passed=False, rule_hits__decision=RuleHit.Decision.AUTO)
                  .annotate(failed=Count("rule_hits", filter=Q(rule_hits__passed=False,
                                                               rule_hits__decision=RuleHit.Decision.AUTO)))
                  .select_related("member").order_by("-occurred_at", "-id")[:limit])
    appeals = (Appeal.objects.filter(organization_id=viewer.organization_id, status=Appeal.Status.OPEN,
                                     rule_hit__conversation__in=visible)
               .select_related("member", "rule_hit", "rule_hit__conversation").order_by("-created_at", "-id")[:limit])
    return {"unreviewed": list(unreviewed), "appeals": list(appeals)}


SCORECARD_PERIODS = (30, 90, 365)


def scorecard(viewer: Member, *, by: str = "score", days: int | None = None) -> dict[str, Any]:
    """Per member: conversations, average score %, pass rate per rule, talk ratio; the team's top quartile
    by score or, where conversations link to orders, by sales outcome (``outcomes.py``), over the
    last ``days`` (all time when None). Coaching advice compares each member with that group."""
    done = visible_conversations(viewer).filter(status=Conversation.Status.DONE, max_score__gt=0)
    if days:
        done = done.filter(occurred_at__gte=timezone.now() - dt.timedelta(days=days))
    rows: list[dict[str, Any]] = []
    per_member = done.values("member_id", "member__name").annotate(
        n=Count("id"), avg_score=Avg("score"), avg_max=Avg("max_score")).order_by("member__name")
    metrics: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for conversation in done.only("member_id", "metrics"):
        metrics[conversation.member_id].append(conversation.metrics or {})
    for row in per_member:
        percent = round(100 * row["avg_score"] / row["avg_max"]) if row["avg_max"] else None
        mine = metrics[row["member_id"]]
        rows.append({"member_id": row["member_id"], "name": row["member__name"], "conversations": row["n"],
                     "score_percent": percent, "talk_ratio": _mean(mine, "talk_ratio", 2),
                     "questions": _mean(mine, "questions", 1),
                     "longest_monologue": _mean(mine, "longest_monologue", 0)})
    ranked = sorted((r["score_percent"] for r in rows if r["score_percent"] is not None), reverse=True)
    top_quartile = ranked[max(0, (len(ranked) + 3) // 4 - 1)] if ranked else None
    sales = sales_by_member(done, viewer.organization_id)
    for member_row in rows:
        member_row["sales"] = sales["members"].get(member_row["member_id"], ZERO)
        member_row["orders"] = sales["orders"].get(member_row["member_id"], 0)
    by_sales = sales["linked"] > 0
    top_sales = None
    if by_sales:
        ranked_sales = sorted((r["sales"] for r in rows), reverse=True)
        top_sales = ranked_sales[max(0, (len(ranked_sales) + 3) // 4 - 1)]
        by_sales = top_sales > ZERO  # nobody sold anything: there is no top group to learn from
    by = "sales" if by == "sales" and by_sales else "score"
    key, threshold = ("sales", top_sales) if by == "sales" else ("score_percent", top_quartile)
    for member_row in rows:
        member_row["in_top"] = (threshold is not None and member_row[key] is not None
                                and member_row[key] >= threshold)
    rules: dict[str, dict[str, Any]] = {}
    for hit in RuleHit.objects.filter(conversation__in=done).values("rule_id", "name", "passed", "decision"):
        entry = rules.setdefault(hit["rule_id"], {"name": hit["name"], "passed": 0, "total": 0})
        passed = (not hit["passed"]) if hit["decision"] == RuleHit.Decision.OVERTURNED else hit["passed"]
        entry["passed"] += int(passed)
        entry["total"] += 1
    for entry in rules.values():
        entry["rate"] = round(100 * entry["passed"] / entry["total"]) if entry["total"] else None
    advice = coaching(rows, threshold, key)
    for member_row in rows:
        member_row["advice"] = advice.get(member_row["member_id"], [])
    return {"rows": rows, "top_quartile": top_quartile, "by": by, "sales_available": by_sales,
            "top_quartile_sales": top_sales, "linked": sales["linked"], "with_order_no": sales["with_number"],
            "days": days, "periods": SCORECARD_PERIODS, "rules": sorted(rules.values(), key=lambda e: e["rate"] or 0),
            # Trends need no scheme: every analysed conversation counts, scored or not.
            "trends": _trends(viewer, visible_conversations(viewer).filter(status=Conversation.Status.DONE))}


TRENDS_CONVERSATIONS = 2000


def _trends(viewer: Member, done: QuerySet[Conversation]) -> dict[str, Any]:
    """Customer topics and competitor names over the most recent visible conversations."""
    from shangdui.shop.models import Shop

    recent = list(done.order_by("-occurred_at").values_list("id", flat=True)[:TRENDS_CONVERSATIONS])
    texts = Segment.objects.filter(conversation_id__in=recent, role="customer").values_list(
        "conversation_id", "text").iterator()
    shops = Shop.objects.filter(organization_id=viewer.organization_id).values_list("name", flat=True)
    return customer_trends(texts, list(shops))


def _mean(metrics: list[dict[str, Any]], key: str, digits: int) -> float | None:
    values = [float(m[key]) for m in metrics if m.get(key) is not None]
    return round(sum(values) / len(values), digits) if values else None
