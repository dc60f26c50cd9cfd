"""Follow-ups land in the assignee's 我的日程 (work's my-day page) and are done from there."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from shangdui.shop.followups import followups_for_day
from shangdui.shop.models import FollowUp, Order


def _follow_up(world: Any, number: str, *, due: dt.datetime, assignee: Any, kind: str = "care") -> FollowUp:
    order = Order.objects.create(organization=world.org, shop=world.shop, platform="taobao", order_id=number,
                                 order_date="2026-11-01", paid_at="2026-11-01T10:00:00+08:00", paid_amount="10.00")
    return FollowUp.objects.create(organization=world.org, order=order, kind=kind, due_at=due, assignee=assignee)


@pytest.mark.django_db
def test_my_day_shows_my_open_follow_ups_due_by_today_and_done_from_there(world: Any, login: Any,
                                                                          django_assert_max_num_queries: Any) -> None:
    now = timezone.now()
    # Order numbers with a "-": a CSRF token (letters and digits) on the page can never contain one.
    late = _follow_up(world, "FU-001", due=now - dt.timedelta(days=2), assignee=world.member)
    today_end = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(23, 30)))
    due_today = _follow_up(world, "FU-002", due=today_end, assignee=world.member, kind="review")
    _follow_up(world, "FU-003", due=now + dt.timedelta(days=2), assignee=world.member)  # not yet
    _follow_up(world, "FU-004", due=now, assignee=world.peer)  # someone else's
    _follow_up(world, "FU-005", due=now, assignee=None)  # unassigned: stays in the queue
    done = _follow_up(world, "FU-006", due=now, assignee=world.member)
    done.status = FollowUp.Status.DONE
    done.save()
    assert [f.pk for f in followups_for_day(world.member, timezone.localdate())] == [late.pk, due_today.pk]
    client = login(world.member)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("work:my_day")).content.decode()
    assert page.count('data-testid="my-followup"') == 2
    assert "FU-001" in page and "FU-002" in page and "FU-005" not in page
    response = client.post(reverse("shop:followup_done", args=[late.pk]), {"next": "my_day"})
    assert response.status_code == 302 and response["Location"] == reverse("work:my_day")
    late.refresh_from_db()
    assert late.status == FollowUp.Status.DONE
    assert "FU-001" not in client.get(reverse("work:my_day")).content.decode()
    # Nobody can mark someone else's follow-up done from their day.
    peer_item = FollowUp.objects.get(order__order_id="FU-004")
    assert client.post(reverse("shop:followup_done", args=[peer_item.pk]), {"next": "my_day"}).status_code == 404
