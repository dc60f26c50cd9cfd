"""A new user's first minutes: log in, see the org chart, open a member, switch language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(password)
    page.get_by_test_id("login-submit").click()


def test_login_org_chart_member_and_language(page: Page, live_server: Any) -> None:
    world = World()
    base = live_server.url
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_test_id("login-submit")).to_have_text("登录")

    _login(page, base, "mia")
    expect(page.get_by_test_id("home-title")).to_contain_text("Mia，你好")
    expect(page.get_by_test_id("team-count")).to_have_text("2")

    page.get_by_test_id("nav-org-chart").click(force=True) if page.get_by_test_id(
        "nav-org-chart").is_visible() else page.goto(base + "/org/chart/")
    expect(page.get_by_test_id("org-chart-title")).to_have_text("组织架构")
    tree = page.get_by_test_id("org-tree")
    expect(tree).to_contain_text("Dora")
    expect(tree).to_contain_text("Alice")

    tree.get_by_role("link", name="Alice").click()
    expect(page.get_by_test_id("member-name")).to_contain_text("Alice")
    expect(page.get_by_test_id("strengths")).to_contain_text("修图")
    expect(page.get_by_test_id("base-salary")).to_have_text("¥8,000.50")

    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("member-name")).to_contain_text("Alice")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("pay-card")).to_contain_text("Base salary")
    page.get_by_test_id("lang-zh-hans").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("pay-card")).to_contain_text("基本工资")
    assert world.member.name == "Alice"


def test_peer_sees_no_pay_and_wrong_password_is_refused(page: Page, live_server: Any) -> None:
    world = World()
    base = live_server.url
    _login(page, base, "bob", "wrong-password")
    expect(page.get_by_test_id("login-error")).to_be_visible()
    _login(page, base, "bob")
    page.goto(f"{base}/org/members/{world.member.pk}/")
    expect(page.get_by_test_id("member-name")).to_contain_text("Alice")
    expect(page.get_by_test_id("pay-card")).to_have_count(0)
    response = page.goto(f"{base}/org/members/{world.member.pk}/pay/")
    assert response is not None and response.status == 404


def test_phone_screen_member_list(page: Page, live_server: Any) -> None:
    World()
    page.set_viewport_size({"width": 375, "height": 740})
    _login(page, live_server.url, "dora")
    page.goto(live_server.url + "/org/members/")
    expect(page.get_by_test_id("member-table")).to_contain_text("Alice")
    # Nothing wider than the phone: the page does not scroll sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
