"""The batched keyword engine against a plain reference: substring search over canonical codes,
turn by turn, written straight from the rule semantics. Random schemes and transcripts cover
roles, every scope, any/all, present/absent, homophones, exact (pinyin: false) words, long words
and batches that split transcripts."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shangdui.conversations.inspection import Inspector, keywords, parse_scheme
from shangdui.conversations.inspection.keywords import NgramTable
from shangdui.conversations.inspection.matcher import canonical
from shangdui.conversations.pipeline.types import Segment

# Homophone groups (鱼/羽/雨, 荣/绒, 是/市/事, 便/变, 宜/医), upper/lower case, and İ, whose
# lower case is two characters long.
CHARS = "我是市事你好便宜变医鱼羽雨荣绒服再见在前台Aaİ，"


def ref_occurs(word: str, pinyin: bool, text: str) -> bool:
    if not pinyin:
        return word.lower() in text.lower()
    key, canon = canonical(word), canonical(text)
    for i in range(len(text) - len(word) + 1):
        if canon[i : i + len(word)] == key and (len(word) != 2 or text[i] == word[0] or text[i + 1] == word[1]):
            return True
    return False


def ref_scoped(rule, segs: list[Segment], duration: float) -> list[int]:
    turns = [i for i, s in enumerate(segs) if rule.role in ("any", s.role)]
    scope = rule.scope
    if "first_seconds" in scope:
        turns = [i for i in turns if segs[i].start < scope["first_seconds"]]
    if "last_seconds" in scope:
        turns = [i for i in turns if segs[i].end > duration - scope["last_seconds"]]
    if "first_turns" in scope:
        turns = turns[: scope["first_turns"]]
    if "last_turns" in scope:
        turns = turns[len(turns) - min(len(turns), scope["last_turns"]) :]
    return turns


def ref_inspect(scheme, segs: list[Segment], duration: float) -> dict:
    rules, score = [], 0
    for rule in scheme.rules:
        scoped = ref_scoped(rule, segs, duration)
        where = {w: {i for i in scoped if ref_occurs(w, rule.pinyin, segs[i].text)} for w in rule.any or rule.all}
        found = any(where.values()) if rule.any else all(where.values())
        passed = found if rule.expect == "present" else not found
        score += rule.points if passed else 0
        turns = sorted(set().union(*where.values()))
        rules.append(
            {"id": rule.id, "passed": passed, "evidence": [{"segment": i, "text": segs[i].text} for i in turns]}
        )
    return {"scheme": scheme.id, "score": score, "max_score": scheme.max_score, "rules": rules}


words = st.text(alphabet=CHARS, min_size=1, max_size=6)
scopes = st.dictionaries(
    st.sampled_from(["first_turns", "last_turns", "first_seconds", "last_seconds"]),
    st.integers(min_value=1, max_value=4),
    max_size=3,
)
rule_strategy = st.fixed_dictionaries(
    {
        "words": st.lists(words, min_size=1, max_size=3),
        "all": st.booleans(),
        "role": st.sampled_from(["agent", "customer", "any"]),
        "scope": scopes,
        "expect": st.sampled_from(["present", "absent"]),
        "pinyin": st.booleans(),
        "points": st.integers(min_value=0, max_value=9),
    },
)
turn_strategy = st.tuples(
    st.sampled_from(["agent", "customer", "unknown"]),
    st.text(alphabet=CHARS, max_size=20),
    st.integers(min_value=0, max_value=3),
)
transcript_strategy = st.lists(turn_strategy, max_size=8)


def make_scheme(specs: list[dict]):
    rules = []
    for i, spec in enumerate(specs):
        rule = {
            "id": f"r{i}",
            "kind": "keyword",
            "role": spec["role"],
            "expect": spec["expect"],
            "pinyin": spec["pinyin"],
            "points": spec["points"],
            ("all" if spec["all"] else "any"): spec["words"],
        }
        if spec["scope"]:
            rule["scope"] = spec["scope"]
        rules.append(rule)
    return parse_scheme({"id": "diff", "rules": rules})


def make_segments(turns) -> list[Segment]:
    segs, t = [], 0.0
    for role, text, gap in turns:
        start = t + gap
        t = start + 1 + len(text) % 3  # whole seconds: scope bounds are hit exactly
        segs.append(Segment(start, t, role, "S1", text))
    return segs


@settings(max_examples=150, deadline=None)
@given(
    st.lists(rule_strategy, min_size=1, max_size=8),
    st.lists(transcript_strategy, min_size=1, max_size=5),
    st.integers(min_value=1, max_value=3),
    st.booleans(),
)
def test_engine_agrees_with_reference(specs, transcripts, batch_size, direct):
    scheme = make_scheme(specs)
    # Small test alphabets take the direct-address path; 0 forces the hashed (cuckoo) path that
    # large alphabets (exact words over thousands of characters) take.
    with patch.object(keywords, "_DIRECT_MAX", keywords._DIRECT_MAX if direct else 0):
        inspector = Inspector(scheme)
    conversations = [(make_segments(turns), None) for turns in transcripts]
    many = list(inspector.inspect_many(conversations, batch_size=batch_size))
    assert len(many) == len(conversations)
    for (segs, _), got in zip(conversations, many, strict=True):
        duration = max((s.end for s in segs), default=0.0)
        expect = ref_inspect(scheme, segs, duration)
        assert got.to_dict() == expect
        assert got.score == expect["score"]
        assert inspector.inspect(segs).to_dict() == expect


@settings(max_examples=100, deadline=None)
@given(
    st.lists(words, min_size=1, max_size=10, unique=True),
    st.text(alphabet=CHARS + "\n", max_size=60),
    st.sampled_from([0, 100, 1 << 21]),
)
def test_ngram_table_finds_every_occurrence(keys, text, direct_max):
    # Exact search, every path: direct addressing of short windows (small alphabets), windows
    # packed into 64 bits and looked up in the cuckoo table, longer ones hashed and verified.
    table = NgramTable(keys, direct_max=direct_max)
    codes = np.array([ord(c) for c in text], dtype=np.uint32)
    starts, key = table.find(table.char_ids(codes))
    got = sorted(zip(starts.tolist(), key.tolist(), strict=True))
    expect = sorted((i, k) for k, w in enumerate(keys) for i in range(len(text)) if text.startswith(w, i))
    assert got == expect


def test_scope_and_case_examples():
    segs = make_segments(
        [
            ("agent", "您好我是小何", 0),
            ("customer", "鱼荣服太贵了", 0),
            ("agent", "ABC再见", 0),
            ("agent", "好的再见", 0),
        ]
    )
    scheme = parse_scheme(
        {
            "id": "x",
            "rules": [
                {
                    "id": "intro",
                    "kind": "keyword",
                    "role": "agent",
                    "any": ["我市"],
                    "scope": {"first_turns": 1},
                    "points": 5,
                },
                {"id": "down", "kind": "keyword", "role": "customer", "all": ["羽绒服", "太贵"], "points": 3},
                {
                    "id": "bye",
                    "kind": "keyword",
                    "role": "agent",
                    "any": ["再见"],
                    "scope": {"last_turns": 1},
                    "points": 2,
                },
                {"id": "abc", "kind": "keyword", "any": ["abc"], "pinyin": False, "expect": "absent", "points": 7},
                {"id": "cheap", "kind": "keyword", "any": ["便宜"], "expect": "absent", "points": 1},
            ],
        }
    )
    result = Inspector(scheme).inspect(segs).to_dict()
    assert [(r["id"], r["passed"], [e["segment"] for e in r["evidence"]]) for r in result["rules"]] == [
        ("intro", True, [0]),
        ("down", True, [1]),
        ("bye", True, [3]),
        ("abc", False, [2]),
        ("cheap", True, []),
    ]
    assert result["score"] == 5 + 3 + 2 + 1


def test_homophone_words_sharing_a_key_check_their_own_characters():
    # 我是 and 卧室 are one key (wo shi); in 我事 only 我是 shares a character.
    scheme = parse_scheme(
        {
            "id": "x",
            "rules": [
                {"id": "a", "kind": "keyword", "any": ["我是"], "points": 1},
                {"id": "b", "kind": "keyword", "any": ["卧室"], "points": 2},
            ],
        }
    )
    inspector = Inspector(scheme)
    assert [r.passed for r in inspector.inspect(make_segments([("agent", "嗯我事", 0)])).rules] == [True, False]
    assert [r.passed for r in inspector.inspect(make_segments([("agent", "卧是", 0)])).rules] == [True, True]
    assert [r.passed for r in inspector.inspect(make_segments([("agent", "握事", 0)])).rules] == [False, False]
