"""Voice enrolment in the browser: a recording made on the page is sent and judged; an uploaded sample
becomes the member's voice profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, World
from shangdui.conversations.tests.conftest import SAMPLES, write_wav

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


def test_enrol_a_voice_in_the_browser(page: Page, live_server: Any, tmp_path: Path) -> None:
    from shangdui.conversations.models import VoiceProfile
    from shangdui.conversations.pipeline.decode import decode

    if not SAMPLES.is_dir():
        pytest.skip(f"样例目录不存在：{SAMPLES}")
    world = World()
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server.url, "alice")
    page.goto(live_server.url + "/conversations/voice/")
    expect(page.get_by_test_id("voice-status")).to_contain_text("尚未录入声纹")

    # Chromium's fake microphone plays a beep: recorded and sent, it is refused with the reason.
    page.get_by_test_id("voice-start").click()
    page.wait_for_timeout(2500)
    page.get_by_test_id("voice-stop").click()
    expect(page.get_by_test_id("voice-message")).to_contain_text("秒", timeout=60_000)
    assert not VoiceProfile.objects.filter(member=world.member).exists()

    # The agent's voice from a sample talk, uploaded: the profile is saved and shown.
    agent = decode(str(SAMPLES / "stereo" / "p01.wav")).channels[0].astype(np.float32)
    page.locator("input[name=sample]").set_input_files(str(write_wav(tmp_path / "alice.wav", agent)))
    page.get_by_role("button", name="上传录音").click()
    expect(page.get_by_test_id("voice-status")).to_contain_text("录入声纹", timeout=60_000)
    assert VoiceProfile.objects.get(member=world.member).speech_seconds >= 10
