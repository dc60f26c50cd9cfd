"""Shop pages: visibility by department, the dashboard's figures and query budget, the XLSX export,
and an order import through the browser form and its job."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from shangdui.core.models import Job
from shangdui.shop.imports import orders_import
from shangdui.shop.models import Order, Shop
from shangdui.shop.tests.test_imports import _taobao


def _seed(world: Any) -> None:
    rows = [f'="{9000 + i}",nick{i},{100 + i}.00,{"交易关闭" if i == 0 else "交易成功"},收货人,'
            f'浙江省 杭州市 西湖区 路{i}号,13800000000,2026-11-0{1 + i % 3} 10:00:00,2026-11-0{1 + i % 3} 10:00:00,'
            f'{"=HYPERLINK(1)" if i == 1 else "玫瑰花束"},1' for i in range(6)]
    orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(_taobao(*rows)))


@pytest.mark.django_db
def test_members_see_only_their_departments_shops(world: Any, login: Any) -> None:
    cs_shop = Shop.objects.create(organization=world.org, name="客服部的店", platform="jd", department=world.cs)
    alice = login(world.member).get("/shops/").content.decode()
    assert cs_shop.name not in alice and world.shop.name not in alice  # world.shop has no department
    assert login(world.member).get(f"/shops/dashboard/?shop={cs_shop.pk}").status_code == 404
    director = login(world.director).get("/shops/").content.decode()
    assert cs_shop.name in director and world.shop.name in director
    assert login(world.manager).get(f"/shops/dashboard/?shop={cs_shop.pk}").status_code == 200  # ops manager


@pytest.mark.django_db
def test_dashboard_figures_comparison_and_query_budget(world: Any, login: Any) -> None:
    _seed(world)
    client = login(world.director)
    url = f"/shops/dashboard/?shop={world.shop.pk}&period=custom&start=2026-11-01&end=2026-11-03"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    assert len(queries) <= 12, [q["sql"][:120] for q in queries]
    body = page.content.decode()
    # 6 orders, all paid: GMV 100+…+105 = 615; order 9000 (100.00) closed = refunded.
    assert "¥615.00" in body and "¥100.00" in body and "¥515.00" in body and "玫瑰花束" in body
    assert 'data-chart="sales-day-chart"' in body and 'data-testid="counting-rules"' in body
    # More orders do not mean more queries (no N+1 over shops, days or products).
    Shop.objects.create(organization=world.org, name="乙店", platform="taobao")
    with CaptureQueriesContext(connection) as more:
        client.get("/shops/dashboard/?period=quarter")
    assert len(more) <= 12


@pytest.mark.django_db
def test_export_is_xlsx_with_escaped_cells(world: Any, login: Any) -> None:
    _seed(world)
    response = login(world.director).post("/shops/dashboard/export/", {
        "shop": world.shop.pk, "period": "custom", "start": "2026-11-01", "end": "2026-11-03"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    products = [row[0] for row in workbook.worksheets[3].iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in products and "玫瑰花束" in products
    summary = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert any(value == 615 for value in summary.values())


@pytest.mark.django_db(transaction=True)
def test_browser_import_runs_a_job_and_reimport_changes_nothing(world: Any, login: Any,
                                                                shared_dir: Path) -> None:
    client = login(world.manager)
    data = (shared_dir / "samples" / "orders" / "taobao_orders.csv").read_bytes()
    for expected in ((50, 0), (0, 50)):
        response = client.post(f"/shops/{world.shop.pk}/import/",
                                {"file": SimpleUploadedFile("taobao.csv", data), "platform": "auto"})
        assert response.status_code == 302
        job = Job.objects.latest("id")
        assert job.status == "done", job.error
        assert (job.result["created"], job.result["unchanged"]) == expected
        assert job.result["paid_gmv"] == "33641.96"
    assert Order.objects.filter(shop=world.shop).count() == 50
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "50" in page
    # A file of another platform fails the job with the reason, and imports nothing.
    jd = (shared_dir / "samples" / "orders" / "jd_orders.csv").read_bytes()
    client.post(f"/shops/{world.shop.pk}/import/", {"file": SimpleUploadedFile("jd.csv", jd), "platform": "auto"})
    job = Job.objects.latest("id")
    assert job.status == "failed" and "京东" in job.error
    assert Order.objects.filter(organization=world.org).count() == 50


@pytest.mark.django_db
def test_demo_shops_have_orders_on_the_dashboard(world: Any, login: Any) -> None:
    from shangdui.shop.services import demo_shops

    shops = demo_shops(organization=world.org)
    count = Order.objects.filter(organization=world.org).count()
    assert 2000 < count < 6000
    assert demo_shops(organization=world.org) == shops and Order.objects.count() == count  # once only
    assert set(Order.objects.values_list("platform", flat=True).distinct()) == {"taobao", "jd", "pdd", "douyin"}
    body = login(world.director).get("/shops/dashboard/?period=month").content.decode()
    assert "红玫瑰" in body or "香槟玫瑰" in body
    # Reviews of delivered orders, mostly good, counted on the review page; senders for waybills.
    from shangdui.shop.models import Review

    reviews = Review.objects.filter(organization=world.org)
    assert reviews.count() > 300 and reviews.filter(rating="good").count() > reviews.count() * 0.7
    assert reviews.filter(agent__isnull=False).exists()  # credited to the review follow-up's assignee
    assert all(shop.sender_phone for shop in shops)
    page = login(world.director).get("/shops/reviews/?period=quarter").content.decode()
    assert "好评数" in page and ("红玫瑰" in page or "香槟玫瑰" in page)


@pytest.mark.django_db
def test_order_list_hides_encrypted_receivers_and_has_a_query_budget(world: Any, login: Any) -> None:
    _seed(world)
    Order.objects.filter(order_id="9001").update(receiver_encrypted=True, receiver_name="##SECRET##")
    client = login(world.director)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/shops/orders/?shop={world.shop.pk}").content.decode()
    assert len(queries) <= 10
    assert "9005" in body and "##SECRET##" not in body and 'data-testid="encrypted-receiver"' in body
    assert "9003" in client.get("/shops/orders/?q=9003").content.decode()
