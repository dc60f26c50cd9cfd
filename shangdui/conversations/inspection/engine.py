"""Run a scheme over one transcript: each rule passes or fails, with the turns as evidence.

A rule "finds" something (its words, a long silence, a monologue ...); it passes when what it
found matches ``expect`` (present/absent). The score is the sum of the points of passed rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import overload

import numpy as np

from ..pipeline import metrics
from ..pipeline.types import Segment
from ..text import chinese_to_digits
from .keywords import KeywordRules
from .matcher import KeywordIndex
from .scheme import Rule, Scheme

_end = attrgetter("end")


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
    rules: Sequence[RuleResult]

    def to_dict(self) -> dict:
        return {
            "scheme": self.scheme,
            "score": self.score,
            "max_score": self.max_score,
            "rules": [r.to_dict() for r in self.rules],
        }


class _RuleResults(Sequence[RuleResult]):
    """The results of every rule of a scheme for one transcript, in scheme order, built on first
    use: bulk scoring needs the score of each transcript, not 20,000 result objects for each."""

    def __init__(self, build: Callable[[], list[RuleResult]]) -> None:
        self._build: Callable[[], list[RuleResult]] | None = build
        self._items: list[RuleResult] = []

    def _list(self) -> list[RuleResult]:
        if self._build is not None:
            self._items, self._build = self._build(), None
        return self._items

    @overload
    def __getitem__(self, index: int) -> RuleResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[RuleResult]: ...
    def __getitem__(self, index: int | slice) -> RuleResult | list[RuleResult]:
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())

    def __eq__(self, other: object) -> bool:
        return list(self) == (list(other) if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]


class Inspector:
    """A compiled scheme: the keyword rules compiled together (:class:`.keywords.KeywordRules`),
    one keyword index for the sequence rules, the other rules evaluated one by one."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.max_score = scheme.max_score
        keyword_rules = [r for r in scheme.rules if r.kind == "keyword"]
        self._keywords = KeywordRules(keyword_rules) if keyword_rules else None
        self._others = [r for r in scheme.rules if r.kind != "keyword"]
        self._slot = {id(r): i for i, r in enumerate(keyword_rules)}
        keywords: list[tuple[str, bool]] = []
        self._ids: dict[tuple[str, str], list[int]] = {}
        for rule in scheme.rules:
            if rule.kind == "sequence":
                for word in rule.words():
                    self._ids.setdefault((rule.id, word), []).append(len(keywords))
                    keywords.append((word, rule.pinyin))
        self.index = KeywordIndex(keywords)

    def inspect(self, segments: Sequence[Segment], duration: float | None = None) -> InspectionResult:
        result = next(self.inspect_many([(segments, duration)]))
        result.rules = list(result.rules)
        return result

    def inspect_many(
        self,
        conversations: Iterable[tuple[Sequence[Segment], float | None]],
        batch_size: int = 128,
    ) -> Iterator[InspectionResult]:
        """One result per (segments, duration) in order; keyword rules run a batch at a time.

        The score is computed at once; each result's ``rules`` list is built when first read."""
        batch: list[tuple[list[Segment], float]] = []
        for segments, duration in conversations:
            segs = list(segments)
            if duration is None:
                duration = max(map(_end, segs), default=0.0)
            batch.append((segs, duration))
            if len(batch) >= batch_size:
                yield from self._inspect_batch(batch)
                batch = []
        if batch:
            yield from self._inspect_batch(batch)

    def _inspect_batch(self, batch: list[tuple[list[Segment], float]]) -> Iterator[InspectionResult]:
        found = self._keywords.evaluate(batch) if self._keywords is not None else None
        if found is not None:
            ev_at = np.searchsorted(found.ev_tr, np.arange(len(batch) + 1)).tolist()
            found_at = np.searchsorted(found.found_tr, np.arange(len(batch) + 1)).tolist()
        others = self._others
        for t, (segs, duration) in enumerate(batch):
            score = int(found.score[t]) if found is not None else 0
            other: dict[int, RuleResult] = {}
            if others:
                hits = [self.index.positions(s.text) for s in segs] if self.index.keywords else []
                for rule in others:
                    hit, evidence = self._evaluate(rule, segs, duration, hits)
                    passed = hit if rule.expect == "present" else not hit
                    other[id(rule)] = RuleResult(rule.id, passed, evidence, rule.points)
                    score += rule.points if passed else 0
            if found is not None:
                ev = (found.ev_rule[ev_at[t] : ev_at[t + 1]], found.ev_turn[ev_at[t] : ev_at[t + 1]])
                hit_rules = found.found_rule[found_at[t] : found_at[t + 1]]
            else:
                ev, hit_rules = (np.zeros(0, dtype=np.int64),) * 2, np.zeros(0, dtype=np.int64)
            build = functools.partial(self._results, segs, other, ev, hit_rules)
            yield InspectionResult(self.scheme.id, score, self.max_score, _RuleResults(build))

    def _results(
        self,
        segs: list[Segment],
        other: dict[int, RuleResult],
        ev: tuple[np.ndarray, np.ndarray],
        hit_rules: np.ndarray,
    ) -> list[RuleResult]:
        evidence: dict[int, list[dict]] = {}
        for k, i in zip(ev[0].tolist(), ev[1].tolist(), strict=True):
            evidence.setdefault(k, []).append({"segment": i, "text": segs[i].text})
        hit = set(hit_rules.tolist())
        out = []
        for rule in self.scheme.rules:
            if rule.kind != "keyword":
                out.append(other[id(rule)])
                continue
            k = self._slot[id(rule)]
            passed = (k in hit) if rule.expect == "present" else (k not in hit)
            out.append(RuleResult(rule.id, passed, evidence.get(k, []), rule.points))
        return out

    # -- rule kinds ---------------------------------------------------------------------------

    def _evaluate(self, rule: Rule, segs: list[Segment], duration: float, hits) -> tuple[bool, list[dict]]:
        scoped = _scoped(rule, segs, duration)
        if rule.kind == "regex":
            return _regex(rule, segs, scoped)
        if rule.kind == "sequence":
            return self._sequence(rule, segs, scoped, hits)
        return _metric(rule, segs)

    def _word_ids(self, rule: Rule, words: list[str]) -> set[int]:
        return {kid for w in words for kid in self._ids[(rule.id, w)]}

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
        idx = idx[-int(scope["last_turns"]) :]
    return idx


def _regex(rule: Rule, segs: list[Segment], scoped: list[int]) -> tuple[bool, list[dict]]:
    assert rule.compiled is not None
    evidence = [
        i for i in scoped if rule.compiled.search(segs[i].text) or rule.compiled.search(chinese_to_digits(segs[i].text))
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
