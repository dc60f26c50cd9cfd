"""Conversation metrics for scorecards and for the metric rules of inspection."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .types import Segment

_COUNTED = re.compile(r"[\u4e00-\u9fff0-9a-zA-Z]")
_QUESTION_WORDS = re.compile(r"(吗|呢|什么|怎么|为什么|多少|哪|几|是否|是不是|有没有|能不能|可不可以|请问)")
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
NEGATIVE = (
    "生气", "投诉", "太差", "很差", "垃圾", "骗", "失望", "不满意", "差评", "烦", "退钱", "什么破", "坑",
    "受不了", "气死", "糟糕", "离谱", "态度差", "太慢", "没用", "欺负", "忽悠", "恶心", "再也不",
)


def char_count(text: str) -> int:
    return len(_COUNTED.findall(text))


def of_role(segments: Sequence[Segment], role: str) -> list[Segment]:
    return [s for s in segments if role == "any" or s.role == role]


def talk_time(segments: Sequence[Segment], role: str) -> float:
    return sum(s.duration for s in of_role(segments, role))


def talk_ratio(segments: Sequence[Segment], role: str = "agent") -> float | None:
    """Share of talk time of ``role`` among agent and customer; None without any talk."""
    total = talk_time(segments, "agent") + talk_time(segments, "customer")
    return talk_time(segments, role) / total if total > 0 else None


def speech_rate(segments: Sequence[Segment], role: str = "agent") -> float | None:
    """Characters per minute of ``role``; None when the role did not speak."""
    mine = of_role(segments, role)
    seconds = sum(s.duration for s in mine)
    return char_count("".join(s.text for s in mine)) * 60.0 / seconds if seconds > 0 else None


def silences(segments: Sequence[Segment]) -> list[tuple[int, float]]:
    """(index of the segment after the gap, gap seconds) for every gap between turns."""
    order = sorted(range(len(segments)), key=lambda i: segments[i].start)
    out: list[tuple[int, float]] = []
    last_end = None
    for i in order:
        if last_end is not None and segments[i].start > last_end:
            out.append((i, segments[i].start - last_end))
        last_end = segments[i].end if last_end is None else max(last_end, segments[i].end)
    return out


def interruptions(segments: Sequence[Segment], role: str = "agent") -> list[tuple[int, float]]:
    """(index, overlap seconds) where a turn of ``role`` starts while another speaker still talks."""
    out: list[tuple[int, float]] = []
    for i, seg in enumerate(segments):
        if role != "any" and seg.role != role:
            continue
        overlap = max(
            (min(o.end, seg.end) - seg.start for o in segments
             if o is not seg and o.speaker != seg.speaker and o.start < seg.start < o.end),
            default=0.0,
        )
        if overlap > 0:
            out.append((i, overlap))
    return out


def longest_turn(segments: Sequence[Segment], role: str = "agent") -> tuple[int, float] | None:
    best = None
    for i, seg in enumerate(segments):
        if (role == "any" or seg.role == role) and (best is None or seg.duration > best[1]):
            best = (i, seg.duration)
    return best


def questions(segments: Sequence[Segment], role: str = "agent") -> list[int]:
    """Index of a segment once per question sentence it contains."""
    out: list[int] = []
    for i, seg in enumerate(segments):
        if role != "any" and seg.role != role:
            continue
        for sentence in _SENTENCE.findall(seg.text):
            if sentence.endswith(("？", "?")) or _QUESTION_WORDS.search(sentence):
                out.append(i)
    return out


def negative_hits(segments: Sequence[Segment], role: str = "customer") -> list[int]:
    out: list[int] = []
    for i, seg in enumerate(segments):
        if role != "any" and seg.role != role:
            continue
        out.extend(i for word in NEGATIVE if word in seg.text)
    return out


def summary(segments: Sequence[Segment], duration: float) -> dict[str, float | int | None]:
    """The scorecard numbers of one conversation."""
    longest = longest_turn(segments, "agent")
    gaps = silences(segments)
    return {
        "duration": round(duration, 2),
        "talk_ratio": _round(talk_ratio(segments, "agent")),
        "agent_speech_rate": _round(speech_rate(segments, "agent"), 1),
        "customer_speech_rate": _round(speech_rate(segments, "customer"), 1),
        "questions": len(questions(segments, "agent")),
        "longest_monologue": round(longest[1], 2) if longest else 0.0,
        "longest_silence": round(max((g for _, g in gaps), default=0.0), 2),
        "interruptions": len(interruptions(segments, "agent")),
    }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)
