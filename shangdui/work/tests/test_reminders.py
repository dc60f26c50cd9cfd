"""Reminders go to a real HTTP server on 127.0.0.1 that checks the robots' signatures."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shangdui.org.models import Member
from shangdui.work import reminders, services
from shangdui.work.models import ReminderChannel, ReminderDelivery, ScheduleItem
from shangdui.work.tasks import remind

pytestmark = pytest.mark.django_db

SECRET = "SEC0123456789abcdef"  # noqa: S105 - test robot secret
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Robot(BaseHTTPRequestHandler):
    """DingTalk (/dingtalk, checks the signature), Feishu (/feishu), failing (/broken) and hanging (/hang)."""

    messages: list[dict[str, Any]] = []
    rejected: list[str] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        url = urlsplit(self.path)
        if url.path == "/hang":
            time.sleep(1.5)  # longer than the client's timeout; answers nobody and records nothing
            return self._answer(200, {"errcode": 0})
        if url.path == "/broken":
            return self._answer(500, {"errcode": 500})
        if url.path == "/dingtalk":
            query = parse_qs(url.query)
            timestamp, sign = query["timestamp"][0], query["sign"][0]
            expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(),
                                                 hashlib.sha256).digest()).decode()
            if sign != expected or abs(time.time() * 1000 - int(timestamp)) > 3_600_000:
                Robot.rejected.append(self.path)
                return self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
        if url.path == "/feishu":
            expected = base64.b64encode(hmac.new(f"{body['timestamp']}\n{SECRET}".encode(), b"",
                                                 hashlib.sha256).digest()).decode()
            if body.get("sign") != expected:
                Robot.rejected.append(self.path)
                return self._answer(200, {"code": 19021, "msg": "sign match fail"})
            Robot.messages.append(body)
            return self._answer(200, {"code": 0, "msg": "success"})
        Robot.messages.append(body)
        self._answer(200, {"errcode": 0, "errmsg": "ok"})

    def _answer(self, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def robot() -> Iterator[str]:
    Robot.messages, Robot.rejected = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    # shutdown() waits for serve_forever's next poll: 50 ms instead of the default 0.5 s per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _day(world: Any, at: str) -> dt.datetime:
    """A Monday in Shanghai at the given time, with Alice scheduled that day."""
    day = dt.date(2026, 11, 30)
    Member.objects.filter(pk=world.member.pk).update(phone="13800000001")
    plan = services.plan_create(actor=world.manager, organization=world.org, title="首页改版", start=day,
                                end=day + dt.timedelta(days=10), members=[world.member])
    task = services.task_create(actor=world.manager, plan=plan, title="首页主图", estimate_hours=Decimal("3"))
    ScheduleItem.objects.create(organization=world.org, member=world.member, task=task, date=day,
                                hours=Decimal("3"), reason="擅长修图")
    hour, minute = (int(p) for p in at.split(":"))
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=SHANGHAI)


def _channel(world: Any, url: str, kind: str = "dingtalk", **kw: Any) -> ReminderChannel:
    return ReminderChannel.objects.create(organization=world.org, name="运营群", kind=kind, webhook_url=url,
                                          secret=SECRET, department=world.ops, morning_at=dt.time(9, 0),
                                          evening_at=dt.time(18, 0), **kw)


def _tick(now: dt.datetime) -> list[str]:
    return [reminders.reminder_deliver(pk) for pk in reminders.reminders_due(now)]


def test_dingtalk_gets_signed_today_list_once(world: Any, robot: str) -> None:
    now = _day(world, "09:05")
    _channel(world, f"{robot}/dingtalk?access_token=abc")
    assert _tick(now - dt.timedelta(minutes=10)) == []  # 08:55: nothing due yet
    assert _tick(now) == ["sent"]
    assert Robot.rejected == []
    [message] = Robot.messages
    assert message["msgtype"] == "markdown" and "首页主图" in message["markdown"]["text"]
    assert message["at"] == {"atMobiles": ["13800000001"]}
    assert _tick(now + dt.timedelta(minutes=1)) == []  # the next tick sends nothing new
    assert len(Robot.messages) == 1
    delivery = ReminderDelivery.objects.get()
    assert delivery.status == "sent" and delivery.member == world.member


def test_evening_reminder_only_to_those_without_a_summary(world: Any, robot: str) -> None:
    now = _day(world, "18:30")
    _channel(world, f"{robot}/feishu", kind="feishu")
    services.daily_summary_submit(member=world.peer, date=now.date())
    results = _tick(now)
    assert Robot.rejected == []
    texts = [m["content"]["text"] for m in Robot.messages]
    # Mia, Alice: working, no summary. Bob submitted. (today's list went to Alice too.)
    assert sum("日报" in t for t in texts) == 2 and not any("Bob" in t for t in texts)
    assert results.count("sent") == len(results) == 3


def test_a_failing_or_hanging_webhook_is_retried_then_visible(world: Any, robot: str, monkeypatch: Any) -> None:
    now = _day(world, "09:05")
    monkeypatch.setattr(reminders, "TIMEOUT_S", 0.5)
    broken = _channel(world, f"{robot}/broken")
    hanging = _channel(world, f"{robot}/hang")
    ids = reminders.reminders_due(now)
    assert len(ids) == 2
    for pk in ids:
        for _attempt in range(reminders.MAX_ATTEMPTS - 1):
            with pytest.raises(reminders.DeliveryFailed):
                reminders.reminder_deliver(pk)
        assert reminders.reminder_deliver(pk) == "failed"
    by_channel = {d.channel_id: d for d in ReminderDelivery.objects.all()}
    assert by_channel[broken.pk].status == "failed" and "HTTP 500" in by_channel[broken.pk].error
    assert by_channel[hanging.pk].status == "failed" and "Timeout" in by_channel[hanging.pk].error
    assert by_channel[broken.pk].attempts == reminders.MAX_ATTEMPTS
    assert reminders.reminder_deliver(ids[0]) == "skipped"


def test_beat_task_sends_through_celery(world: Any, robot: str, django_capture_on_commit_callbacks: Any,
                                        monkeypatch: Any) -> None:
    now = _day(world, "09:05")
    _channel(world, f"{robot}/dingtalk?access_token=abc")
    monkeypatch.setattr(timezone, "now", lambda: now)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind() == 1
    assert len(Robot.messages) == 1 and Robot.rejected == []
    with django_capture_on_commit_callbacks(execute=True):
        assert remind() == 0
    assert len(Robot.messages) == 1




def test_manager_adds_a_channel_and_sees_failures(world: Any, login: Any) -> None:
    client = login(world.manager)
    response = client.post("/work/reminders/", {"name": "运营群", "kind": "dingtalk", "webhook_url": "",
                                               "morning_at": "09:00", "evening_at": "18:00", "is_active": "on"})
    assert 'data-testid="error-webhook_url"' in response.content.decode()
    response = client.post("/work/reminders/", {
        "name": "运营群", "kind": "dingtalk", "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=x",
        "secret": SECRET, "department": world.ops.pk, "morning_at": "09:00", "evening_at": "18:00",
        "is_active": "on"})
    assert response.status_code == 302
    channel = ReminderChannel.objects.get(organization=world.org)
    ReminderDelivery.objects.create(organization=world.org, channel=channel, occasion="today_list",
                                    date=dt.date(2026, 11, 30), member=world.member, status="failed",
                                    attempts=3, error="HTTP 500: busy")
    page = client.get("/work/reminders/").content.decode()
    assert "HTTP 500: busy" in page and "运营群" in page
