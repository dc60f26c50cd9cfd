"""Reads of the coaching library: playlists with their clips, and suggested moments for curators."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, ExpressionWrapper, F, FloatField, QuerySet

from shangdui.coaching.models import Clip, ClipListen, CoachingPlaylist, Scenario
from shangdui.coaching.scenarios import scenario_of_rule
from shangdui.coaching.services import playlists_ensure
from shangdui.conversations.access import visible_conversations
from shangdui.conversations.models import Conversation, RuleHit, Segment
from shangdui.org.models import Member

SUGGEST_FROM = 20  # top-scoring conversations looked at
SUGGEST_PER_SCENARIO = 3


def playlist_label(playlist: CoachingPlaylist) -> str:
    return str(Scenario(playlist.scenario).label) if playlist.scenario else playlist.name


def playlists(viewer: Member) -> list[dict[str, Any]]:
    playlists_ensure(organization=viewer.organization)
    counted = CoachingPlaylist.objects.filter(organization_id=viewer.organization_id).annotate(n=Count("clips"))
    return [{"id": p.pk, "scenario": p.scenario, "label": playlist_label(p), "clips": p.n} for p in counted]


def clips(viewer: Member, *, playlist: CoachingPlaylist | None = None) -> QuerySet[Clip]:
    found = Clip.objects.filter(organization_id=viewer.organization_id).select_related(
        "playlist", "member", "added_by", "job"
    )
    return found.filter(playlist=playlist) if playlist is not None else found


def listened_ids(viewer: Member, clip_ids: list[int]) -> set[int]:
    return set(ClipListen.objects.filter(member=viewer, clip_id__in=clip_ids).values_list("clip_id", flat=True))


def suggestions(viewer: Member, *, limit: int = 12) -> list[dict[str, Any]]:
    """Moments worth sharing: in the top-scoring conversations the viewer may see (with consent and
    audio), each passed rule that maps to a scenario points at its evidence turn and the reply after
    it. Moments already clipped are left out."""
    percent = ExpressionWrapper(F("score") * 1.0 / F("max_score"), output_field=FloatField())
    top = list(
        visible_conversations(viewer)
        .filter(status=Conversation.Status.DONE, consent=True, max_score__gt=0, score__isnull=False)
        .exclude(audio="")
        .exclude(source__consent=False)
        .annotate(percent=percent)
        .select_related("member")
        .order_by("-percent", "-occurred_at")[:SUGGEST_FROM]
    )
    if not top:
        return []
    by_id = {c.pk: c for c in top}
    clipped: dict[int, list[tuple[float, float]]] = {}
    for conversation_id, start, end in Clip.objects.filter(conversation_id__in=by_id).values_list(
        "conversation_id", "start", "end"
    ):
        clipped.setdefault(conversation_id, []).append((start, end))
    playlist_of = {
        p.scenario: p
        for p in CoachingPlaylist.objects.filter(organization_id=viewer.organization_id).exclude(scenario="")
    }
    wanted: list[tuple[Conversation, RuleHit, str, int]] = []
    for hit in RuleHit.objects.filter(conversation_id__in=by_id).order_by("id"):
        scenario = scenario_of_rule(hit.rule_id, hit.name)
        if scenario is None or not hit.effective_passed or not hit.evidence:
            continue
        index = hit.evidence[0].get("segment")
        if isinstance(index, int):
            wanted.append((by_id[hit.conversation_id], hit, scenario, index))
    keys = {(c.pk, i) for c, _h, _s, i in wanted} | {(c.pk, i + 1) for c, _h, _s, i in wanted}
    segments = {
        (s.conversation_id, s.index): s
        for s in Segment.objects.filter(conversation_id__in={k[0] for k in keys}, index__in={k[1] for k in keys})
        if (s.conversation_id, s.index) in keys
    }
    order = {c.pk: n for n, c in enumerate(top)}
    wanted.sort(key=lambda w: order[w[0].pk])
    found: list[dict[str, Any]] = []
    per_scenario: dict[str, int] = {}
    for conversation, hit, scenario, index in wanted:
        first = segments.get((conversation.pk, index))
        if first is None or per_scenario.get(scenario, 0) >= SUGGEST_PER_SCENARIO:
            continue
        reply = segments.get((conversation.pk, index + 1))
        last = reply if reply is not None and reply.end - first.start <= 60 else first
        if any(s < last.end and first.start < e for s, e in clipped.get(conversation.pk, [])):
            continue
        per_scenario[scenario] = per_scenario.get(scenario, 0) + 1
        playlist = playlist_of.get(scenario)
        found.append(
            {
                "conversation": conversation,
                "rule": hit.name,
                "scenario": scenario,
                "scenario_label": str(Scenario(scenario).label),
                "playlist_id": playlist.pk if playlist else None,
                "from_line": first.index,
                "to_line": last.index,
                "start": first.start,
                "end": last.end,
                "lines": [first] + ([last] if last is not first else []),
                "score_percent": conversation.score_percent,
            }
        )
        if len(found) >= limit:
            break
    return found
