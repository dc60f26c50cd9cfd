"""Run a scheme over one transcript: each rule passes or fails, with the turns as evidence.

A rule "finds" something (its words, a long silence, a monologue ...); it passes when what it
found matches ``expect`` (present/absent). The score is the sum of the points of passed rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..pipeline import metrics
from ..pipeline.types import Segment
from ..text import chinese_to_digits
from .matcher import KeywordIndex
from .scheme import Rule, Scheme


@dataclass
class RuleResult:
    id: str
    passed: bool
    evidence: list[dict] = field(default_factory=list)  # [{"segment": index, "text": ...}]
    points: int = 0

    def to_dict(self) -> dict:
        return {"id": self.id, "passed": self.passed, "evidence": self.evidence}


@dataclass
class InspectionResult:
    scheme: str
    score: int
    max_score: int
    rules: list[RuleResult]

    def to_dict(self) -> dict:
        return {
            "scheme": self.scheme, "score": self.score, "max_score": self.max_score,
            "rules": [r.to_dict() for r in self.rules],
        }


class Inspector:
    """A compiled scheme: one keyword index for all its keyword and sequence rules."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        keywords: list[tuple[str, bool]] = []
        self._ids: dict[tuple[str, str], list[int]] = {}
        for rule in scheme.rules:
            if rule.kind in ("keyword", "sequence"):
                for word in rule.words():
                    self._ids.setdefault((rule.id, word), []).append(len(keywords))
                    keywords.append((word, rule.pinyin))
        self.index = KeywordIndex(keywords)

    def inspect(self, segments: Sequence[Segment], duration: float | None = None) -> InspectionResult:
        segments = list(segments)
        if duration is None:
            duration = max((s.end for s in segments), default=0.0)
        hits = [self.index.positions(s.text) for s in segments] if self.index.keywords else []
        results = []
        for rule in self.scheme.rules:
            found, evidence = self._evaluate(rule, segments, duration, hits)
            passed = found if rule.expect == "present" else not found
            results.append(RuleResult(rule.id, passed, evidence, rule.points))
        score = sum(r.points for r in results if r.passed)
        return InspectionResult(self.scheme.id, score, self.scheme.max_score, results)

    # -- rule kinds ---------------------------------------------------------------------------

    def _evaluate(self, rule: Rule, segs: list[Segment], duration: float, hits) -> tuple[bool, list[dict]]:
        scoped = _scoped(rule, segs, duration)
        if rule.kind == "keyword":
            return self._keyword(rule, segs, scoped, hits)
        if rule.kind == "regex":
            return _regex(rule, segs, scoped)
        if rule.kind == "sequence":
            return self._sequence(rule, segs, scoped, hits)
        return _metric(rule, segs)

    def _word_ids(self, rule: Rule, words: list[str]) -> set[int]:
        return {kid for w in words for kid in self._ids[(rule.id, w)]}

    def _keyword(self, rule: Rule, segs, scoped: list[int], hits) -> tuple[bool, list[dict]]:
        if rule.any:
            ids = self._word_ids(rule, rule.any)
            evidence = [i for i in scoped if any(kid in ids for _, _, kid in hits[i])]
            return bool(evidence), _evidence(segs, evidence)
        missing = False
        evidence_set: set[int] = set()
        for word in rule.all:
            ids = self._word_ids(rule, [word])
            where = [i for i in scoped if any(kid in ids for _, _, kid in hits[i])]
            if not where:
                missing = True
            evidence_set.update(where)
        return not missing, _evidence(segs, sorted(evidence_set))

    def _sequence(self, rule: Rule, segs, scoped: list[int], hits) -> tuple[bool, list[dict]]:
        # Each step must occur after the end of the previous step's first occurrence.
        cursor = (-1, -1)
        evidence: list[int] = []
        for step in rule.steps:
            ids = self._word_ids(rule, step)
            best = None
            for i in scoped:
                for start, end, kid in hits[i]:
                    if kid in ids and (i, start) > cursor and (best is None or (i, start) < best[:2]):
                        best = (i, start, end)
            if best is None:
                return False, _evidence(segs, evidence)
            cursor = (best[0], best[2] - 1)
            evidence.append(best[0])
        return True, _evidence(segs, sorted(set(evidence)))


def _scoped(rule: Rule, segs: list[Segment], duration: float) -> list[int]:
    idx = [i for i, s in enumerate(segs) if rule.role == "any" or s.role == rule.role]
    scope = rule.scope
    if "first_seconds" in scope:
        idx = [i for i in idx if segs[i].start < scope["first_seconds"]]
    if "last_seconds" in scope:
        idx = [i for i in idx if segs[i].end > duration - scope["last_seconds"]]
    if "first_turns" in scope:
        idx = idx[: int(scope["first_turns"])]
    if "last_turns" in scope:
        idx = idx[-int(scope["last_turns"]):]
    return idx


def _regex(rule: Rule, segs: list[Segment], scoped: list[int]) -> tuple[bool, list[dict]]:
    assert rule.compiled is not None
    evidence = [
        i for i in scoped
        if rule.compiled.search(segs[i].text) or rule.compiled.search(chinese_to_digits(segs[i].text))
    ]
    return bool(evidence), _evidence(segs, evidence)


def _metric(rule: Rule, segs: list[Segment]) -> tuple[bool, list[dict]]:
    kind, role = rule.kind, rule.role
    if kind == "silence":
        where = [i for i, gap in metrics.silences(segs) if gap > rule.max_seconds]
    elif kind == "interruption":
        where = [i for i, overlap in metrics.interruptions(segs, role) if overlap > rule.max_seconds]
    elif kind == "monologue":
        longest = metrics.longest_turn(segs, role)
        where = [longest[0]] if longest and longest[1] > rule.max_seconds else []
    elif kind == "questions":
        asked = metrics.questions(segs, role)
        return len(asked) < rule.min_count, _evidence(segs, sorted(set(asked)))
    elif kind == "emotion":
        negative = metrics.negative_hits(segs, role)
        return len(negative) >= rule.min_hits, _evidence(segs, sorted(set(negative)))
    else:  # speech_rate, talk_ratio: a value outside [min, max]
        if kind == "speech_rate":
            value = metrics.speech_rate(segs, role)
        else:
            value = metrics.talk_ratio(segs, "agent")
        outside = value is not None and (
            (rule.min is not None and value < rule.min) or (rule.max is not None and value > rule.max)
        )
        where = [i for i, s in enumerate(segs) if role == "any" or s.role == role] if outside else []
        return outside, _evidence(segs, where[:3])
    return bool(where), _evidence(segs, where)


def _evidence(segs: list[Segment], indices: list[int]) -> list[dict]:
    return [{"segment": i, "text": segs[i].text} for i in indices]


def inspect(segments: Sequence[Segment], scheme: Scheme, duration: float | None = None) -> InspectionResult:
    return Inspector(scheme).inspect(segments, duration)
