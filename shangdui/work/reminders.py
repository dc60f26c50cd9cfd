"""Reminders (提醒): today's list in the morning, the missing 日报 in the evening.

Sent to DingTalk, WeCom and Feishu group robots (each platform's message format and request signing)
or by e-mail. :func:`reminders_due` runs on every beat tick: it creates one ReminderDelivery per
(channel, occasion, day, member) — the unique constraint makes a second tick a no-op — and returns the
new rows' ids. :func:`reminder_deliver` claims a row with compare-and-set and posts it; a failure
raises :class:`DeliveryFailed` so the Celery task retries with backoff, and the last failure stays
visible on the reminders page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote_plus

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shangdui.org.models import Member
from shangdui.work.models import DailySummary, Leave, ReminderChannel, ReminderDelivery, ScheduleItem

#: Seconds to wait for a robot's answer; a hanging webhook must not block the worker.
TIMEOUT_S = 5.0
MAX_ATTEMPTS = 3


class DeliveryFailed(Exception):
    """The platform refused or did not answer; retry later."""


# --- signing ---------------------------------------------------------------------------------------

def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk: HmacSHA256(secret, "timestamp\\nsecret"), base64, URL-encoded, as query parameters."""
    if not secret:
        return url
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu: HmacSHA256 keyed with "timestamp\\nsecret" over an empty message, base64."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# --- what is due -----------------------------------------------------------------------------------

def _audience(channel: ReminderChannel) -> list[Member]:
    members = Member.objects.filter(organization_id=channel.organization_id, is_active=True)
    if channel.department_id:
        members = members.filter(department_id=channel.department_id)
    return list(members)


def _working_today(members: list[Member], today: dt.date) -> list[Member]:
    on_leave = set(Leave.objects.filter(member__in=members, start__lte=today, end__gte=today)
                   .values_list("member_id", flat=True))
    return [m for m in members if today.weekday() in (m.working_days or []) and m.pk not in on_leave]


def reminders_due(now: dt.datetime | None = None) -> list[int]:
    """Create the deliveries that are due by ``now`` (local time) and not created yet; return their ids."""
    local = timezone.localtime(now or timezone.now())
    today, clock = local.date(), local.time()
    created: list[int] = []
    channels = ReminderChannel.objects.filter(is_active=True).filter(
        Q(morning_at__lte=clock) | Q(evening_at__lte=clock))
    for channel in channels:
        members = _working_today(_audience(channel), today)
        with_items = set(ScheduleItem.objects.filter(member__in=members, date=today)
                         .values_list("member_id", flat=True))
        due: list[tuple[str, Member]] = []
        if channel.morning_at is not None and channel.morning_at <= clock:
            due += [(ReminderDelivery.Occasion.TODAY_LIST, m) for m in members if m.pk in with_items]
        if channel.evening_at is not None and channel.evening_at <= clock:
            submitted = set(DailySummary.objects.filter(member__in=members, date=today, submitted_at__isnull=False)
                            .values_list("member_id", flat=True))
            due += [(ReminderDelivery.Occasion.SUMMARY_MISSING, m) for m in members if m.pk not in submitted]
        if not due:
            continue
        existing = set(ReminderDelivery.objects.filter(channel=channel, date=today).values_list(
            "occasion", "member_id"))
        fresh = [ReminderDelivery(organization_id=channel.organization_id, channel=channel, occasion=occasion,
                                  date=today, member=member)
                 for occasion, member in due if (occasion, member.pk) not in existing]
        # A concurrent tick may have created some of them: the constraint keeps one, ignore_conflicts the rest.
        ReminderDelivery.objects.bulk_create(fresh, ignore_conflicts=True)
        created += list(ReminderDelivery.objects.filter(
            channel=channel, date=today, status=ReminderDelivery.Status.PENDING, attempts=0,
            member_id__in=[d.member_id for d in fresh]).values_list("pk", flat=True))
    return created


# --- sending ---------------------------------------------------------------------------------------

def _message(delivery: ReminderDelivery) -> tuple[str, str]:
    """(title, text) in the organization's language."""
    member, day = delivery.member, delivery.date
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.occasion == ReminderDelivery.Occasion.TODAY_LIST:
            items = list(ScheduleItem.objects.filter(member=member, date=day).select_related("task"))
            hours = sum(i.hours for i in items)
            lines = [f"{n}. {i.label}（{i.hours:g}h）" for n, i in enumerate(items, 1)]
            title = _("Today's list")
            text = _("%(name)s, today you have %(count)s items, %(hours)s hours:") % {
                "name": member.name, "count": len(items), "hours": f"{hours:g}"}
            return title, "\n".join([text, *lines, f"{settings.SITE_URL}{reverse('work:my_day')}"])
        title = _("Daily summary")
        text = _("%(name)s, your daily summary for today is not submitted yet.") % {"name": member.name}
        return title, f"{text}\n{settings.SITE_URL}{reverse('work:summary')}"


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    try:
        response = requests.post(url, json=body, timeout=TIMEOUT_S)
    except requests.RequestException as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 400:
        raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        data: dict[str, Any] = response.json()
    except ValueError as exc:
        raise DeliveryFailed(f"not JSON: {response.text[:200]}") from exc
    return data


def _send(channel: ReminderChannel, member: Member, title: str, text: str) -> None:
    if channel.kind == ReminderChannel.Kind.DINGTALK:
        url = dingtalk_signed_url(channel.webhook_url, channel.secret, int(time.time() * 1000))
        at = {"atMobiles": [member.phone]} if member.phone else {}
        data = _post(url, {"msgtype": "markdown", "markdown": {"title": title, "text": text.replace("\n", "\n\n")},
                           "at": at})
        if data.get("errcode") != 0:
            raise DeliveryFailed(f"DingTalk {data.get('errcode')}: {data.get('errmsg', '')}")
    elif channel.kind == ReminderChannel.Kind.WECOM:
        body: dict[str, Any] = {"msgtype": "text", "text": {"content": f"{title}\n{text}"}}
        if member.phone:
            body["text"]["mentioned_mobile_list"] = [member.phone]
        data = _post(channel.webhook_url, body)
        if data.get("errcode") != 0:
            raise DeliveryFailed(f"WeCom {data.get('errcode')}: {data.get('errmsg', '')}")
    elif channel.kind == ReminderChannel.Kind.FEISHU:
        feishu: dict[str, Any] = {"msg_type": "text", "content": {"text": f"{title}\n{text}"}}
        if channel.secret:
            timestamp = int(time.time())
            feishu.update(timestamp=str(timestamp), sign=feishu_sign(channel.secret, timestamp))
        data = _post(channel.webhook_url, feishu)
        code = data.get("code", data.get("StatusCode"))
        if code not in (0, None):
            raise DeliveryFailed(f"Feishu {code}: {data.get('msg', data.get('StatusMessage', ''))}")
    else:
        if not member.email:
            raise DeliveryFailed(_("%(name)s has no e-mail address.") % {"name": member.name})
        try:
            send_mail(title, text, None, [member.email])
        except OSError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc


def reminder_deliver(delivery_id: int, *, final: bool = False) -> str:
    """Send one delivery if it can be claimed. Raises DeliveryFailed to be retried (unless ``final``)."""
    row = ReminderDelivery.objects.filter(pk=delivery_id).values("status", "attempts").first()
    if row is None or row["status"] not in (ReminderDelivery.Status.PENDING,):
        return "skipped"
    attempts = row["attempts"] + 1
    claimed = ReminderDelivery.objects.filter(
        pk=delivery_id, status=ReminderDelivery.Status.PENDING, attempts=row["attempts"]).update(
        status=ReminderDelivery.Status.SENDING, attempts=attempts)
    if claimed != 1:
        return "skipped"
    delivery = ReminderDelivery.objects.select_related("channel", "member").get(pk=delivery_id)
    title, text = _message(delivery)
    try:
        _send(delivery.channel, delivery.member, title, text)
    except DeliveryFailed as exc:
        last = final or attempts >= MAX_ATTEMPTS
        ReminderDelivery.objects.filter(pk=delivery_id).update(
            status=ReminderDelivery.Status.FAILED if last else ReminderDelivery.Status.PENDING,
            error=str(exc)[:300])
        if last:
            return "failed"
        raise
    ReminderDelivery.objects.filter(pk=delivery_id).update(
        status=ReminderDelivery.Status.SENT, sent_at=timezone.now(), error="")
    return "sent"
