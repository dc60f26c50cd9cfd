"""A shop on another platform in the browser: create it, map a GBK sample's columns once, import a
file with the mapping, and see the review page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, World
from shangdui.shop.importers.tests.builders import csv_bytes
from shangdui.shop.models import Shop
from shangdui.shop.tests.test_mapping import COLUMNS, HEADER, ROWS

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def test_map_columns_once_then_import(page: Page, live_server: Any, tmp_path: Path) -> None:
    World()
    sample = tmp_path / "微店订单.csv"
    sample.write_bytes(csv_bytes(HEADER, ROWS, encoding="gb18030"))
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("username").fill("mia")
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()

    page.goto(f"{base}/shops/")
    page.get_by_test_id("shop-create").click()
    page.locator("#id_name").fill("微店")
    page.locator("#id_platform").select_option("other")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("mapping-sample-form")).to_be_visible()

    page.locator("input[type=file]").set_input_files(str(sample))
    page.get_by_role("button", name="读取表头").click()
    expect(page.get_by_test_id("mapping-preview")).to_contain_text("玫瑰礼盒")
    # Fields a platform layout or a common name suggests are preselected; the rest are picked by hand.
    expect(page.get_by_test_id("map-order_id")).to_have_value("单据编号")
    for field, column in COLUMNS.items():
        page.get_by_test_id(f"map-{field}").select_option(column)
    page.locator("#refund-values").fill("已退款")
    if os.environ.get("SHANGDUI_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "shop-mapping.png"), full_page=True)
    page.get_by_test_id("mapping-save").click()
    expect(page.get_by_role("status")).to_contain_text("列映射已保存")

    shop = Shop.objects.get(name="微店")
    page.goto(f"{base}/shops/{shop.pk}/import/")
    expect(page.get_by_test_id("import-mapping-note")).to_contain_text("列映射")
    page.locator("input[type=file]").set_input_files(str(sample))
    page.get_by_role("button", name="上传并导入").click()
    status = page.get_by_test_id("job-status")
    expect(status).to_have_attribute("data-status", "done", timeout=30_000)
    expect(status).to_contain_text("新增 4，更新 0，未变 0")

    page.goto(f"{base}/shops/reviews/")
    expect(page.get_by_test_id("good-total")).to_have_text("0")
    if os.environ.get("SHANGDUI_SCREENSHOTS"):
        page.screenshot(path=str(ARTIFACTS / "shop-reviews.png"), full_page=True)
