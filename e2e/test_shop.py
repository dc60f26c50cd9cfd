"""Shop data in the browser: upload a platform export, watch the job, see the figures on the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, SHARED, World

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = SHARED / "samples" / "orders" / "taobao_orders.csv"


def test_import_sample_then_dashboard(page: Page, live_server: Any) -> None:
    if not Path(SAMPLE).exists():
        pytest.skip("../shared/samples/orders is not present")
    world = World()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("username").fill("mia")
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()

    page.goto(f"{base}/shops/")
    page.get_by_test_id("import-orders").first.click()
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="上传并导入").click()
    status = page.get_by_test_id("job-status")
    expect(status).to_have_attribute("data-status", "done", timeout=30_000)
    expect(status).to_contain_text("新增 50，更新 0，未变 0")
    # The file's own figures, by the counting rules, right on the job page.
    expect(page.get_by_test_id("job-figures")).to_contain_text("¥33,641.96")
    expect(page.get_by_test_id("job-figures")).to_contain_text("¥29,355.89")

    # The same file again changes nothing.
    page.goto(f"{base}/shops/{world.shop.pk}/import/")
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_test_id("job-status")).to_contain_text("新增 0，更新 0，未变 50", timeout=30_000)

    page.goto(f"{base}/shops/dashboard/?shop={world.shop.pk}&period=custom&start=2026-09-01&end=2026-11-30")
    expect(page.get_by_test_id("figure-paid_gmv")).to_contain_text("¥33,641.96")
    expect(page.get_by_test_id("figure-refunds")).to_contain_text("¥4,286.07")
    expect(page.get_by_test_id("figure-net_sales")).to_contain_text("¥29,355.89")
    expect(page.get_by_test_id("sales-chart").locator("canvas, svg").first).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("counting-rules")).to_contain_text("统计口径")
