"""Inspection schemes (质检方案): parse and validate the YAML format, naming the bad field.

```yaml
id: service-basic
name: 客服基础质检
rules:
  - id: self_intro
    kind: keyword
    role: agent             # agent | customer | any
    any: ["我是"]           # or all: [...]
    scope: {first_turns: 1} # first_turns / last_turns / first_seconds / last_seconds
    expect: present         # present | absent
    points: 10
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

KINDS = (
    "keyword",
    "regex",
    "sequence",
    "silence",
    "speech_rate",
    "interruption",
    "talk_ratio",
    "monologue",
    "questions",
    "emotion",
)
ROLES = ("agent", "customer", "any")
EXPECTS = ("present", "absent")
SCOPE_KEYS = ("first_turns", "last_turns", "first_seconds", "last_seconds")
COMMON = {"id", "name", "kind", "points", "expect", "description"}

# Fields each kind accepts besides COMMON, and the default role / expect.
KIND_FIELDS: dict[str, set[str]] = {
    "keyword": {"role", "any", "all", "scope", "pinyin"},
    "regex": {"role", "pattern", "scope"},
    "sequence": {"role", "steps", "scope", "pinyin"},
    "silence": {"max_seconds"},
    "speech_rate": {"role", "min", "max"},
    "interruption": {"role", "max_seconds"},
    "talk_ratio": {"min", "max"},
    "monologue": {"role", "max_seconds"},
    "questions": {"role", "min_count"},
    "emotion": {"role", "min_hits"},
}
DEFAULT_ROLE = {
    "keyword": "any",
    "regex": "any",
    "sequence": "any",
    "speech_rate": "agent",
    "interruption": "agent",
    "monologue": "agent",
    "questions": "agent",
    "emotion": "customer",
    "silence": "any",
    "talk_ratio": "agent",
}
# What a rule "finds": keyword-like rules find their words; metric rules find the problem they
# describe (a silence, a monologue ...), so by default those pass when the problem is absent.
DEFAULT_EXPECT = {k: ("present" if k in ("keyword", "regex", "sequence") else "absent") for k in KINDS}


class SchemeError(ValueError):
    """A scheme that cannot be used; ``field`` is the path of the bad field, e.g. ``rules[2].kind``."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass
class Rule:
    id: str
    kind: str
    points: int = 0
    name: str = ""
    expect: str = "present"
    role: str = "any"
    any: list[str] = field(default_factory=list)
    all: list[str] = field(default_factory=list)
    scope: dict[str, float] = field(default_factory=dict)
    pinyin: bool = True
    pattern: str = ""
    steps: list[list[str]] = field(default_factory=list)
    max_seconds: float = 0.0
    min: float | None = None
    max: float | None = None
    min_count: int = 0
    min_hits: int = 1
    compiled: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def words(self) -> list[str]:
        if self.kind == "sequence":
            return [w for step in self.steps for w in step]
        return [*self.any, *self.all]


@dataclass
class Scheme:
    id: str
    name: str
    rules: list[Rule]

    @property
    def max_score(self) -> int:
        return sum(r.points for r in self.rules)


def load_scheme(path: str) -> Scheme:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise SchemeError("file", f"无法读取质检方案文件：{exc.strerror or exc}") from exc
    return parse_scheme(text)


def parse_scheme(source: str | dict[str, Any]) -> Scheme:
    """Parse YAML text (or an already-loaded mapping) into a validated :class:`Scheme`."""
    if isinstance(source, str):
        try:
            data = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            raise SchemeError("yaml", f"YAML 格式错误：{exc}") from exc
    else:
        data = source
    if not isinstance(data, dict):
        raise SchemeError("scheme", "质检方案应为一个映射（包含 id、name、rules）")
    unknown = set(data) - {"id", "name", "rules", "description"}
    if unknown:
        name = sorted(map(str, unknown))[0]
        raise SchemeError(name, f"未知字段 {name}")
    scheme_id = _text(data, "id", "id", required=True)
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        raise SchemeError("rules", "rules 应为非空列表")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(rules_data):
        rule = _parse_rule(item, f"rules[{index}]")
        if rule.id in seen:
            raise SchemeError(f"rules[{index}].id", f"规则 id 重复：{rule.id}")
        seen.add(rule.id)
        rules.append(rule)
    return Scheme(id=scheme_id, name=_text(data, "name", "name") or scheme_id, rules=rules)


def _text(data: dict, key: str, path: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise SchemeError(path, f"缺少必填字段 {key}")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise SchemeError(path, f"{key} 应为非空文本")
    return str(value).strip()


def _number(data: dict, key: str, path: str, *, low: float = 0.0, high: float | None = None) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemeError(path, f"{key} 应为数字")
    if value < low or (high is not None and value > high):
        bound = f"{low}～{high}" if high is not None else f"不小于 {low}"
        raise SchemeError(path, f"{key} 超出范围（{bound}）")
    return float(value)


def _words(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise SchemeError(path, "应为非空的词语列表")
    out = []
    for i, word in enumerate(value):
        if not isinstance(word, str | int) or isinstance(word, bool) or not str(word).strip():
            raise SchemeError(f"{path}[{i}]", "词语应为非空文本")
        if any(c in str(word).strip() for c in "\r\n"):
            # A turn's words never span a line; the keyword engine joins turns with line breaks.
            raise SchemeError(f"{path}[{i}]", "词语不能包含换行")
        out.append(str(word).strip())
    return out


def _parse_rule(item: Any, path: str) -> Rule:
    if not isinstance(item, dict):
        raise SchemeError(path, "规则应为一个映射")
    rule_id = _text(item, "id", f"{path}.id", required=True)
    kind = item.get("kind")
    if kind not in KINDS:
        raise SchemeError(f"{path}.kind", f"未知的规则类型 {kind!r}，可选：{'、'.join(KINDS)}")
    for key in item:
        if key not in COMMON and key not in KIND_FIELDS[kind]:
            raise SchemeError(f"{path}.{key}", f"{kind} 规则不支持字段 {key}")
    rule = Rule(id=rule_id, kind=kind, name=_text(item, "name", f"{path}.name"))
    points = item.get("points", 0)
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        raise SchemeError(f"{path}.points", "points 应为非负整数")
    rule.points = points
    rule.expect = item.get("expect", DEFAULT_EXPECT[kind])
    if rule.expect not in EXPECTS:
        raise SchemeError(f"{path}.expect", "expect 应为 present 或 absent")
    rule.role = item.get("role", DEFAULT_ROLE[kind])
    if rule.role not in ROLES:
        raise SchemeError(f"{path}.role", "role 应为 agent、customer 或 any")
    if "pinyin" in item:
        if not isinstance(item["pinyin"], bool):
            raise SchemeError(f"{path}.pinyin", "pinyin 应为 true 或 false")
        rule.pinyin = item["pinyin"]
    if "scope" in item:
        rule.scope = _parse_scope(item["scope"], f"{path}.scope")
    _parse_kind(rule, item, path)
    return rule


def _parse_scope(scope: Any, path: str) -> dict[str, float]:
    if not isinstance(scope, dict) or not scope:
        raise SchemeError(path, "scope 应为映射，如 {first_turns: 1}")
    out: dict[str, float] = {}
    for key, value in scope.items():
        if key not in SCOPE_KEYS:
            raise SchemeError(f"{path}.{key}", f"未知的范围 {key}，可选：{'、'.join(SCOPE_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise SchemeError(f"{path}.{key}", f"{key} 应为正数")
        if key.endswith("turns") and not isinstance(value, int):
            raise SchemeError(f"{path}.{key}", f"{key} 应为正整数")
        out[key] = value
    return out


def _parse_kind(rule: Rule, item: dict, path: str) -> None:
    kind = rule.kind
    if kind == "keyword":
        if ("any" in item) == ("all" in item):
            raise SchemeError(f"{path}.any", "keyword 规则需要 any 或 all 之一")
        if "any" in item:
            rule.any = _words(item["any"], f"{path}.any")
        else:
            rule.all = _words(item["all"], f"{path}.all")
    elif kind == "regex":
        pattern = item.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise SchemeError(f"{path}.pattern", "缺少 pattern（正则表达式）")
        try:
            rule.compiled = re.compile(pattern)
        except re.error as exc:
            raise SchemeError(f"{path}.pattern", f"正则表达式无效：{exc}") from exc
        rule.pattern = pattern
    elif kind == "sequence":
        steps = item.get("steps")
        if not isinstance(steps, list) or len(steps) < 2:
            raise SchemeError(f"{path}.steps", "steps 应为至少两步的列表，每步是一个词语列表")
        rule.steps = [
            _words(step if isinstance(step, list) else [step], f"{path}.steps[{i}]") for i, step in enumerate(steps)
        ]
    elif kind in ("silence", "interruption", "monologue"):
        value = _number(item, "max_seconds", f"{path}.max_seconds", low=0.0)
        if value is None:
            raise SchemeError(f"{path}.max_seconds", "缺少 max_seconds")
        rule.max_seconds = value
    elif kind in ("speech_rate", "talk_ratio"):
        high = 1.0 if kind == "talk_ratio" else None
        rule.min = _number(item, "min", f"{path}.min", high=high)
        rule.max = _number(item, "max", f"{path}.max", high=high)
        if rule.min is None and rule.max is None:
            raise SchemeError(f"{path}.min", f"{kind} 规则需要 min 或 max")
        if rule.min is not None and rule.max is not None and rule.min > rule.max:
            raise SchemeError(f"{path}.min", "min 不能大于 max")
    elif kind == "questions":
        value = item.get("min_count")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SchemeError(f"{path}.min_count", "min_count 应为正整数")
        rule.min_count = value
    elif kind == "emotion":
        value = item.get("min_hits", 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SchemeError(f"{path}.min_hits", "min_hits 应为正整数")
        rule.min_hits = value
