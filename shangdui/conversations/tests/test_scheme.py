"""Scheme YAML: the documented format parses; every bad field is rejected by name."""

from __future__ import annotations

import pytest

from shangdui.conversations.inspection import SchemeError, load_scheme, parse_scheme

VALID = """
id: service-basic
name: 客服基础质检
rules:
  - id: self_intro
    name: 开场自我介绍
    kind: keyword
    role: agent
    any: ["我是"]
    scope: {first_turns: 1}
    expect: present
    points: 10
  - id: long_silence
    kind: silence
    max_seconds: 6
    expect: absent
    points: 10
"""


def test_documented_example_parses():
    scheme = parse_scheme(VALID)
    assert scheme.id == "service-basic"
    assert [r.id for r in scheme.rules] == ["self_intro", "long_silence"]
    assert scheme.rules[0].scope == {"first_turns": 1}
    assert scheme.rules[0].pinyin is True  # homophone-tolerant by default
    assert scheme.max_score == 20


def test_sample_scheme_parses(samples):
    scheme = load_scheme(str(samples / "scheme.yaml"))
    assert scheme.id == "sample-service"
    assert {r.kind for r in scheme.rules} == {"keyword"}


def _rule(**fields) -> dict:
    return {"id": "s", "rules": [{"id": "r1", "points": 5, **fields}]}


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "shouting", "any": ["x"]}, "rules[0].kind"),
        ({"kind": "keyword", "any": ["我是"], "colour": "red"}, "rules[0].colour"),
        ({"kind": "keyword"}, "rules[0].any"),
        ({"kind": "keyword", "any": []}, "rules[0].any"),
        ({"kind": "keyword", "any": ["ok", ""]}, "rules[0].any[1]"),
        ({"kind": "keyword", "any": ["x"], "role": "boss"}, "rules[0].role"),
        ({"kind": "keyword", "any": ["x"], "expect": "maybe"}, "rules[0].expect"),
        ({"kind": "keyword", "any": ["x"], "scope": {"first_minutes": 1}}, "rules[0].scope.first_minutes"),
        ({"kind": "keyword", "any": ["x"], "scope": {"first_turns": 0}}, "rules[0].scope.first_turns"),
        ({"kind": "keyword", "any": ["x"], "points": -3}, "rules[0].points"),
        ({"kind": "keyword", "any": ["x"], "pinyin": "yes"}, "rules[0].pinyin"),
        ({"kind": "regex", "pattern": "(unclosed"}, "rules[0].pattern"),
        ({"kind": "sequence", "steps": [["您好"]]}, "rules[0].steps"),
        ({"kind": "silence"}, "rules[0].max_seconds"),
        ({"kind": "silence", "max_seconds": "long"}, "rules[0].max_seconds"),
        ({"kind": "talk_ratio", "min": 0.8, "max": 0.2}, "rules[0].min"),
        ({"kind": "talk_ratio", "max": 1.5}, "rules[0].max"),
        ({"kind": "questions", "min_count": 0}, "rules[0].min_count"),
        ({"kind": "silence", "max_seconds": 5, "any": ["x"]}, "rules[0].any"),
    ],
)
def test_bad_rule_names_the_field(rule, field):
    with pytest.raises(SchemeError) as info:
        parse_scheme(_rule(**rule))
    assert info.value.field == field
    assert field in str(info.value)


def test_scheme_level_errors():
    with pytest.raises(SchemeError) as info:
        parse_scheme("id: x\nrules: []\n")
    assert info.value.field == "rules"
    with pytest.raises(SchemeError) as info:
        parse_scheme("name: 无 id\nrules: [{id: a, kind: silence, max_seconds: 1}]\n")
    assert info.value.field == "id"
    with pytest.raises(SchemeError) as info:
        parse_scheme("id: x\nrules: [{id: a, kind: silence, max_seconds: 1}, {id: a, kind: silence, max_seconds: 2}]")
    assert info.value.field == "rules[1].id"
    with pytest.raises(SchemeError) as info:
        parse_scheme("id: [unclosed")
    assert info.value.field == "yaml"
    with pytest.raises(SchemeError) as info:
        parse_scheme("id: x\nowner: me\nrules: [{id: a, kind: silence, max_seconds: 1}]")
    assert info.value.field == "owner"


def test_every_kind_has_a_valid_form():
    scheme = parse_scheme({
        "id": "all",
        "rules": [
            {"id": "k", "kind": "keyword", "all": ["您好", "再见"], "pinyin": False},
            {"id": "r", "kind": "regex", "pattern": r"\d+元"},
            {"id": "q", "kind": "sequence", "steps": [["您好"], ["请问", "需要"]]},
            {"id": "s", "kind": "silence", "max_seconds": 5},
            {"id": "sr", "kind": "speech_rate", "min": 120, "max": 300},
            {"id": "i", "kind": "interruption", "max_seconds": 1},
            {"id": "t", "kind": "talk_ratio", "min": 0.3, "max": 0.7},
            {"id": "m", "kind": "monologue", "max_seconds": 60},
            {"id": "qs", "kind": "questions", "min_count": 2},
            {"id": "e", "kind": "emotion", "role": "customer"},
        ],
    })
    assert [r.expect for r in scheme.rules] == ["present"] * 3 + ["absent"] * 7
