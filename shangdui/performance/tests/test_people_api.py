"""API of one-to-ones, meetings and praise/criticism: the pages' access rules, through JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shangdui.performance.models import MeetingItem, OneOnOne

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}


def _text(response: Any) -> str:
    """The JSON body as readable text (the API escapes Chinese as \\uXXXX)."""
    return json.dumps(response.json(), ensure_ascii=False)


def _scheduled(world: Any, login: Any) -> dict[str, Any]:
    response = login(world.manager).post(f"/api/members/{world.member.pk}/one-on-ones",
                                         {"scheduled_for": "2026-10-20T10:00:00+08:00"}, **JSON)
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_one_on_one_notes_keep_their_readers(world: Any, login: Any) -> None:
    from shangdui.work.models import Task

    one = _scheduled(world, login)
    recorded = login(world.manager).post(f"/api/one-on-ones/{one['id']}/record", {
        "shared_notes": "本月目标完成 80%", "private_notes": "考虑调岗到客服", "action_items": ["整理退款话术"]},
        **JSON).json()
    assert recorded["private_notes"] == "考虑调岗到客服" and recorded["held_at"] is not None
    task = Task.objects.get(pk=recorded["action_items"][0]["task_id"])
    assert list(task.assignees.all()) == [world.member]  # the action item is in Alice's 日程
    # Alice reads the shared notes, never the private ones; the list says the same.
    mine = login(world.member).get(f"/api/one-on-ones/{one['id']}").json()
    assert mine["shared_notes"] == "本月目标完成 80%" and mine["private_notes"] is None
    assert "考虑调岗" not in _text(login(world.member).get("/api/one-on-ones"))
    # Bob (peer), Fay (finance/HR) and the other company: no one-to-one at all.
    for outsider in (world.peer, world.finance, world.other_org_member):
        client = login(outsider)
        assert client.get(f"/api/one-on-ones/{one['id']}").status_code == 404
        assert "考虑调岗" not in _text(client.get("/api/one-on-ones"))
    # Alice cannot record (or rewrite) her own one-to-one.
    assert login(world.member).post(f"/api/one-on-ones/{one['id']}/record", {"shared_notes": "x"},
                                    **JSON).status_code == 403
    assert OneOnOne.objects.get(pk=one["id"]).private_notes == "考虑调岗到客服"


def test_criticism_is_private_praise_is_public(world: Any, login: Any) -> None:
    assert login(world.manager).post(f"/api/members/{world.member.pk}/feedback",
                                     {"kind": "criticism", "text": "三次未回复差评", "evidence": "TB-1001"},
                                     **JSON).status_code == 201
    assert login(world.peer).post(f"/api/members/{world.member.pk}/feedback",
                                  {"kind": "praise", "text": "帮我顶班"}, **JSON).status_code == 201
    # A peer cannot criticise, nor read criticism, through any route.
    assert login(world.peer).post(f"/api/members/{world.member.pk}/feedback",
                                  {"kind": "criticism", "text": "x"}, **JSON).status_code == 403
    peer = login(world.peer)
    assert peer.get(f"/api/members/{world.member.pk}/criticism").status_code == 404
    assert "三次未回复差评" not in _text(peer.get("/api/praise"))
    assert "帮我顶班" in _text(peer.get("/api/praise"))
    assert login(world.finance).get(f"/api/members/{world.member.pk}/criticism").status_code == 404
    mine = login(world.member).get(f"/api/members/{world.member.pk}/criticism").json()
    assert [c["text"] for c in mine] == ["三次未回复差评"] and mine[0]["evidence"] == "TB-1001"
    assert login(world.director).get(f"/api/members/{world.member.pk}/criticism").json() == mine


def test_meeting_items_owner_due_and_state_follow_their_task(world: Any, login: Any) -> None:
    from shangdui.work.models import Task

    meeting = login(world.manager).post("/api/meetings", {"title": "10月第2周例会", "held_on": "2026-10-12"},
                                        **JSON).json()
    item = login(world.member).post(f"/api/meetings/{meeting['id']}/items",
                                    {"kind": "problem", "text": "快递揽收太晚"}, **JSON).json()
    assert item["owner_id"] is None and MeetingItem.objects.get(pk=item["id"]).task_id is None
    # Mia gives it to Bob with a due date: it becomes Bob's task, due then.
    changed = login(world.manager).patch(f"/api/meeting-items/{item['id']}",
                            {"owner_id": world.peer.pk, "due": "2026-10-16"}, **JSON).json()
    assert changed["owner_id"] == world.peer.pk and changed["due"] == "2026-10-16"
    task = Task.objects.get(pk=MeetingItem.objects.get(pk=item["id"]).task_id)
    assert list(task.assignees.all()) == [world.peer] and str(task.due) == "2026-10-16"
    # Reassigned to Alice (who raised it): the same task moves to her.
    login(world.manager).patch(f"/api/meeting-items/{item['id']}", {"owner_id": world.member.pk}, **JSON)
    task.refresh_from_db()
    assert list(task.assignees.all()) == [world.member]
    # Bob is no longer the owner and did not raise it: refused. Alice closes it: the task is done.
    assert login(world.peer).patch(f"/api/meeting-items/{item['id']}", {"state": "closed"},
                                   **JSON).status_code == 403
    assert login(world.member).patch(f"/api/meeting-items/{item['id']}", {"state": "closed"},
                                     **JSON).json()["state"] == "closed"
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    response = login(world.manager).post(f"/api/meetings/{meeting['id']}/decisions",
                                         {"decisions": "改约 15:00 揽收"}, **JSON)
    assert response.status_code == 200, response.content
    decided = response.json()
    assert decided["decisions"] == "改约 15:00 揽收" and decided["items"][0]["state"] == "closed"
    assert login(world.other_org_member).get(f"/api/meetings/{meeting['id']}").status_code == 404
    assert login(world.other_org_member).patch(f"/api/meeting-items/{item['id']}", {"state": "open"},
                                               **JSON).status_code == 404
