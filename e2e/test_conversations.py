"""Recording a face-to-face talk in the phone's browser, and uploading recordings."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


def test_record_a_talk_on_a_phone_and_it_is_uploaded(page: Page, live_server: Any) -> None:
    from shangdui.conversations.models import Conversation

    world = World()
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server.url, "alice")
    page.goto(live_server.url + "/conversations/record/")
    page.get_by_test_id("record-start").click()
    expect(page.get_by_test_id("record-status")).to_have_text("正在录音…")
    page.wait_for_timeout(2500)  # record a little of Chromium's fake microphone
    page.get_by_test_id("record-stop").click()
    page.wait_for_url("**/conversations/", timeout=120_000)
    conversation = Conversation.objects.get(member=world.member)
    assert conversation.channel == "face_to_face" and conversation.original_name.endswith((".webm", ".ogg"))
    # A beep is not speech: the analysis says so instead of failing silently.
    assert conversation.status in ("no_speech", "done", "failed")
    expect(page.get_by_test_id("conversation-table")).to_contain_text(conversation.get_status_display())
