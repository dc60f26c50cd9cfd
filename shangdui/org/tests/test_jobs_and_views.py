"""Roster import/export jobs (run eagerly in-process here; test_worker runs them on a real worker),
the demo company, and form pages with bad input."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from shangdui.core.models import Job
from shangdui.org.models import Department, Member
from shangdui.shop.models import Shop

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(client: Any, name: str, content: bytes) -> Job:
    response = client.post("/org/members/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.latest("id")


def test_import_reports_bad_rows_and_reimport_changes_nothing(world: Any, login: Any) -> None:
    client = login(world.director)
    csv = ("登录名,姓名,部门,角色,上级,入职日期,擅长\n"
           "dave,戴维,运营部,成员,mia,2025-03-01,修图:3 沟通\n"
           "erin,艾琳,不存在的部门,成员,,,\n"
           "frank,弗兰克,客服部,皇帝,,,\n"
           "gina,吉娜,客服部,,ken,2025/04/02,\n"
           "hank,汉克,客服部,,,明天,\n").encode("gb18030")
    job = _upload(client, "roster.csv", csv)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.result["created"] == 2 and job.result["error_count"] == 3
    assert {e["row"] for e in job.result["errors"]} == {3, 4, 6}
    messages = " ".join(e["message"] for e in job.result["errors"])
    assert "找不到部门：不存在的部门" in messages and "未知角色：皇帝" in messages and "入职日期格式" in messages
    dave = Member.objects.get(user__username="dave")
    assert dave.manager == world.manager and dave.department == world.ops
    assert {s.tag.name: s.level for s in dave.strengths.all()} == {"修图": 3, "沟通": 2}
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "找不到部门" in page and "新增 2" in page

    again = _upload(client, "roster.csv", csv)
    again.refresh_from_db()
    assert again.result["created"] == 0 and again.result["unchanged"] == 2 and again.result["updated"] == 0
    assert Member.objects.filter(organization=world.org).count() == 9


def test_import_of_a_broken_file_fails_with_a_reason(world: Any, login: Any) -> None:
    client = login(world.director)
    job = _upload(client, "roster.xlsx", b"PK\x03\x04 this is not a workbook")
    job.refresh_from_db()
    assert job.status == "failed" and "XLSX" in job.error
    # A DOCTYPE hidden behind 8 KB of comments is found (every byte of every part is scanned).
    sheet = b'<?xml version="1.0"?><!-- ' + b"x" * 8000 + b' --><!DOCTYPE x [<!ENTITY e "boom">]><x/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    job = _upload(client, "roster.xlsx", buffer.getvalue())
    job.refresh_from_db()
    assert job.status == "failed" and "DOCTYPE" in job.error
    job = _upload(client, "roster.csv", "登录名,姓名\nzs,张三\n".encode() + b"\xff\xfe\x80\n")
    job.refresh_from_db()
    assert job.status == "failed" and "第 3 行" in job.error and "GBK" in job.error
    job = _upload(client, "roster.csv", "姓名,部门\n张三,运营部\n".encode())
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "缺少必需的列：登录名"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-status="failed"' in page and "缺少必需的列" in page


def test_export_is_a_downloadable_xlsx_with_formula_cells_escaped(world: Any, login: Any) -> None:
    from shangdui.org import services

    services.member_update(actor=world.director, member=world.peer, name="=HYPERLINK(\"x\")")
    client = login(world.director)
    assert client.post("/org/members/export/").status_code == 302
    job = Job.objects.latest("id")
    assert job.status == "done" and job.output_file
    response = client.get(f"/jobs/{job.pk}/download/")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("登录名", "姓名")
    names = {row[1] for row in rows[1:]}
    assert "'=HYPERLINK(\"x\")" in names and "Alice" in names and len(rows) == 8


def test_xlsx_roster_import(world: Any, login: Any) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["登录名", "姓名", "部门", "手机"])
    sheet.append(["lily", "莉莉", "客服部", 13800001111])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = _upload(login(world.director), "roster.xlsx", buffer.getvalue())
    job.refresh_from_db()
    assert job.status == "done" and job.result["created"] == 1
    assert Member.objects.get(user__username="lily").phone == "13800001111"


def test_member_form_shows_chinese_errors_and_keeps_input(world: Any, login: Any) -> None:
    client = login(world.manager)
    response = client.post("/org/members/new/", {"username": "alice", "name": "", "role": "member",
                                                 "daily_hours": "30", "strengths": "修图:9"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in body and "擅长等级应为 1 到 4" in body
    assert 'value="alice"' in body
    response = client.post("/org/members/new/", {"username": "alice", "name": "重名", "role": "member",
                                                 "daily_hours": "8", "working_days": ["0", "1"]})
    assert "该登录名已被使用" in response.content.decode()
    response = client.post("/org/members/new/", {"username": "nina", "name": "妮娜", "role": "director",
                                                 "daily_hours": "8"})
    assert "只有总监可以设置该角色" in response.content.decode()
    response = client.post("/org/members/new/", {"username": "nina", "name": "妮娜", "role": "member",
                                                 "daily_hours": "7.5", "working_days": ["0", "2", "4"],
                                                 "strengths": "谈判:4"})
    nina = Member.objects.get(user__username="nina")
    assert response.status_code == 302 and nina.manager == world.manager and nina.working_days == [0, 2, 4]


def test_demo_fills_an_empty_database_once(db: Any, capsys: Any) -> None:
    call_command("demo")
    out = capsys.readouterr().out
    assert "lindong" in out and "shangdui2026" in out
    assert Member.objects.count() == 26
    assert Department.objects.count() == 5
    assert set(Shop.objects.values_list("platform", flat=True)) == {"taobao", "jd", "pdd", "douyin"}
    assert Member.objects.filter(strengths__isnull=False).distinct().count() == 25  # all but the director
    # A shipping batch ready for its waybill sheet and labels, packed by the logistics department.
    from shangdui.shop.models import ShippingBatch

    batch = ShippingBatch.objects.get()
    assert batch.carrier == "sf" and batch.waybills.exists()
    assert not batch.waybills.filter(packer__isnull=True).exists()
    assert batch.waybills.first().packer.department.kind == "logistics"
    call_command("demo", if_empty=True)
    assert Member.objects.count() == 26
