"""Review exports: ratings from words and stars, agent crediting, re-import in place, the job, the
page and its XLSX export, and the good-review selectors that goals use."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shangdui.core.models import Job
from shangdui.shop import selectors
from shangdui.shop.importers import ImportFileError, RowError
from shangdui.shop.importers.reviews import iter_reviews, parse_rating
from shangdui.shop.importers.tests.builders import csv_bytes, xlsx_bytes
from shangdui.shop.models import FollowUp, Order, Review
from shangdui.shop.reviews import reviews_import

HEADER = ["订单编号", "宝贝名称", "评价", "评价内容", "评价时间", "客服"]


def _rows() -> list[list[str]]:
    return [
        ['="1001"', "玫瑰礼盒", "好评", "很好看", "2026-11-01 10:00:00", "Carl"],
        ["1002", "百合花束", "5", "香", "2026-11-01 23:30:00", ""],
        ["1003", "康乃馨", "中评", "一般", "2026-11-02 09:00:00", ""],
        ["1004", "雏菊", "★☆☆☆☆", "蔫了", "2026-11-03 09:00:00", "不认识的人"],
        ["1005", "雏菊", "很棒", "?", "2026-11-03 09:00:00", ""],  # unknown rating: a row error
        ["1002", "百合花束", "5", "香", "2026-11-01 23:30:00", ""],  # duplicate: a row error
    ]


def _orders(world: Any) -> None:
    for number in ("1001", "1002", "1003", "1004"):
        Order.objects.create(organization=world.org, shop=world.shop, platform="taobao", order_id=number,
                             order_date="2026-10-28", paid_at="2026-10-28T10:00:00+08:00", paid_amount="10.00")
    Order.objects.filter(order_id="1003").update(salesperson=world.peer)
    FollowUp.objects.create(organization=world.org, order=Order.objects.get(order_id="1002"), kind="review",
                            due_at="2026-10-31T10:00:00+08:00", assignee=world.member)


@pytest.mark.parametrize(("text", "rating"), [
    ("好评", "good"), ("中评", "neutral"), ("差评", "bad"), ("5", "good"), ("4星", "good"), ("3", "neutral"),
    ("2分", "bad"), ("★★★★★", "good"), ("★★★☆☆", "neutral"), ("4.5", "good"), (5.0, "good"),
])
def test_parse_rating(text: object, rating: str) -> None:
    assert parse_rating(text) == rating


@pytest.mark.parametrize("text", ["", "很棒", "6", "0星"])
def test_parse_rating_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rating(text)


def test_missing_columns_are_named() -> None:
    with pytest.raises(ImportFileError, match="评价时间"):
        list(iter_reviews(io.BytesIO(csv_bytes(["订单编号", "评价"], [["1", "好评"]]))))
    with pytest.raises(ImportFileError, match="无法识别评价文件"):
        list(iter_reviews(io.BytesIO(csv_bytes(["甲", "乙"], [["1", "2"]]))))


def test_reader_reports_bad_and_duplicate_rows() -> None:
    items = list(iter_reviews(io.BytesIO(csv_bytes(HEADER, _rows()))))
    errors = [i for i in items if isinstance(i, RowError)]
    assert [e.row for e in errors] == [6, 7]
    assert "很棒" in errors[0].message and "重复" in errors[1].message


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["gbk", "xlsx"])
def test_import_credits_agents_and_reimport_updates_in_place(world: Any, kind: str) -> None:
    _orders(world)
    # openpyxl would write ="1001" as a formula: the Taobao armour is a CSV thing.
    plain = [[row[0].strip('="'), *row[1:]] for row in _rows()]
    data = csv_bytes(HEADER, _rows()) if kind == "gbk" else xlsx_bytes(HEADER, plain)  # type: ignore[arg-type]
    result = reviews_import(organization=world.org, shop=world.shop, source=io.BytesIO(data), file_name="r")
    assert (result["reviews"], result["good"], result["neutral"], result["bad"]) == (4, 2, 1, 1)
    assert (result["created"], result["updated"], result["unchanged"], result["error_count"]) == (4, 0, 0, 2)
    by_order = {r.order_number: r for r in Review.objects.filter(shop=world.shop)}
    assert by_order["1001"].agent == world.other_member  # the export's customer-service column
    assert by_order["1002"].agent == world.member  # the review-request follow-up's assignee
    assert by_order["1003"].agent == world.peer  # the order's salesperson
    assert by_order["1004"].agent is None and by_order["1004"].agent_name == "不认识的人"
    assert by_order["1001"].order.order_id == "1001" and by_order["1002"].review_date == dt.date(2026, 11, 1)
    again = reviews_import(organization=world.org, shop=world.shop, source=io.BytesIO(data))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    rows = _rows()
    rows[2][2] = "差评"
    third = reviews_import(organization=world.org, shop=world.shop, source=io.BytesIO(csv_bytes(HEADER, rows)))
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 3)
    assert Review.objects.filter(shop=world.shop).count() == 4
    assert Review.objects.get(order_number="1003").rating == "bad"


@pytest.mark.django_db
def test_good_review_selectors(world: Any) -> None:
    _orders(world)
    reviews_import(organization=world.org, shop=world.shop, source=io.BytesIO(csv_bytes(HEADER, _rows())))
    nov1, nov3 = dt.date(2026, 11, 1), dt.date(2026, 11, 3)
    assert selectors.good_review_count(world.org, start=nov1, end=nov3) == 2
    assert selectors.good_review_count(world.org, start=nov1, end=nov3, member=world.member) == 1
    assert selectors.good_review_count(world.org, start=dt.date(2026, 11, 2), end=nov3) == 0
    assert selectors.good_review_count(world.other_org, start=nov1, end=nov3) == 0
    assert selectors.good_review_count(world.org, start=nov1, end=nov3, shops=[]) == 0
    assert selectors.good_review_counts(world.org, start=nov1, end=nov3, shops=[world.shop]) == {
        "good": 2, "neutral": 1, "bad": 1, "total": 4}


@pytest.mark.django_db
def test_import_job_page_and_export(world: Any, login: Any, django_capture_on_commit_callbacks: Any) -> None:
    _orders(world)
    world.shop.department = world.ops
    world.shop.save()
    client = login(world.manager)
    upload = SimpleUploadedFile("reviews.csv", csv_bytes(HEADER, _rows()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shop:review_import"), {"shop": world.shop.pk, "file": upload})
    assert response.status_code == 302
    job = Job.objects.get(kind="shop.import_reviews")
    assert job.status == Job.Status.DONE, job.error
    assert job.result["created"] == 4 and job.result["errors"][0]["row"] == 6
    page = client.get(reverse("shop:review_list"), {"period": "custom", "start": "2026-11-01", "end": "2026-11-30"})
    text = page.content.decode()
    assert page.status_code == 200 and "Alice" in text and "Carl" in text and "玫瑰礼盒" in text
    assert 'data-testid="good-total">2<' in text
    export = client.post(reverse("shop:review_export"), {"period": "custom", "start": "2026-11-01",
                                                         "end": "2026-11-30"})
    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    assert [c.value for c in workbook.worksheets[0][3]] == ["全部", 2, 1, 1, 4, 50.0]
    # A bad file fails the job with the reason, and nothing is imported.
    Review.objects.all().delete()
    bad = SimpleUploadedFile("x.csv", csv_bytes(["订单编号", "评价"], [["1", "好评"]]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("shop:review_import"), {"shop": world.shop.pk, "file": bad})
    failed = Job.objects.filter(kind="shop.import_reviews").latest("pk")
    assert failed.status == Job.Status.FAILED and "评价时间" in failed.error
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_review_and_mapping_api(world: Any, login: Any, django_capture_on_commit_callbacks: Any) -> None:
    from shangdui.shop.models import Shop
    from shangdui.shop.tests.test_mapping import COLUMNS
    from shangdui.shop.tests.test_mapping import HEADER as ORDER_HEADER

    _orders(world)
    world.shop.department = world.ops
    world.shop.save()
    client = login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/shops/{world.shop.pk}/reviews/imports",
                               {"file": SimpleUploadedFile("r.csv", csv_bytes(HEADER, _rows()))})
    assert response.status_code == 201, response.content
    assert client.get(f"/api/jobs/{response.json()['job_id']}").json()["result"]["good"] == 2
    summary = client.get("/api/reviews?date_from=2026-11-01&date_to=2026-11-30").json()
    assert summary["totals"] == {"good": 2, "neutral": 1, "bad": 1, "total": 4, "good_rate": 50.0}
    assert {row["name"]: row["good"] for row in summary["by_agent"]} == {"Carl": 1, "Alice": 1, "Bob": 0, None: 0}
    # Mapping: managers save it for an "other" shop; a bad one is a 422 in Chinese; a member cannot.
    shop = Shop.objects.create(organization=world.org, name="微店", platform="other", department=world.ops)
    url = f"/api/shops/{shop.pk}/mapping"
    bad = client.put(url, {"header": ORDER_HEADER, "columns": {"order_id": "单据编号"}},
                     content_type="application/json")
    assert bad.status_code == 422 and "付款时间" in bad.json()["message"]
    ok = client.put(url, {"header": ORDER_HEADER, "columns": COLUMNS, "refund_values": ["已退款"]},
                    content_type="application/json")
    assert ok.status_code == 200 and ok.json()["columns"] == COLUMNS
    assert login(world.member).get(url).json()["columns"]["salesperson"] == "业务员"
    assert login(world.member).put(url, {"header": ORDER_HEADER, "columns": COLUMNS},
                                   content_type="application/json").status_code == 404
    # Salesperson by API: managers only, audited by the service.
    order = Order.objects.get(order_id="1001")
    url = f"/api/orders/{order.pk}/salesperson"
    assert login(world.member).put(url, {"member_id": world.member.pk},
                                   content_type="application/json").status_code == 404
    response = login(world.manager).put(url, {"member_id": world.member.pk}, content_type="application/json")
    assert response.status_code == 200 and response.json()["salesperson_id"] == world.member.pk
