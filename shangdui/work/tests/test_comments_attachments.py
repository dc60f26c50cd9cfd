"""Comments and attachments on a task: add, list, download, remove; refused types; outsiders get 404."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shangdui.work import services
from shangdui.work.models import Task, TaskAttachment, TaskComment
from shangdui.work.tests.factories import make_plan, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _task(world: Any) -> Task:
    return make_task(world, make_plan(world), "首页主图", assignees=[world.member])


def _png(name: str = "主图.png", data: bytes = b"\x89PNG fake") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_comment_add_with_htmx_and_plain_post_then_list(world: Any, login: Any) -> None:
    task = _task(world)
    client = login(world.member)
    fragment = client.post(f"/work/tasks/{task.pk}/comments/", {"body": "初稿已上传，请看"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'id="task-comments"' in html and "初稿已上传，请看" in html and "<html" not in html
    response = client.post(f"/work/tasks/{task.pk}/comments/", {"body": "已改"})
    assert response.status_code == 302 and response["Location"] == f"/work/tasks/{task.pk}/#comments"
    page = login(world.manager).get(f"/work/tasks/{task.pk}/").content.decode()
    assert page.index("初稿已上传，请看") < page.index("已改")
    assert [c.author_id for c in TaskComment.objects.filter(task=task)] == [world.member.pk] * 2
    empty = client.post(f"/work/tasks/{task.pk}/comments/", {"body": "  "})
    assert empty.status_code == 400 and TaskComment.objects.count() == 2


def test_comment_delete_by_author_or_plan_editor_only(world: Any, login: Any) -> None:
    task = _task(world)
    plan = task.plan
    plan.members.add(world.peer)
    mine = services.task_comment_add(author=world.member, task=task, body="我的")
    assert login(world.peer).post(f"/work/comments/{mine.pk}/delete/").status_code == 404
    assert TaskComment.objects.filter(pk=mine.pk).exists()
    assert login(world.member).post(f"/work/comments/{mine.pk}/delete/").status_code == 302
    other = services.task_comment_add(author=world.peer, task=task, body="别人的")
    assert login(world.manager).post(f"/work/comments/{other.pk}/delete/").status_code == 302
    assert not TaskComment.objects.exists()
    with pytest.raises(ValidationError):
        services.task_comment_delete(actor=world.member,
                                     comment=services.task_comment_add(author=world.peer, task=task, body="x"))


def test_attachment_upload_list_download_delete(world: Any, login: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    task = _task(world)
    client = login(world.member)
    response = client.post(f"/work/tasks/{task.pk}/attachments/", {"file": _png(data=b"\x89PNG 123")})
    assert response.status_code == 302
    attachment = TaskAttachment.objects.get(task=task)
    assert attachment.original_name == "主图.png" and attachment.size == 8
    assert attachment.file.name.startswith("work/attachments/")
    page = login(world.manager).get(f"/work/tasks/{task.pk}/").content.decode()
    assert "主图.png" in page and f"/work/attachments/{attachment.pk}/" in page and "/media/" not in page
    download = login(world.manager).get(f"/work/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG 123"
    assert "attachment" in download["Content-Disposition"]
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/work/attachments/{attachment.pk}/delete/").status_code == 302
    assert not TaskAttachment.objects.exists()
    assert not os.path.exists(path)


def test_refused_file_type_and_size(world: Any, login: Any) -> None:
    task = _task(world)
    client = login(world.member)
    response = client.post(f"/work/tasks/{task.pk}/attachments/",
                           {"file": SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")})
    assert response.status_code == 400
    assert "不支持这种文件类型" in response.content.decode()
    assert not TaskAttachment.objects.exists()
    big = _png("大图.png")
    big.size = services.ATTACHMENT_MAX_BYTES + 1
    with pytest.raises(ValidationError):
        services.task_attachment_add(actor=world.member, task=task, upload=big)
    assert not TaskAttachment.objects.exists()


def test_outsider_gets_404_for_task_comments_and_attachments(world: Any, login: Any) -> None:
    task = _task(world)
    attachment = services.task_attachment_add(actor=world.member, task=task, upload=_png())
    comment = services.task_comment_add(author=world.member, task=task, body="内部")
    for persona in (world.peer, world.persona("other")):
        client = login(persona)
        assert client.get(f"/work/tasks/{task.pk}/").status_code == 404
        assert client.get(f"/work/attachments/{attachment.pk}/").status_code == 404
        assert client.post(f"/work/attachments/{attachment.pk}/delete/").status_code == 404
        assert client.post(f"/work/tasks/{task.pk}/comments/", {"body": "x"}).status_code == 404
        assert client.post(f"/work/comments/{comment.pk}/delete/").status_code == 404
        assert client.post(f"/work/tasks/{task.pk}/attachments/", {"file": _png()}).status_code == 404
    assert TaskAttachment.objects.count() == 1 and TaskComment.objects.count() == 1


def test_api_comments_and_attachments(world: Any, login: Any) -> None:
    task = _task(world)
    services.task_attachment_add(actor=world.manager, task=task, upload=_png())
    client = login(world.member)
    created = client.post(f"/api/tasks/{task.pk}/comments", {"body": "好的"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["author_id"] == world.member.pk
    listed = client.get(f"/api/tasks/{task.pk}/comments").json()
    assert [c["body"] for c in listed] == ["好的"]
    files = client.get(f"/api/tasks/{task.pk}/attachments").json()
    assert files[0]["name"] == "主图.png" and files[0]["download_url"] == f"/work/attachments/{files[0]['id']}/"
    assert login(world.peer).get(f"/api/tasks/{task.pk}/attachments").status_code == 404
