"""Pay in the browser: finance runs October's payroll, the director approves, finance locks the month;
Alice opens her statement and finds the order behind her commission; her peer Bob gets nothing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, World
from shangdui.performance.models import PayStatement
from shangdui.performance.tests.factories import base_plans_for_everyone, commission_plan, make_order

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("home-title")).to_be_visible()


def test_payroll_run_approve_lock_and_statement_evidence(page: Page, live_server: Any) -> None:
    world = World()
    commission_plan(world, world.member)
    base_plans_for_everyone(world)
    make_order(world.shop, "TB-20261015-001", "150000.00", refund="1000.00")
    base = live_server.url

    _login(page, base, "fay")
    page.get_by_test_id("nav-pay").click()
    page.get_by_test_id("payrun-period").fill("2026-10")
    page.get_by_test_id("payrun-start").click()
    # The month is computed as a background job; the pay page shows its progress, then a link to it.
    page.get_by_test_id("payrun-job").get_by_role("link").click()
    expect(page.get_by_test_id("payrun-status")).to_have_text("草稿")
    # 100000 × 2 % + 49000 × 4 % = 3960.00 commission, on top of Alice's 8000.50 base
    expect(page.get_by_test_id("statement-row").filter(has_text="Alice")).to_contain_text("¥11,960.50")
    page.get_by_test_id("payrun-review").click()
    expect(page.get_by_test_id("payrun-status")).to_have_text("已复核")
    run_url = page.url

    _login(page, base, "dora")
    page.goto(run_url)
    page.get_by_test_id("payrun-approve").click()
    expect(page.get_by_test_id("payrun-status")).to_have_text("已批准")

    _login(page, base, "fay")
    page.goto(run_url)
    page.get_by_test_id("payrun-lock").click()
    expect(page.get_by_test_id("payrun-status")).to_have_text("已锁定")

    statement = PayStatement.objects.get(member=world.member)
    _login(page, base, "alice")
    page.goto(f"{base}/performance/pay/")
    page.get_by_role("link", name="2026年10月").click()
    expect(page.get_by_test_id("statement-total")).to_have_text("¥11,960.50")
    expect(page.get_by_test_id("evidence-orders")).to_contain_text("TB-20261015-001")

    _login(page, base, "bob")
    response = page.goto(f"{base}/performance/pay/statements/{statement.pk}/")
    assert response is not None and response.status == 404
