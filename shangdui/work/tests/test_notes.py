"""Notes: Chinese search with jieba tokens, safe Markdown, private day notes."""

from __future__ import annotations

from typing import Any

import pytest

from shangdui.work import notes, services
from shangdui.work.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_chinese_search_finds_words_inside_sentences(world: Any, login: Any) -> None:
    plan = make_plan(world)
    hit = services.note_save(author=world.manager, plan=plan, title="双11复盘",
                             body="直通车推广的点击率下降了，需要优化主图。")
    services.note_save(author=world.manager, plan=plan, title="客服话术", body="售后退款流程")
    client = login(world.member)
    page = client.get("/work/notes/", {"q": "点击率 主图"}).content.decode()
    assert "双11复盘" in page and "客服话术" not in page
    assert [n.pk for n in notes.search(notes.visible_notes(world.member), "推广")] == [hit.pk]
    assert not notes.search(notes.visible_notes(world.member), "直播").exists()


def test_markdown_is_rendered_and_scripts_are_dropped(world: Any, login: Any) -> None:
    note = services.note_save(author=world.member, title="今日心得",
                              body="**要点**\n\n<script>alert(1)</script>\n\n- 一\n- 二")
    page = login(world.member).get(f"/work/notes/{note.pk}/").content.decode()
    assert "<strong>要点</strong>" in page and "<li>一</li>" in page and "<script>alert" not in page


def test_day_notes_are_private_to_the_author_and_managers(world: Any, login: Any, client: Any) -> None:
    note = services.note_save(author=world.member, title="私人笔记", body="心得")
    assert login(world.peer).get(f"/work/notes/{note.pk}/").status_code == 404
    client.logout()
    assert login(world.manager).get(f"/work/notes/{note.pk}/").status_code == 200
    client.logout()
    response = login(world.member).post("/work/notes/new/", {"title": "新品上架注意事项", "body": "主图要白底"})
    assert response.status_code == 302
