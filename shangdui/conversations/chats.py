"""Chat logs (聊天记录) from shop customer-service tools → messages → turns for inspection. Pure: no Django.

Formats:

* text: one message a line, ``时间 昵称: 内容`` (the colon may be full-width). ``时间`` is
  ``YYYY-MM-DD HH:MM[:SS]`` (``/`` or ``.`` also separate the date) or just ``HH:MM[:SS]``, which takes
  the date of the message before it (or ``default_date``) and rolls over midnight. Blank lines are
  skipped; a line that does not parse is reported with its line number.
* CSV with a header row naming the time, nickname and content columns (时间/昵称/内容, or
  time/nickname/content and a few synonyms); bad rows are reported with their line number.
* JSON: a list of objects (or ``{"messages": [...]}``) with the same keys; bad items are reported by
  their position (1-based) as the line.

Roles — who is the agent (客服/销售):

1. a nickname equal to, or containing, one of the configured agent nicknames (the member's shop/agent
   nickname; the organization's shop names are passed here too, as in ``甲店客服小美``) is the agent;
2. otherwise the first speaker who greets — a message with 您好, or starting with 亲 — is the agent;
3. every other nickname is the customer. When neither rule finds an agent all roles are ``unknown``.

Each message becomes one segment; its start is the seconds since the first message and its end equals its
start (a chat message has no duration), so ``silence`` rules measure the wait for a reply.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shangdui.core.uploads import ImportFileError, decode_text

from .pipeline.types import Segment

_LINE = re.compile(
    r"^\s*(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+)?(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s+"
    r"(?P<nick>[^:：\s][^:：]*?)\s*[:：]\s?(?P<text>.*)$"
)
_GREETING = re.compile(r"您好|^\s*亲")
KEYS = {
    "time": ("时间", "发送时间", "time", "timestamp", "datetime", "date"),
    "nickname": ("昵称", "发送人", "发送者", "nickname", "nick", "sender", "from", "name"),
    "content": ("内容", "消息", "消息内容", "content", "message", "text", "msg"),
}


class ChatError(ValueError):
    """The file holds no usable message at all."""


@dataclass
class Message:
    time: dt.datetime
    nickname: str
    text: str


@dataclass
class BadLine:
    line: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass
class ChatLog:
    messages: list[Message] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)


def _parse_time(value: str, previous: dt.datetime | None, default_date: dt.date) -> dt.datetime:
    value = value.strip()
    date_part, _sep, time_part = value.rpartition(" ") if " " in value else ("", "", value)
    if not date_part and "T" in value:
        date_part, time_part = value.split("T", 1)
    pieces = [int(p) for p in time_part.split(":")]
    if len(pieces) == 2:
        pieces.append(0)
    if len(pieces) != 3:
        raise ValueError(value)
    clock = dt.time(pieces[0], pieces[1], pieces[2])
    if date_part.strip():
        y, m, d = (int(p) for p in re.split(r"[-/.]", date_part.strip()))
        return dt.datetime.combine(dt.date(y, m, d), clock)
    day = previous.date() if previous else default_date
    moment = dt.datetime.combine(day, clock)
    if previous is not None and moment < previous:  # time-only stamps rolled over midnight
        moment += dt.timedelta(days=1)
    return moment


def _pick(row: dict[str, Any], kind: str) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for key in KEYS[kind]:
        if key in lowered:
            return lowered[key]
    return None


def _add(log: ChatLog, line: int, raw: str, time: Any, nick: Any, text: Any, default_date: dt.date) -> None:
    previous = log.messages[-1].time if log.messages else None
    if time is None or nick is None or text is None:
        log.bad_lines.append(BadLine(line, raw[:200], "缺少时间、昵称或内容"))
        return
    try:
        moment = _parse_time(str(time), previous, default_date)
    except (ValueError, TypeError):
        log.bad_lines.append(BadLine(line, raw[:200], "时间格式无法识别"))
        return
    nick, text = str(nick).strip(), str(text).strip()
    if not nick or not text:
        log.bad_lines.append(BadLine(line, raw[:200], "昵称或内容为空"))
        return
    if previous is not None and moment < previous:
        log.bad_lines.append(BadLine(line, raw[:200], "时间早于上一条消息"))
        return
    log.messages.append(Message(moment, nick[:60], text))


def parse_text(lines: Iterable[str], default_date: dt.date) -> ChatLog:
    log = ChatLog()
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").lstrip("\ufeff")
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            log.bad_lines.append(BadLine(number, line[:200], "不是“时间 昵称: 内容”格式"))
            continue
        stamp = (match.group("date") or "") + match.group("time")
        _add(log, number, line, stamp, match.group("nick"), match.group("text"), default_date)
    return log


def parse_csv(text: str, default_date: dt.date) -> ChatLog:
    log = ChatLog()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if not all(any(k in fields for k in KEYS[kind]) for kind in KEYS):
        raise ChatError("CSV 表头需要时间、昵称、内容三列（时间/昵称/内容 或 time/nickname/content）")
    for row in reader:
        raw = ",".join(str(v) for v in row.values() if v is not None)
        _add(log, reader.line_num, raw, _pick(row, "time"), _pick(row, "nickname"), _pick(row, "content"),
             default_date)
    return log


def parse_json(text: str, default_date: dt.date) -> ChatLog:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChatError(f"JSON 格式错误（第 {exc.lineno} 行）：{exc.msg}") from exc
    if isinstance(data, dict):
        data = data.get("messages")
    if not isinstance(data, list):
        raise ChatError("JSON 应为消息列表，或含 messages 列表的对象")
    log = ChatLog()
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            log.bad_lines.append(BadLine(number, str(item)[:200], "不是对象"))
            continue
        raw = json.dumps(item, ensure_ascii=False)
        _add(log, number, raw, _pick(item, "time"), _pick(item, "nickname"), _pick(item, "content"), default_date)
    return log


def decode_chat(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030: Chinese Windows tools still export GBK. A file
    that is neither raises ``ChatError`` with the reason (never imported as garbled text)."""
    try:
        return decode_text(raw)
    except ImportFileError as exc:
        raise ChatError(exc.message) from None


def parse_chat(name: str, text: str, default_date: dt.date) -> ChatLog:
    """Parse by file suffix (.csv, .json, anything else as text lines); raise ChatError if no message."""
    lower = name.lower()
    if lower.endswith(".csv"):
        log = parse_csv(text, default_date)
    elif lower.endswith(".json"):
        log = parse_json(text, default_date)
    else:
        log = parse_text(text.splitlines(), default_date)
    if not log.messages:
        raise ChatError("没有可识别的消息" + (f"（{len(log.bad_lines)} 行格式错误）" if log.bad_lines else ""))
    return log


def agent_nickname(messages: Sequence[Message], agent_nicknames: Sequence[str] = ()) -> set[str]:
    """The nicknames that are the agent (see the module docstring for the rule)."""
    configured = [n.strip() for n in agent_nicknames if n and n.strip()]
    nicks = {m.nickname for m in messages}
    found = {n for n in nicks if any(c == n or c in n for c in configured)}
    if found:
        return found
    for message in messages:
        if _GREETING.search(message.text):
            return {message.nickname}
    return set()


def to_segments(messages: Sequence[Message], agent_nicknames: Sequence[str] = ()) -> list[Segment]:
    agents = agent_nickname(messages, agent_nicknames)
    t0 = messages[0].time if messages else None
    out = []
    for m in messages:
        assert t0 is not None
        start = (m.time - t0).total_seconds()
        role = ("agent" if m.nickname in agents else "customer") if agents else "unknown"
        out.append(Segment(start=start, end=start, role=role, speaker=m.nickname, text=m.text))
    return out


def char_talk_ratio(segments: Sequence[Segment]) -> float | None:
    """A chat's talk ratio: the agent's share of the characters typed by agent and customer."""
    agent = sum(len(s.text) for s in segments if s.role == "agent")
    total = agent + sum(len(s.text) for s in segments if s.role == "customer")
    return round(agent / total, 3) if total else None
