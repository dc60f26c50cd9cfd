"""Inspection rules on hand-made transcripts: each kind, scopes, roles, expect, scoring, evidence,
homophone tolerance, and the many-rules matcher against a naive scan."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from shangdui.conversations.inspection import inspect, parse_scheme
from shangdui.conversations.inspection.matcher import KeywordIndex, RuleSetMatcher, canonical
from shangdui.conversations.pipeline.types import Segment


def seg(start, end, role, text, speaker=None):
    return Segment(start, end, role, speaker or ("S1" if role == "agent" else "S2"), text)


CALL = [
    seg(0.5, 5.0, "agent", "您好，我是花语鲜花店的客服小何，请问有什么可以帮您？"),
    seg(6.0, 10.0, "customer", "我想订一束玫瑰，明天送到公司，可以吗？"),
    seg(11.0, 16.0, "agent", "可以的，请问您需要几支？"),
    seg(16.5, 19.0, "customer", "十一支就好，别家太贵了。"),
    seg(27.0, 30.0, "agent", "好的，祝您生活愉快，再见。"),
]


def run(rule: dict, segments=CALL, duration=None):
    scheme = parse_scheme({"id": "t", "rules": [{"id": "r", "points": 10, **rule}]})
    result = inspect(segments, scheme, duration)
    return result.rules[0], result


def test_keyword_role_and_first_turn_scope():
    rule, result = run({"kind": "keyword", "role": "agent", "any": ["我是"], "scope": {"first_turns": 1}})
    assert rule.passed and result.score == 10 and result.max_score == 10
    assert rule.evidence == [{"segment": 0, "text": CALL[0].text}]
    # The customer never introduces themself.
    rule, result = run({"kind": "keyword", "role": "customer", "any": ["我是"]})
    assert not rule.passed and result.score == 0


def test_keyword_last_turns_and_seconds_scopes():
    assert run({"kind": "keyword", "role": "agent", "any": ["再见"], "scope": {"last_turns": 1}})[0].passed
    assert not run({"kind": "keyword", "role": "agent", "any": ["可以的"], "scope": {"last_turns": 1}})[0].passed
    assert run({"kind": "keyword", "any": ["您好"], "scope": {"first_seconds": 3}})[0].passed
    assert not run({"kind": "keyword", "any": ["玫瑰"], "scope": {"first_seconds": 3}})[0].passed
    assert run({"kind": "keyword", "any": ["再见"], "scope": {"last_seconds": 5}}, duration=30.0)[0].passed
    assert not run({"kind": "keyword", "any": ["我是"], "scope": {"last_seconds": 5}}, duration=30.0)[0].passed


def test_keyword_absent_fails_with_evidence():
    rule, _ = run({"kind": "keyword", "role": "customer", "any": ["别家", "京东"], "expect": "absent"})
    assert not rule.passed
    assert rule.evidence == [{"segment": 3, "text": CALL[3].text}]


def test_keyword_all_needs_every_word():
    assert run({"kind": "keyword", "all": ["玫瑰", "再见"]})[0].passed
    assert not run({"kind": "keyword", "all": ["玫瑰", "京东"]})[0].passed


def test_homophones_match_by_default_and_not_when_disabled():
    segments = [seg(0, 3, "agent", "这件鱼荣服今天有优惠")]
    assert run({"kind": "keyword", "any": ["羽绒服"]}, segments)[0].passed
    assert not run({"kind": "keyword", "any": ["羽绒服"], "pinyin": False}, segments)[0].passed


def test_two_character_homophone_needs_one_shared_character():
    # 我市 ~ 我是 (shares 我) matches; 变医 ~ 便宜 (shares nothing) must not.
    assert run({"kind": "keyword", "any": ["我是"]}, [seg(0, 1, "agent", "喂，我市客服")])[0].passed
    assert not run({"kind": "keyword", "any": ["便宜"]}, [seg(0, 1, "customer", "我想变医术")])[0].passed


def test_regex_sees_chinese_numerals_as_digits():
    assert run({"kind": "regex", "role": "customer", "pattern": r"1[01]支"})[0].passed
    assert not run({"kind": "regex", "role": "agent", "pattern": r"\d+支"})[0].passed


def test_sequence_order_matters():
    assert run({"kind": "sequence", "steps": [["您好"], ["玫瑰"], ["再见"]]})[0].passed
    assert not run({"kind": "sequence", "steps": [["再见"], ["您好"]]})[0].passed
    # Both words in one turn, in order.
    assert run({"kind": "sequence", "steps": [["订"], ["送到"]]})[0].passed


def test_silence_gap():
    rule, _ = run({"kind": "silence", "max_seconds": 6})  # 19.0 -> 27.0 is 8 s
    assert not rule.passed and rule.evidence[0]["segment"] == 4
    assert run({"kind": "silence", "max_seconds": 9})[0].passed


def test_speech_rate_outside_range():
    segments = [seg(0, 60, "agent", "好" * 200), seg(60, 70, "customer", "嗯")]
    assert run({"kind": "speech_rate", "min": 150, "max": 250}, segments)[0].passed
    assert not run({"kind": "speech_rate", "max": 150}, segments)[0].passed
    assert not run({"kind": "speech_rate", "min": 300}, segments)[0].passed


def test_interruption_overlap():
    segments = [seg(0, 5, "customer", "我想问一下这个"), seg(3.5, 8, "agent", "您说")]
    rule, _ = run({"kind": "interruption", "max_seconds": 1}, segments)
    assert not rule.passed and rule.evidence[0]["segment"] == 1
    assert run({"kind": "interruption", "max_seconds": 2}, segments)[0].passed


def test_talk_ratio_range():
    segments = [seg(0, 80, "agent", "介绍"), seg(80, 100, "customer", "嗯")]
    assert not run({"kind": "talk_ratio", "max": 0.7}, segments)[0].passed
    assert run({"kind": "talk_ratio", "min": 0.5, "max": 0.9}, segments)[0].passed


def test_monologue():
    segments = [seg(0, 95, "agent", "很长的介绍"), seg(96, 100, "customer", "好")]
    assert not run({"kind": "monologue", "max_seconds": 90}, segments)[0].passed
    assert run({"kind": "monologue", "max_seconds": 120}, segments)[0].passed


def test_questions_counted_with_and_without_question_marks():
    assert run({"kind": "questions", "min_count": 2})[0].passed  # two agent questions in CALL
    assert not run({"kind": "questions", "min_count": 3})[0].passed
    no_marks = [seg(0, 3, "agent", "请问您需要几支"), seg(3, 5, "agent", "送到哪里呢")]
    assert run({"kind": "questions", "min_count": 2}, no_marks)[0].passed


def test_emotion_negative_customer():
    angry = [seg(0, 3, "agent", "您好"), seg(3, 6, "customer", "你们太差了，我要投诉")]
    rule, _ = run({"kind": "emotion", "role": "customer", "min_hits": 2}, angry)
    assert not rule.passed and rule.evidence[0]["segment"] == 1
    assert run({"kind": "emotion", "role": "customer"})[0].passed


def test_score_is_sum_of_passed_points():
    scheme = parse_scheme({"id": "x", "rules": [
        {"id": "a", "kind": "keyword", "any": ["您好"], "points": 10},
        {"id": "b", "kind": "keyword", "any": ["京东"], "points": 30},
        {"id": "c", "kind": "silence", "max_seconds": 6, "points": 5},
    ]})
    result = inspect(CALL, scheme)
    assert [r.passed for r in result.rules] == [True, False, False]
    assert (result.score, result.max_score) == (10, 45)
    first = result.to_dict()["rules"][0]
    assert first == {"id": "a", "passed": True, "evidence": [{"segment": 0, "text": CALL[0].text}]}


def test_empty_transcript_is_inspectable():
    scheme = parse_scheme({"id": "x", "rules": [
        {"id": "a", "kind": "keyword", "any": ["您好"], "points": 10},
        {"id": "s", "kind": "silence", "max_seconds": 1, "points": 5},
        {"id": "t", "kind": "talk_ratio", "max": 0.5, "points": 5},
    ]})
    result = inspect([], scheme, 10.0)
    assert [r.passed for r in result.rules] == [False, True, True]


def test_rule_set_matcher_all_rules_count_distinct_words():
    # 我是 matches 我是 in both lookup forms; it must still count as one of the two words needed.
    matcher = RuleSetMatcher([(["我是", "京东"], True, True), (["我是", "客服"], True, True)])
    assert matcher.matched("您好我是客服") == [1]
    assert matcher.matched("") == []


def test_canonical_keeps_offsets():
    text = "亲，这件鱼荣服ABC"
    assert len(canonical(text)) == len(text)
    assert canonical("鱼") == canonical("羽") != canonical("绒")
    assert KeywordIndex([("羽绒服", True)]).positions(text) == [(4, 7, 0)]


CHARS = "我是你好便宜变医鱼羽荣绒服再见在前台"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=CHARS, min_size=1, max_size=4), min_size=1, max_size=12),
       st.text(alphabet=CHARS + "，。", max_size=80), st.booleans())
def test_rule_set_matcher_agrees_with_naive_scan(words, text, tolerant):
    rng = random.Random(len(text))
    rules = [([w], rng.random() < 0.3, tolerant) for w in words]
    got = set(RuleSetMatcher(rules).matched(text))
    canon = canonical(text)
    expect = set()
    for index, (ws, _, tol) in enumerate(rules):
        w = ws[0]
        if not tol:
            hit = w in text
        else:
            key = canonical(w)
            starts = [i for i in range(len(text) - len(w) + 1) if canon.startswith(key, i)]
            if len(w) == 2:
                starts = [i for i in starts if text[i] == w[0] or text[i + 1] == w[1]]
            hit = bool(starts)
        if hit:
            expect.add(index)
    assert got == expect
