"""Keyword rules scored over many transcripts at once: the fast path of inspection.

A scheme with tens of thousands of everyday keywords meets ~700 keyword occurrences in a
1,500-character transcript. Walking them one Python object at a time out of an Aho-Corasick
automaton costs ~300 µs per transcript (pyahocorasick; ahocorasick-rs ~500 µs), more than the whole
budget of 200 µs. Here a batch of transcripts is one array of character ids and every step is a
numpy operation over the whole batch:

1. ``NgramTable.find``: characters become dense ids (homophone-tolerant keywords: canonical
   syllables, :func:`.matcher.canonical`; ``pinyin: false`` ones: lower-cased characters). Windows
   of one or two ids over a small alphabet (~400 syllables) are looked up by direct addressing;
   longer ones are packed into 64 bits (exact up to four characters, hashed and verified beyond),
   ruled out mostly by a byte map and looked up in a cuckoo hash table. No Python loop per hit.
2. Every hit expands through CSR maps to the variants of its key (words sharing a canonical key,
   such as 我是 and 卧室) and on to the (rule, word) pairs using each; a two-character homophone
   is kept only where one character is the word's own (same contract as
   :class:`.matcher.KeywordIndex`).
3. Role and scope (first/last turns, first/last seconds) are one boolean mask per distinct scope
   over all the batch's turns; a pair outside its rule's scope is dropped.
4. One sort gives the evidence (transcript, rule, turn); rules with ``all`` count their distinct
   words. Rules without any hit cost nothing: ``present`` rules fail, ``absent`` rules pass.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from ..pipeline.types import Segment
from .matcher import _lookup
from .scheme import Rule

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_FILTER_SHIFT = np.uint64(64 - 19)
_DIRECT_MAX = 1 << 21  # entries of a direct-address table (int32: 8 MiB at most)
_SEP = "\n"  # between turns: no keyword contains it (parse_scheme), so no hit spans two turns
_ROLE_CODE = {"agent": 0, "customer": 1}


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` without its hashing path, which is slower here)."""
    values = np.sort(values)
    if values.size:
        values = values[np.concatenate([[True], values[1:] != values[:-1]])]
    return values


def _groups(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs of ``sizes`` (each ≥ 1) laid end to end: the run of every element and where each
    run begins. ``np.repeat(np.arange(n), sizes)`` without np.repeat, which is several times slower."""
    first_of = np.cumsum(sizes, dtype=np.int32)
    total = int(first_of[-1]) if sizes.size else 0
    first_of -= sizes
    marks = np.zeros(total, dtype=np.int32)
    marks[first_of[1:]] = 1
    return np.cumsum(marks, dtype=np.int32), first_of


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class NgramTable:
    """Exact multi-string search over arrays of character codes (not Python strings).

    ``alphabet`` maps a code point to the character id used for the keys (identity for exact
    keywords, the canonical syllable for homophone-tolerant ones). :meth:`find` returns the start
    and key index of every occurrence, overlapping ones included, in no particular order.
    """

    def __init__(self, keys: Sequence[str], alphabet: np.ndarray | None = None, direct_max: int | None = None) -> None:
        self.keys = list(keys)
        mapped = [[int(alphabet[ord(c)]) if alphabet is not None else ord(c) for c in k] for k in self.keys]
        chars = sorted({c for k in mapped for c in k})
        self.bits = 16 if len(chars) < 0xFFFF else 32
        self.exact_len = 64 // self.bits  # characters packed exactly into one 64-bit value
        dtype = np.uint16 if self.bits == 16 else np.uint32
        dense = {c: i + 1 for i, c in enumerate(chars)}  # 0: a character of no key
        # Code point → character id in one gather (composed with ``alphabet``).
        ids = np.zeros(0x110000, dtype=dtype)
        if chars:
            codes = np.array(chars, dtype=np.int64)
            ids_of = np.array([dense[c] for c in chars], dtype=dtype)
            if alphabet is None:
                ids[codes] = ids_of
            else:
                inverse = np.zeros(max(int(alphabet.max()), int(codes.max())) + 1, dtype=dtype)
                inverse[codes] = ids_of
                ids = inverse[alphabet]
        self._ids = ids
        self.key_ids = [[dense[c] for c in k] for k in mapped]
        self.key_len = np.array([len(k) for k in self.keys], dtype=np.int64)
        self.lengths = sorted(set(self.key_len.tolist()))
        # Short keys over a small alphabet (one or two canonical syllables: ~400² windows) are
        # found by direct addressing: one gather per position, no hashing.
        self._base = len(chars) + 1
        self._direct: dict[int, np.ndarray] = {}
        for n in self.lengths:
            if self._base**n <= (_DIRECT_MAX if direct_max is None else direct_max):
                table = np.full(self._base**n, -1, dtype=np.int32)
                for k, key_ids in enumerate(self.key_ids):
                    if len(key_ids) == n:
                        table[functools.reduce(lambda acc, c: acc * self._base + c, key_ids, 0)] = k
                self._direct[n] = table
        hashed = [k for k, key_ids in enumerate(self.key_ids) if len(key_ids) not in self._direct]
        self._hashed_lengths = sorted({len(self.key_ids[k]) for k in hashed})
        self._hashed_keys = np.array(hashed, dtype=np.int32)
        values = [self._value(self.key_ids[k]) for k in hashed]
        self._table = _Cuckoo(values)
        self._filter = np.zeros(1 << (64 - int(_FILTER_SHIFT)), dtype=bool)
        if values:
            self._filter[(np.array(values, dtype=np.uint64) * _M2) >> _FILTER_SHIFT] = True
        # Long keys are hashed: their hits are verified against these id rows, per length.
        self._long = {
            n: np.array([k if len(k) == n else [0] * n for k in self.key_ids], dtype=np.int64)
            for n in self._hashed_lengths
            if n > self.exact_len
        }

    def _value(self, ids: list[int]) -> int:
        value = 0
        for i, c in enumerate(ids):
            if i < self.exact_len:
                value = (value << self.bits) | c
            else:
                value = ((value * int(_M1)) ^ c) & 0xFFFFFFFFFFFFFFFF
        return value

    def char_ids(self, codes: np.ndarray) -> np.ndarray:
        return self._ids[codes]

    def find(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(starts, key indices) of every occurrence in ``ids`` (from :meth:`char_ids`)."""
        empty = np.zeros(0, dtype=np.int64)
        if not self.lengths or not ids.size:
            return empty, empty
        d = ids.astype(np.uint64)
        d_index = ids.astype(np.int64)
        window, index = d, d_index
        shift = np.uint64(self.bits)
        starts: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        at: list[np.ndarray] = []
        values: list[np.ndarray] = []
        hashed_lengths: list[int] = []
        for n in range(1, self.lengths[-1] + 1):
            m = d.size - n + 1
            if m <= 0:
                break
            if n > 1:
                tail = d[n - 1 : n - 1 + m]
                if n <= max(self._direct, default=0):
                    index = index[:m] * self._base + d_index[n - 1 : n - 1 + m]
                if self._hashed_lengths:
                    window = (window[:m] << shift) | tail if n <= self.exact_len else (window[:m] * _M1) ^ tail
            if n in self._direct:
                key = self._direct[n][index]
                found = np.flatnonzero(key >= 0)
                starts.append(found)
                keys.append(key[found])
            elif n in self._hashed_lengths:
                # Most windows are no key: a byte map on 19 hash bits rules them out with one gather.
                maybe = np.flatnonzero(self._filter[(window * _M2) >> _FILTER_SHIFT])
                at.append(maybe)
                values.append(window[maybe])
                hashed_lengths.append(n)
        if at:
            where, hit = self._table.lookup(np.concatenate(values))
            start, key = np.concatenate(at)[where], self._hashed_keys[hit]
            if len(at) > 1 or self._long:
                # A window matches a key of its own length only (a window through an unknown
                # character packs like a shorter one); long keys are hashed: verify their hits.
                length = np.repeat(np.array(hashed_lengths, dtype=np.int64), [a.size for a in at])[where]
                keep = self.key_len[key] == length
                for n, rows_of in self._long.items():
                    long = np.flatnonzero(keep & (length == n))
                    rows = rows_of[key[long]]
                    ok = np.ones(long.size, dtype=bool)
                    for j in range(n):
                        ok &= d_index[start[long] + j] == rows[:, j]
                    keep[long[~ok]] = False
                start, key = start[keep], key[keep]
            starts.append(start)
            keys.append(key)
        if not starts:
            return empty, empty
        return np.concatenate(starts), np.concatenate(keys).astype(np.int32, copy=False)


class _Cuckoo:
    """Exact lookup of 64-bit values: each value sits in one of two slots picked by two
    multiply-shift hashes, so a batch of queries is answered with two gathers and two compares."""

    def __init__(self, values: list[int]) -> None:
        size = 1 << max(4, (2 * len(values)).bit_length())
        while True:
            placed = self._place(values, size)
            if placed is not None:
                self._keys, self._vals = placed
                self._shift = np.uint64(64 - size.bit_length() + 1)
                return
            size *= 2

    @staticmethod
    def _slots(value: int, size: int) -> tuple[int, int]:
        shift = 64 - size.bit_length() + 1
        return (((value * int(_M1)) & 0xFFFFFFFFFFFFFFFF) >> shift, ((value * int(_M2)) & 0xFFFFFFFFFFFFFFFF) >> shift)

    def _place(self, values: list[int], size: int) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
        keys = [[0] * size, [0] * size]
        vals = [[-1] * size, [-1] * size]
        where: dict[int, int] = {}
        for index, value in enumerate(values):
            if value in where:
                raise ValueError("duplicate key")
            where[value] = index
            cur, cur_index, side = value, index, 0
            for _ in range(4 * size.bit_length()):
                slot = self._slots(cur, size)[side]
                if vals[side][slot] < 0:
                    keys[side][slot], vals[side][slot] = cur, cur_index
                    break
                keys[side][slot], cur = cur, keys[side][slot]
                vals[side][slot], cur_index = cur_index, vals[side][slot]
                side ^= 1
            else:
                return None
        return ([np.array(k, dtype=np.uint64) for k in keys], [np.array(v, dtype=np.int32) for v in vals])

    def lookup(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``queries``, value index) of the queries that are stored values."""
        h1 = (queries * _M1) >> self._shift
        h2 = (queries * _M2) >> self._shift
        at1 = np.flatnonzero(self._keys[0][h1] == queries)
        at2 = np.flatnonzero(self._keys[1][h2] == queries)
        # An empty slot holds key 0 and value -1: a query 0 (never a real window) must not match.
        v1, v2 = self._vals[0][h1[at1]], self._vals[1][h2[at2]]
        at = np.concatenate([at1[v1 >= 0], at2[v2 >= 0]])
        return at, np.concatenate([v1[v1 >= 0], v2[v2 >= 0]])


@dataclass
class KeywordBatch:
    """What the keyword rules found in a batch of transcripts (rule = index into ``rules``).

    ``ev_tr``, ``ev_rule``, ``ev_turn``: the evidence, one row per (transcript, rule, turn) where a
    word of the rule occurs in its scope, sorted by transcript, rule and turn (turn = index of the
    segment in its transcript). ``found_tr``, ``found_rule``: the rules that found their words
    (``any``: one of them; ``all``: every one), sorted. ``score``: the points of the passed keyword
    rules per transcript.
    """

    ev_tr: np.ndarray
    ev_rule: np.ndarray
    ev_turn: np.ndarray
    found_tr: np.ndarray
    found_rule: np.ndarray
    score: np.ndarray


class KeywordRules:
    """The ``keyword`` rules of a scheme, compiled once for any number of transcripts."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        sound: dict[str, int] = {}  # canonical key → key index
        exact: dict[str, int] = {}
        # One entry per (key, rule, distinct word of the rule). Entries of one key with the same
        # characters to check form a variant: key → variants → entries, two CSR maps.
        entries: list[tuple[int, int, int, int, int]] = []  # (key, first, second, rule, slot)
        slot_rule: list[int] = []
        need: list[int] = []
        canon = _lookup()
        for r, rule in enumerate(self.rules):
            words = list(dict.fromkeys(rule.any or rule.all))
            need.append(1 if rule.any else len(words))
            for word in words:
                slot = len(slot_rule)
                slot_rule.append(r)
                if rule.pinyin:
                    key = "".join(chr(canon[ord(c)]) for c in word)
                    k = sound.setdefault(key, len(sound))
                    # Two-character homophones need one identical character (我是 ~ 我市, not
                    # 便宜 ~ 变医): checked on the hit's original characters.
                    first, second = (ord(word[0]), ord(word[1])) if len(word) == 2 else (-1, -1)
                else:
                    k = exact.setdefault(word.lower(), len(exact)) + (1 << 40)
                    first = second = -1
                entries.append((k, first, second, r, slot))
        # Turns are joined with _SEP; a keyword containing it could match across two turns.
        if any(_SEP in k for k in (*exact, *sound)):
            raise ValueError("keywords cannot contain a line break (parse_scheme rejects them)")
        self._sound = NgramTable(list(sound), canon) if sound else None
        self._exact = NgramTable(list(exact)) if exact else None
        self._n_sound = n_sound = len(sound)
        entries.sort()
        arr = np.array(entries, dtype=np.int64).reshape(-1, 5)
        key_of_entry = np.where(arr[:, 0] >= 1 << 40, arr[:, 0] - (1 << 40) + n_sound, arr[:, 0])
        self._n_keys = n_sound + len(exact)
        e_first, e_second = arr[:, 1], arr[:, 2]
        new = np.ones(len(entries), dtype=bool)
        new[1:] = (key_of_entry[1:] != key_of_entry[:-1]) | (e_first[1:] != e_first[:-1])
        new[1:] |= e_second[1:] != e_second[:-1]
        variant_start = np.flatnonzero(new)
        self._ptr = np.append(variant_start, len(entries)).astype(np.int32)  # variant → its entries
        self._var_ptr = np.searchsorted(key_of_entry[variant_start], np.arange(self._n_keys + 1)).astype(np.int32)
        self._var_first = e_first[variant_start].astype(np.int32)
        self._var_second = e_second[variant_start].astype(np.int32)
        self._one_variant = bool((np.diff(self._var_ptr) == 1).all())
        self._checked = bool((self._var_first >= 0).any())
        self._e_rule, self._e_slot = arr[:, 3].astype(np.int32), arr[:, 4].astype(np.int32)
        self._n_slots = len(slot_rule)
        self._slot_rule = np.array(slot_rule, dtype=np.int64)
        self._need = np.array(need, dtype=np.int64)
        self._all = self._need > 1  # ``all`` rules of one word behave as ``any``
        self._e_all = self._all[self._e_rule]
        points = np.array([rule.points for rule in self.rules], dtype=np.float64)
        absent = np.array([rule.expect == "absent" for rule in self.rules], dtype=bool)
        self._signed = np.where(absent, -points, points)  # score change when a rule finds its words
        self._base = float(points[absent].sum())  # absent rules pass when nothing is found
        scopes: dict[tuple, int] = {}
        self._scope_of_rule = np.array(
            [scopes.setdefault((rule.role, tuple(sorted(rule.scope.items()))), len(scopes)) for rule in self.rules],
            dtype=np.int64,
        )
        self._scopes = list(scopes)
        self._e_scope = self._scope_of_rule[self._e_rule].astype(np.int32)

    def evaluate(self, transcripts: Sequence[tuple[Sequence[Segment], float]]) -> KeywordBatch:
        """Score ``transcripts`` ((segments, duration) each) against every keyword rule."""
        n_tr, n_rules = len(transcripts), len(self.rules)
        counts = [len(segs) for segs, _ in transcripts]
        turns = [s for segs, _ in transcripts for s in segs]
        texts = [s.text for s in turns]
        tr_of_turn = np.repeat(np.arange(n_tr, dtype=np.int64), counts)
        first_turn = np.zeros(n_tr + 1, dtype=np.int64)
        np.cumsum(counts, out=first_turn[1:])
        joined = _SEP.join(texts)
        # int32 like the keyword characters they are compared with; one spare: a check reads start + 1.
        codes = np.append(_codes(joined), np.uint32(0)).view(np.int32)
        found_turn: list[np.ndarray] = []
        found_key: list[np.ndarray] = []
        found_start: list[np.ndarray] = []
        for table, offset in ((self._sound, 0), (self._exact, self._n_sound)):
            if table is None:
                continue
            if table is self._sound:
                pieces, text_codes = texts, codes[:-1].view(np.uint32)
            else:
                lowered = joined.lower()
                pieces = texts if len(lowered) == len(joined) else [t.lower() for t in texts]
                text_codes = _codes(lowered)
            start, key = table.find(table.char_ids(text_codes))
            turn = self._turn_of(start, table.key_len[key], pieces)
            found_turn.append(turn)
            found_key.append(key + offset if offset else key)
            found_start.append(start if offset == 0 else np.full(start.size, -1, dtype=np.int64))
        turn, key, start = (np.concatenate(x) if len(x) > 1 else x[0] for x in (found_turn, found_key, found_start))
        # Each hit → the variants of its key (words with other characters to check).
        var = self._var_ptr[key]
        if not self._one_variant:
            group, first_of = _groups(self._var_ptr[key + 1] - var)
            var = (var - first_of)[group] + np.arange(group.size, dtype=np.int32)
            turn, start = turn[group], start[group]
        if self._checked:
            # Two-character homophones: one character must be the word's own (我是 ~ 我市, not
            # 便宜 ~ 变医; 我是 and 卧室 share a key but not the characters to check).
            first = self._var_first[var]
            same = (first < 0) | (codes[start] == first) | (codes[start + 1] == self._var_second[var])
            if not same.all():
                var, turn = var[same], turn[same]
        # Each variant hit → its (rule, word) entries.
        lo = self._ptr[var]
        group, first_of = _groups(self._ptr[var + 1] - lo)
        entry = (lo - first_of)[group] + np.arange(group.size, dtype=np.int32)
        turn = turn[group]
        in_scope = self._scope_masks(transcripts, turns, tr_of_turn, first_turn)
        width = in_scope.shape[1]
        scope = self._e_scope[entry]
        if len(self._scopes) * width >= 1 << 31:
            scope = scope.astype(np.int64)
        keep = in_scope.ravel()[scope * width + turn]
        kept = np.flatnonzero(keep)
        entry, turn = entry[kept], turn[kept]
        rule = self._e_rule[entry]
        span = int(max(counts, default=0)) + 1
        local = np.arange(len(turns), dtype=np.int64) - first_turn[tr_of_turn]
        evidence = _distinct(((tr_of_turn * n_rules)[turn] + rule) * span + local[turn])
        ev_group, ev_turn = np.divmod(evidence, span)
        ev_tr, ev_rule = np.divmod(ev_group, n_rules)
        groups = ev_group[np.concatenate([[True], ev_group[1:] != ev_group[:-1]])] if ev_group.size else ev_group
        found = groups[~self._all[groups % n_rules]]
        if self._all.any():
            all_words = np.flatnonzero(self._e_all[entry])
            found = _distinct(
                np.concatenate(
                    [
                        found,
                        self._found_all(tr_of_turn[turn[all_words]], self._e_slot[entry[all_words]]),
                    ]
                )
            )
        found_tr, found_rule = np.divmod(found, n_rules)
        score = self._base + np.bincount(found_tr, weights=self._signed[found_rule], minlength=n_tr)
        return KeywordBatch(ev_tr, ev_rule, ev_turn, found_tr, found_rule, np.rint(score).astype(np.int64))

    def _found_all(self, tr: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """(transcript × rules + rule) of the ``all`` rules that found every one of their words."""
        if not tr.size:
            return np.zeros(0, dtype=np.int64)
        distinct = _distinct(tr * self._n_slots + slot)
        tr_d, slot_d = np.divmod(distinct, self._n_slots)
        group = tr_d * len(self.rules) + self._slot_rule[slot_d]
        first = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
        words = np.diff(np.append(first, group.size))
        groups = group[first]
        return groups[words >= self._need[groups % len(self.rules)]]

    def _turn_of(self, starts: np.ndarray, lengths: np.ndarray, pieces: list[str]) -> np.ndarray:
        """Index of the turn each hit lies in (the hits never cross a separator: see __init__)."""
        size = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)) + len(_SEP)
        turn_at, _ = _groups(size)
        return turn_at[starts]

    def _scope_masks(
        self, transcripts, turns: list[Segment], tr_of_turn: np.ndarray, first_turn: np.ndarray
    ) -> np.ndarray:
        """[scope, turn]: the turn is in the rules' role and scope (same order of filters as
        ``engine._scoped``: role, seconds, then first_turns, then last_turns)."""
        n_turns = len(turns)
        masks = np.ones((len(self._scopes), n_turns), dtype=bool)
        if not n_turns:
            return masks
        role = np.array([_ROLE_CODE.get(s.role, 2) for s in turns], dtype=np.int64)
        begin = end = duration = None
        for index, (role_name, scope_items) in enumerate(self._scopes):
            mask = masks[index]
            if role_name != "any":
                mask &= role == _ROLE_CODE[role_name]
            scope = dict(scope_items)
            if "first_seconds" in scope:
                if begin is None:
                    begin = np.fromiter(map(attrgetter("start"), turns), dtype=np.float64, count=n_turns)
                mask &= begin < scope["first_seconds"]
            if "last_seconds" in scope:
                if end is None:
                    end = np.fromiter(map(attrgetter("end"), turns), dtype=np.float64, count=n_turns)
                    duration = np.array([d for _, d in transcripts], dtype=np.float64)[tr_of_turn]
                mask &= end > duration - scope["last_seconds"]
            if "first_turns" in scope or "last_turns" in scope:
                running = np.cumsum(mask)
                before = np.concatenate([[0], running])[first_turn[:-1]]
                rank = running - 1 - before[tr_of_turn]  # among this transcript's turns in scope
                kept = np.concatenate([[0], running])[first_turn[1:]] - before
                if "first_turns" in scope:
                    mask &= rank < int(scope["first_turns"])
                    kept = np.minimum(kept, int(scope["first_turns"]))
                if "last_turns" in scope:
                    mask &= rank >= (kept - int(scope["last_turns"]))[tr_of_turn]
        return masks
