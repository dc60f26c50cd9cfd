"""Chat logs: parsing (text, CSV, JSON), who is the agent, import through the CLI and the web."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from shangdui.conversations.chats import ChatError, parse_chat, to_segments
from shangdui.conversations.models import Conversation

DAY = dt.date(2026, 11, 27)
SCHEME = Path(__file__).resolve().parents[1] / "default_scheme.yaml"
TEXT = """2026-11-27 10:00:01 顾客小王: 在吗？这件羽绒服有货吗
2026-11-27 10:00:04 甲店客服小美: 亲，您好，我是小美，有货的哦
这一行不是消息
10:00:09 顾客小王：别家便宜20块，能便宜点吗
10:00:15 甲店客服小美: 请问您平时穿什么尺码？需要什么颜色呢？

10:00:30 甲店客服小美: 祝您生活愉快，再见
"""


def test_text_lines_become_messages_with_bad_lines_numbered() -> None:
    log = parse_chat("chat.txt", TEXT, DAY)
    nicknames = [m.nickname for m in log.messages]
    assert nicknames == ["顾客小王", "甲店客服小美", "顾客小王", "甲店客服小美", "甲店客服小美"]
    assert log.messages[2].text == "别家便宜20块，能便宜点吗"  # full-width colon
    assert [(b.line, b.text) for b in log.bad_lines] == [(3, "这一行不是消息")]
    segments = to_segments(log.messages)
    # Nobody configured: the first speaker who greets with 您好/亲 is the agent, the rest customers.
    assert [s.role for s in segments] == ["customer", "agent", "customer", "agent", "agent"]
    assert [s.start for s in segments] == [0.0, 3.0, 8.0, 14.0, 29.0]


def test_configured_agent_nickname_wins_and_no_greeting_means_unknown() -> None:
    log = parse_chat("c.txt", "09:00 店小二: 在的\n09:01 买家: 您好，我想退货\n", DAY)
    assert [s.role for s in to_segments(log.messages, ["店小二"])] == ["agent", "customer"]
    assert [s.role for s in to_segments(log.messages)] == ["customer", "agent"]  # the greeter, even a buyer
    quiet = parse_chat("c.txt", "09:00 甲: 在\n09:01 乙: 嗯\n", DAY)
    assert {s.role for s in to_segments(quiet.messages)} == {"unknown"}


def test_time_only_stamps_roll_over_midnight_and_going_back_is_a_bad_line() -> None:
    log = parse_chat("c.txt", "23:59:50 客服: 亲\n00:00:10 顾客: 好\n", DAY)
    assert log.messages[1].time.isoformat() == "2026-11-28T00:00:10"
    back = parse_chat("c.txt", "2026-11-27 10:00 a: x\n2026-11-27 09:00 b: y\n", DAY)
    assert [b.line for b in back.bad_lines] == [2]


def test_csv_and_json_exports() -> None:
    csv_text = ("时间,昵称,内容\n2026-11-27 10:00:00,甲店客服,您好\n坏时间,顾客,你好\n"
                "2026-11-27 10:00:05,顾客,发货了吗\n")
    log = parse_chat("c.csv", csv_text, DAY)
    assert len(log.messages) == 2 and [b.line for b in log.bad_lines] == [3]
    items = [{"time": "2026-11-27T10:00:00", "nickname": "客服", "content": "亲在的"},
             {"nickname": "x"}, "junk"]
    log = parse_chat("c.json", json.dumps({"messages": items}, ensure_ascii=False), DAY)
    assert len(log.messages) == 1 and [b.line for b in log.bad_lines] == [2, 3]
    with pytest.raises(ChatError):
        parse_chat("c.csv", "a,b\n1,2\n", DAY)
    with pytest.raises(ChatError):
        parse_chat("c.json", "{bad", DAY)
    with pytest.raises(ChatError):
        parse_chat("c.txt", "nothing here\n", DAY)


@pytest.mark.django_db
def test_import_chats_command_inspects_with_the_scheme(world: Any, tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text(TEXT, encoding="utf-8")
    broken = tmp_path / "empty.txt"
    broken.write_text("\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_chats", str(chat), str(broken), "--member", "alice", "--org", "org-a",
                 "--scheme", str(SCHEME), "--json", stdout=out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["source"] == str(chat) and first["bad_lines"][0]["line"] == 3
    assert [s["role"] for s in first["segments"]][:2] == ["customer", "agent"]
    rules = {r["id"]: r["passed"] for r in first["inspection"]["rules"]}
    assert rules["closing"] and rules["needs"] and not rules["competitor_mention"]
    assert first["inspection"]["scheme"] == "service-basic" and first["inspection"]["max_score"] > 0
    assert "error" in second and second["source"] == str(broken)
    conversation = Conversation.objects.get(pk=first["conversation"])
    assert conversation.channel == "im" and conversation.member == world.member and conversation.status == "done"
    assert conversation.customer == "顾客小王" and conversation.segments.count() == 5
    assert conversation.metrics["talk_ratio"] is not None and conversation.score is not None


@pytest.mark.django_db
def test_web_import_lists_bad_lines_and_links_the_conversation(world: Any, login: Any) -> None:
    client = login(world.member)
    upload = SimpleUploadedFile("chat.txt", TEXT.encode("gb18030"))
    page = client.post("/conversations/import-chats/", {"chats": [upload], "member": world.member.pk,
                                                        "agent_nicknames": "甲店客服小美"}).content.decode()
    conversation = Conversation.objects.get(organization=world.org, channel="im")
    assert f"/conversations/{conversation.pk}/" in page and 'data-testid="bad-lines"' in page
    assert "这一行不是消息" in page
    assert [s.role for s in conversation.segments.all()][:2] == ["customer", "agent"]
    detail = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "别家便宜20块" in detail and "<audio" not in detail
    # A peer cannot import for Alice.
    other = login(world.peer).post("/conversations/import-chats/", {
        "chats": [SimpleUploadedFile("c.txt", TEXT.encode())], "member": world.member.pk})
    assert Conversation.objects.filter(channel="im").count() == 1 and other.status_code == 200


@pytest.mark.django_db
def test_api_imports_a_chat_and_reports_bad_lines(world: Any, login: Any) -> None:
    client = login(world.manager)
    response = client.post("/api/conversations/chats/import", {
        "file": SimpleUploadedFile("chat.csv", "时间,昵称,内容\n2026-11-27 10:00,店小二,在的\n坏,x,y\n"
                                   "2026-11-27 10:01,买家,发货了吗\n".encode()),
        "member_id": world.member.pk, "agent_nicknames": "店小二"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["conversation"]["channel"] == "im" and body["conversation"]["member_id"] == world.member.pk
    assert body["bad_lines"] == [{"line": 3, "text": "坏,x,y", "reason": "时间格式无法识别"}]
    detail = client.get(f"/api/conversations/{body['conversation']['id']}").json()
    assert [s["role"] for s in detail["segments"]] == ["agent", "customer"]
    assert client.post("/api/conversations/chats/import", {
        "file": SimpleUploadedFile("c.txt", b"x"), "member_id": world.other_member.pk}).status_code == 403
    # GBK from a Chinese Windows tool imports the same; bytes that are neither are refused, not garbled.
    gbk = client.post("/api/conversations/chats/import", {
        "file": SimpleUploadedFile("gbk.csv", "时间,昵称,内容\n2026-11-27 10:00,店小二,在的\n".encode("gb18030")),
        "member_id": world.member.pk, "agent_nicknames": "店小二"})
    assert gbk.status_code == 201 and gbk.json()["conversation"]["id"]
    bad = client.post("/api/conversations/chats/import", {
        "file": SimpleUploadedFile("bad.txt", "店小二：您好\n".encode() + b"\xff\xfe\x80\n"),
        "member_id": world.member.pk})
    assert bad.status_code == 422 and "第 2 行" in bad.json()["message"]


NICKS = st.text(alphabet="甲乙丙店客服小王Ab_-0", min_size=1, max_size=8).map(str.strip).filter(bool)
TEXTS = st.text(alphabet="亲您好在吗？，。发货便宜 12:ab", min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4000), NICKS, TEXTS, st.booleans()), min_size=1, max_size=15),
       st.lists(st.integers(0, 20), max_size=4), st.sampled_from([".txt", ".csv", ".json"]))
def test_any_export_round_trips_and_junk_is_reported_by_line(rows: list[Any], junk_at: list[int],
                                                            suffix: str) -> None:
    """Whatever the messages, each comes back with its time, nickname and text; inserted junk lines are
    reported with the right line numbers and nothing else is."""
    start = dt.datetime.combine(DAY, dt.time(9))
    messages, seconds = [], 0
    for gap, nick, text, full_date in rows:
        seconds += gap
        moment = start + dt.timedelta(seconds=seconds)
        messages.append((moment, nick, text, full_date))
    if suffix == ".txt":
        lines = [f"{m:%Y-%m-%d %H:%M:%S}" if full or i == 0 else f"{m:%H:%M:%S}"
                 for i, (m, _n, _t, full) in enumerate(messages)]
        lines = [f"{stamp} {nick}: {text}" for stamp, (_m, nick, text, _f) in zip(lines, messages, strict=True)]
        for position in sorted(junk_at):
            lines.insert(min(position, len(lines)), "这不是消息")
        content = "\n".join(lines)
        expected_bad = [i + 1 for i, line in enumerate(lines) if line == "这不是消息"]
    elif suffix == ".csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["时间", "昵称", "内容"])
        writer.writerows([[f"{m:%Y-%m-%d %H:%M:%S}", n, t] for m, n, t, _f in messages])
        content, expected_bad = out.getvalue(), []
    else:
        items: list[Any] = [{"time": m.isoformat(), "nickname": n, "content": t} for m, n, t, _f in messages]
        for position in sorted(junk_at):
            items.insert(min(position, len(items)), "junk")
        content = json.dumps(items, ensure_ascii=False)
        expected_bad = [i + 1 for i, item in enumerate(items) if item == "junk"]
    log = parse_chat("chat" + suffix, content, DAY)
    assert [(m.time, m.nickname, m.text) for m in log.messages] == [(m, n, t) for m, n, t, _f in messages]
    assert [b.line for b in log.bad_lines] == expected_bad
    segments = to_segments(log.messages)
    assert segments[0].start == 0 and all(a.start <= b.start for a, b in zip(segments, segments[1:], strict=False))
