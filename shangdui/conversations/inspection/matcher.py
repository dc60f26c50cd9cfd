"""Keyword matching with Aho-Corasick (pyahocorasick), homophone-tolerant by default.

Homophone tolerance: every Han character is mapped to one private-use character per toneless
pinyin syllable (鱼, 羽, 雨 → the same symbol), ASCII is lower-cased, and keywords and text are
matched in that alphabet. The mapping is one lookup per code point: it keeps offsets, so a hit
points at the original characters, and it runs vectorised in numpy.

:class:`KeywordIndex` (positions, for ``sequence`` rules) lives here; ``keyword`` rules are scored
in batches by :mod:`.keywords`. :class:`RuleSetMatcher`, the earlier bulk matcher over flat text,
is kept as the baseline of ``benchmarks/bench_keyword_inspection.py``.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence

import ahocorasick
import numpy as np

_PUA = 0xE000


def _strip_tone(syllable: str) -> str:
    base = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in base if not unicodedata.combining(c))


@functools.cache
def canonical_table() -> dict[int, int]:
    """Han code point → private-use code point of its usual toneless syllable; A-Z → a-z."""
    from pypinyin.pinyin_dict import pinyin_dict

    ids: dict[str, int] = {}
    table: dict[int, int] = {}
    for code, readings in pinyin_dict.items():
        if not 0x3400 <= code <= 0x9FFF:
            continue
        syllable = _strip_tone(readings.split(",")[0])
        table[code] = _PUA + ids.setdefault(syllable, len(ids))
    for c in range(ord("A"), ord("Z") + 1):
        table[c] = c + 32
    return table


@functools.cache
def _lookup() -> np.ndarray:
    table = np.arange(0x110000, dtype=np.uint32)
    for src, dst in canonical_table().items():
        table[src] = dst
    return table


def canonical(text: str) -> str:
    """Same length as ``text``; homophones become equal characters.

    A numpy gather over UTF-32 code points: ~20x faster than ``str.translate`` with a dict."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _lookup()[codes].tobytes().decode("utf-32-le", "surrogatepass")


class KeywordIndex:
    """All keywords of one or many rules in two automatons: exact (``pinyin: false``) and
    homophone-tolerant. :meth:`find` returns the keyword ids present in a text.

    A two-character keyword matches a homophone only when one character is the same (我是 ~ 我市),
    because two-syllable homophones are everywhere (便宜 ~ 变医 in "变医术" for 订一束)."""

    def __init__(self, keywords: Sequence[tuple[str, bool]]) -> None:
        self.keywords = list(keywords)
        self._exact = ahocorasick.Automaton()
        self._sound = ahocorasick.Automaton()
        exact: dict[str, list[int]] = {}
        sound: dict[str, tuple[list[int], list[tuple[int, str]]]] = {}
        for kid, (word, tolerant) in enumerate(self.keywords):
            if tolerant:
                free, checked = sound.setdefault(canonical(word), ([], []))
                if len(word) == 2:
                    checked.append((kid, word))
                else:
                    free.append(kid)
            else:
                exact.setdefault(word.lower(), []).append(kid)
        for key, ids in exact.items():
            self._exact.add_word(key, (len(key), tuple(ids), ()))
        for key, (free, checked) in sound.items():
            self._sound.add_word(key, (len(key), tuple(free), tuple(checked)))
        for automaton, keys in ((self._exact, exact), (self._sound, sound)):
            if keys:
                automaton.make_automaton()
        self._has_exact = bool(exact)
        self._has_sound = bool(sound)

    @staticmethod
    def _confirmed(text: str, end: int, checked: tuple[tuple[int, str], ...]) -> list[int]:
        a, b = text[end - 1], text[end]
        return [kid for kid, word in checked if word[0] == a or word[1] == b]

    def find(self, text: str) -> set[int]:
        """Ids of the keywords that occur in ``text``."""
        found: set[int] = set()
        if self._has_sound:
            for end, (_, free, checked) in self._sound.iter(canonical(text)):
                found.update(free)
                if checked:
                    found.update(self._confirmed(text, end, checked))
        if self._has_exact:
            for _, (_, ids, _) in self._exact.iter(text.lower()):
                found.update(ids)
        return found

    def positions(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, keyword id) of every occurrence, ordered by start."""
        out: list[tuple[int, int, int]] = []
        if self._has_sound:
            for end, (length, free, checked) in self._sound.iter(canonical(text)):
                ids = [*free, *self._confirmed(text, end, checked)] if checked else free
                out.extend((end - length + 1, end + 1, kid) for kid in ids)
        if self._has_exact:
            for end, (length, ids, _) in self._exact.iter(text.lower()):
                out.extend((end - length + 1, end + 1, kid) for kid in ids)
        out.sort()
        return out


_P = np.uint64(0x9E3779B97F4A7C15)
_BUCKET_BITS = 22  # odd 64-bit multiplier for the rolling n-gram hash


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)


def _window_hashes(codes: np.ndarray, length: int) -> np.ndarray:
    m = codes.size - length + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = codes[:m].copy()
    for k in range(1, length):
        h *= _P
        h += codes[k : k + m]
    return h


def _bucket_of(hashes: np.ndarray) -> np.ndarray:
    # The low code points only reach the low bits of the hash; mix before taking the top bits.
    mixed = (hashes ^ (hashes >> np.uint64(29))) * _P
    return (mixed >> np.uint64(64 - _BUCKET_BITS)).astype(np.int64)


def _hash(codes: list[int]) -> int:
    h = 0
    for c in codes:
        h = (h * int(_P) + c) & 0xFFFFFFFFFFFFFFFF
    return h


class RuleSetMatcher:
    """Many keyword rules (``any`` or ``all`` lists) matched at once over flat transcripts: the
    earlier bulk path, superseded by :class:`.keywords.KeywordRules` (roles, scopes, evidence,
    batches of transcripts) and kept as the benchmark's baseline.

    For bulk scoring only "which rules hit" matters, and with tens of
    thousands of everyday keywords a 1,500-character transcript holds ~700 occurrences: iterating
    them one by one out of pyahocorasick ran at ~440 transcripts/s. Here every keyword is a 64-bit
    rolling hash of its (canonical) characters; a transcript's n-grams of the keyword lengths are
    hashed in numpy and looked up in one sorted table with a single ``searchsorted``. Same
    semantics as :class:`KeywordIndex`: homophones match, a two-character homophone needs one
    character in common (a keyword ab is looked up as a+canon(b) and canon(a)+b).
    """

    def __init__(self, rules: Iterable[tuple[Sequence[str], bool, bool]]) -> None:
        """``rules``: (words, need_all, pinyin) per rule."""
        table = canonical_table()
        entries: list[tuple[int, int]] = []  # (hash, keyword id)
        owner: list[int] = []
        need: list[int] = []
        self.raw_lengths: set[int] = set()
        self.canon_lengths: set[int] = set()
        self.mixed = False
        for index, (words, need_all, tolerant) in enumerate(rules):
            unique = list(dict.fromkeys(w for w in words if w))
            need.append(len(unique) if need_all else 1)
            for word in unique:
                kid = len(owner)
                owner.append(index)
                raw = [ord(c) for c in word.lower()]
                if not tolerant:
                    entries.append((_hash(raw), kid))
                    self.raw_lengths.add(len(raw))
                elif len(raw) == 2:
                    canon = [table.get(c, c) for c in raw]
                    entries.append((_hash([raw[0], canon[1]]) ^ 1, kid))  # tagged: raw+canon form
                    entries.append((_hash([canon[0], raw[1]]) ^ 2, kid))  # tagged: canon+raw form
                    self.mixed = True
                else:
                    entries.append((_hash([table.get(c, c) for c in raw]), kid))
                    self.canon_lengths.add(len(raw))
        entries.sort()
        all_hashes = np.array([h for h, _ in entries], dtype=np.uint64)
        self._kids = np.array([k for _, k in entries], dtype=np.int64)
        # Distinct hashes, each with the run [start, start + size) of its keyword ids in _kids.
        self._hashes, self._start, self._size = np.unique(all_hashes, return_index=True, return_counts=True)
        self._owner = np.array(owner, dtype=np.int64)
        self._need = np.array(need, dtype=np.int64)
        self._lookup = _lookup().astype(np.uint64)
        # Direct-address table on the top 22 bits of the hash: the index of the only distinct hash
        # in that bucket, -1 for none, -2 for several (rare; those fall back to a binary search).
        # One gather answers most n-grams, far cheaper than a binary search each.
        buckets = _bucket_of(self._hashes)
        self._slot = np.full(1 << _BUCKET_BITS, -1, dtype=np.int32)
        ids, first, counts = np.unique(buckets, return_index=True, return_counts=True)
        self._slot[ids] = np.where(counts == 1, first, -2).astype(np.int32)

    def matched(self, text: str) -> list[int]:
        """Indices of the rules whose keywords occur in ``text`` (in no particular order)."""
        if not self._hashes.size or not text:
            return []
        raw = _codes(text.lower())
        parts = [_window_hashes(raw, n) for n in self.raw_lengths]
        if self.canon_lengths or self.mixed:
            canon = self._lookup[raw]
            parts.extend(_window_hashes(canon, n) for n in self.canon_lengths)
            if self.mixed and raw.size >= 2:
                parts.append((raw[:-1] * _P + canon[1:]) ^ np.uint64(1))
                parts.append((canon[:-1] * _P + raw[1:]) ^ np.uint64(2))
        query = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        slot = self._slot[_bucket_of(query)]
        direct = slot >= 0
        pos = slot[direct][self._hashes[slot[direct]] == query[direct]].astype(np.int64)
        crowded = query[slot == -2]
        if crowded.size:
            more = np.searchsorted(self._hashes, crowded)
            more[more == self._hashes.size] = 0
            pos = np.concatenate([pos, more[self._hashes[more] == crowded]])
        if not pos.size:
            return []
        pos = np.unique(pos)
        # Several keywords can share a hash (the same word in two rules): expand each run.
        lo, sizes = self._start[pos], self._size[pos]
        if sizes.max() == 1:
            kids = self._kids[lo]
        else:
            offsets = np.repeat(lo - (np.cumsum(sizes) - sizes), sizes)
            kids = self._kids[offsets + np.arange(int(sizes.sum()))]
        rules, counts = np.unique(self._owner[np.unique(kids)], return_counts=True)
        return rules[counts >= self._need[rules]].tolist()
