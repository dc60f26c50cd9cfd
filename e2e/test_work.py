"""Plan → act → review in the browser: a manager plans and runs the scheduler, a member works through
我的日程 and submits the pre-filled 日报, the manager sees the submission."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, World
from shangdui.org.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

TASKS = [("首页主图", "2"), ("详情页文案", "1.5")]


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("home-title")).to_be_visible()


def test_manager_plans_member_works_and_reports(page: Page, live_server: Any) -> None:
    world = World()
    # Every day is a working day, so "today" has items whatever day the test runs.
    Member.objects.filter(pk=world.member.pk).update(working_days=[0, 1, 2, 3, 4, 5, 6])
    base = live_server.url

    _login(page, base, "mia")
    page.goto(f"{base}/work/plans/")
    page.get_by_test_id("plan-new").click()
    page.locator("#id_title").fill("店铺首页改版")
    page.get_by_label("Alice").check()
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("plan-title")).to_have_text("店铺首页改版")
    for title, hours in TASKS:
        page.get_by_test_id("task-new").click()
        page.locator("#id_title").fill(title)
        page.locator("#id_estimate_hours").fill(hours)
        page.get_by_label("Alice").check()
        page.get_by_test_id("form-submit").click()
        expect(page.get_by_test_id("board")).to_contain_text(title)
    page.get_by_test_id("run-scheduler").click()
    expect(page.get_by_test_id("run")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("run-result")).to_contain_text("2")
    expect(page.get_by_test_id("all-placed")).to_be_visible()

    _login(page, base, "alice")
    page.goto(f"{base}/work/")
    today = page.get_by_test_id("today-items")
    for title, _hours in TASKS:
        item = today.get_by_test_id("day-item").filter(has_text=title)
        expect(item).to_have_attribute("data-done", "0")
        item.get_by_test_id("tick").click()
        expect(today.get_by_test_id("day-item").filter(has_text=title)).to_have_attribute("data-done", "1")
    page.get_by_test_id("open-summary").click()
    done = page.get_by_test_id("summary-done-items")
    for title, _hours in TASKS:
        expect(done).to_contain_text(title)
    expect(page.get_by_test_id("summary-done")).to_contain_text("3.5")
    page.locator("#id_problems").fill("主图素材晚到半天")
    page.locator("#id_tomorrow_plan").fill("开始首页主视觉")
    page.get_by_test_id("summary-submit").click()
    expect(page.get_by_test_id("summary-submitted")).to_be_visible()

    _login(page, base, "mia")
    page.goto(f"{base}/work/summaries/")
    row = page.get_by_test_id(f"summary-row-{world.member.pk}")
    expect(row).to_contain_text("已提交")
    expect(row).to_contain_text("主图素材晚到半天")
    expect(page.get_by_test_id(f"summary-row-{world.peer.pk}")).to_contain_text("未提交")
