"""Notes (笔记): Chinese full-text search with jieba tokens, Markdown rendered safely.

``search_text`` stores the note's words as jieba's search-mode tokens separated by spaces (lower-cased),
so a query is tokenized the same way and every token must appear: this works on SQLite and PostgreSQL
alike, without a full-text extension.
"""

from __future__ import annotations

import logging

import jieba
import markdown  # type: ignore[import-untyped]
import nh3
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from shangdui.org.access import managed_member_ids
from shangdui.org.models import Member
from shangdui.work import access
from shangdui.work.models import Note

jieba.setLogLevel(logging.WARNING)

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "code", "pre", "blockquote", "h3", "h4", "a",
                "table", "thead", "tbody", "tr", "th", "td", "hr"}


def tokens(text: str) -> list[str]:
    words = [w.strip().lower() for w in jieba.cut_for_search(text)]
    return [w for w in words if w and not all(not c.isalnum() for c in w)]


def search_text(*parts: str) -> str:
    return " ".join(dict.fromkeys(tokens(" ".join(parts))))


def render(body: str) -> SafeString:
    html = markdown.markdown(body, extensions=["tables", "fenced_code", "sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS))  # noqa: S308 - sanitized by nh3 just above


def visible_notes(viewer: Member) -> QuerySet[Note]:
    """Plan and task notes: whoever sees the plan. Day notes: the author and their manager chain."""
    plans = access.visible_plans(viewer).values("pk")
    people = {viewer.id, *managed_member_ids(viewer)}
    day_notes = Q(plan__isnull=True, task__isnull=True)
    if viewer.role != Member.Role.DIRECTOR:
        day_notes &= Q(author_id__in=people)
    return Note.objects.filter(organization_id=viewer.organization_id).filter(
        Q(plan__in=plans) | Q(task__plan__in=plans) | day_notes).select_related("author", "plan", "task")


def search(notes: QuerySet[Note], query: str) -> QuerySet[Note]:
    for token in dict.fromkeys(tokens(query)):
        notes = notes.filter(search_text__contains=token)
    return notes
