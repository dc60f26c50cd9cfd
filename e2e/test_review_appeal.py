"""Review and appeal in the browser: the inspector jumps the player to a line and overturns a rule hit;
the member appeals a failed hit; the manager upholds it; the score follows every decision. And the
coaching library on a phone: a clip the manager shares plays and is marked listened."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

LINES = [
    (0.5, 3.0, "agent", "您好，我是小美，很高兴为您服务"),
    (3.0, 5.5, "customer", "这件羽绒服有黑色的吗"),
    (6.0, 9.0, "agent", "有的，我给您拿一件试试"),
    (9.5, 11.5, "customer", "好的谢谢"),
]


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_test_id("username").fill(username)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _until(page: Page, expression: str, timeout_s: float = 15) -> None:
    """Poll a JavaScript condition (the page's CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def _flagged_conversation(world: World, tmp_path: Path) -> Any:
    from django.core.files import File
    from django.utils import timezone

    from shangdui.conversations import services
    from shangdui.conversations.models import Conversation, RuleHit, Segment
    from shangdui.conversations.tests.conftest import write_wav

    rate = 16000
    t = np.arange(12 * rate) / rate
    wav = write_wav(tmp_path / "call.wav", (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate)
    scheme = services.scheme_install_default(organization=world.org)
    conversation = Conversation.objects.create(
        organization=world.org,
        member=world.member,
        scheme=scheme,
        status=Conversation.Status.DONE,
        consent=True,
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        duration=12.0,
    )
    with open(wav, "rb") as handle:
        conversation.audio.save("call.wav", File(handle))
    for index, (start, end, role, text) in enumerate(LINES):
        Segment.objects.create(conversation=conversation, index=index, start=start, end=end, role=role, text=text)
    RuleHit.objects.create(
        conversation=conversation,
        rule_id="self_intro",
        name="开场自我介绍",
        points=10,
        passed=True,
        evidence=[{"segment": 0, "text": LINES[0][3]}],
    )
    RuleHit.objects.create(conversation=conversation, rule_id="needs", name="需求探询", points=15, passed=False)
    RuleHit.objects.create(conversation=conversation, rule_id="closing", name="结束语", points=5, passed=False)
    return services.conversation_rescore(conversation=conversation)


def test_inspector_overturns_member_appeals_manager_decides_and_the_score_follows(
    page: Page, live_server: Any, tmp_path: Path
) -> None:
    from shangdui.conversations.models import Appeal, RuleHit
    from shangdui.org import services as org_services
    from shangdui.org.models import Member

    world = World()
    inspector = org_services.member_create(
        actor=world.director,
        organization=world.org,
        username="ivy",
        name="Ivy",
        password=PASSWORD,
        manager=world.director,
    )
    Member.objects.filter(pk=inspector.pk).update(is_inspector=True)
    conversation = _flagged_conversation(world, tmp_path)
    base = live_server.url
    detail = f"{base}/conversations/{conversation.pk}/"

    # The inspector finds the flagged conversation in the queue.
    _login(page, base, "ivy")
    page.goto(f"{base}/conversations/queue/")
    page.get_by_test_id("queue-unreviewed").locator(f'a[href="/conversations/{conversation.pk}/"]').click()
    page.wait_for_url(detail)
    expect(page.get_by_test_id("conversation-score")).to_have_text("10")
    # Clicking a transcript line jumps the player there.
    page.get_by_test_id("transcript").locator("li", has_text="我给您拿一件试试").click()
    _until(page, "document.querySelector('[data-player]').currentTime >= 5.9")
    assert 5.9 <= page.evaluate("document.querySelector('[data-player]').currentTime") < 9.0
    page.evaluate("document.querySelector('[data-player]').pause()")
    # Overturn the failed closing rule with a comment: the score follows.
    row = page.get_by_test_id("rule-table").locator("tr", has_text="结束语")
    row.locator('input[name="comment"]').fill("最后一句“好的谢谢”前已道别")
    row.locator('button[value="overturned"]').click()
    expect(page.get_by_test_id("conversation-score")).to_have_text("15")
    closing = RuleHit.objects.get(conversation=conversation, rule_id="closing")
    assert closing.decision == "overturned" and closing.decided_by_id == inspector.pk
    assert closing.comment == "最后一句“好的谢谢”前已道别"

    # The member appeals the failed needs rule (a passed or overturned one offers no appeal).
    _login(page, base, "alice")
    page.goto(detail)
    rules = page.get_by_test_id("rule-table")
    expect(rules.locator("tr", has_text="结束语").locator("details.appeal-form")).to_have_count(0)
    needs = rules.locator("tr", has_text="需求探询")
    needs.locator("details.appeal-form summary").click()
    needs.locator('textarea[name="reason"]').fill("我问了“有黑色的吗”之后又问了尺码")
    needs.locator('details.appeal-form button[type="submit"]').click()
    expect(page.get_by_test_id("appeal")).to_contain_text("我问了“有黑色的吗”之后又问了尺码")
    expect(page.get_by_test_id("conversation-score")).to_have_text("15")

    # The manager sees the open appeal in the queue and upholds it: the score follows.
    _login(page, base, "mia")
    page.goto(f"{base}/conversations/queue/")
    expect(page.get_by_test_id("queue-appeals")).to_contain_text("我问了“有黑色的吗”")
    page.get_by_test_id("queue-appeals").locator(f'a[href="/conversations/{conversation.pk}/"]').click()
    page.wait_for_url(detail)
    appeal_box = page.get_by_test_id("appeal")
    appeal_box.locator('input[name="comment"]').fill("第 2 句确实在问需求")
    appeal_box.locator('button[value="upheld"]').click()
    expect(page.get_by_test_id("conversation-score")).to_have_text("30")
    expect(page.get_by_test_id("appeal")).to_contain_text("第 2 句确实在问需求")
    appeal = Appeal.objects.get(rule_hit__conversation=conversation)
    assert appeal.status == "upheld" and appeal.decided_by_id == world.manager.pk
    conversation.refresh_from_db()
    assert conversation.score == 30


def test_coaching_library_on_a_phone(page: Page, live_server: Any, tmp_path: Path) -> None:
    from shangdui.coaching.models import Clip, ClipListen

    world = World()
    conversation = _flagged_conversation(world, tmp_path)
    base = live_server.url
    # The manager shares the first two lines from the transcript.
    _login(page, base, "mia")
    page.goto(f"{base}/conversations/{conversation.pk}/")
    page.get_by_test_id("clip-form").locator("summary").click()
    page.get_by_test_id("clip-from").select_option("0")
    page.get_by_test_id("clip-to").select_option("1")
    page.get_by_test_id("clip-title").fill("开场先报名字")
    page.get_by_test_id("clip-note-input").fill("先介绍自己，再把话交给客户")
    page.get_by_test_id("clip-submit").click()
    expect(page.locator("[data-clip-audio]")).to_have_count(1, timeout=30_000)
    clip = Clip.objects.get()
    assert clip.status == "ready" and abs(clip.duration - 5.0) < 0.01

    # A second clip in the same playlist, so that the phone plays them one after the other.
    from shangdui.coaching.services import clip_create

    second = clip_create(
        actor=world.manager,
        conversation=conversation,
        from_line=2,
        to_line=3,
        playlist=clip.playlist,
        title="顺势推荐试穿",
    )
    second.refresh_from_db()
    assert second.status == "ready"

    # A peer, on a phone, opens the opening playlist: no sideways scrolling, the clips play in order.
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, base, "bob")
    page.goto(f"{base}/coaching/?scenario=opening")
    clips = page.get_by_test_id("clip")
    expect(clips).to_have_count(2)
    expect(clips.first).to_contain_text("开场先报名字")
    expect(clips.first).not_to_contain_text("我给您拿一件试试")  # a line outside the clip
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = page.locator("[data-clip-audio]").first.bounding_box()
    assert box is not None and box["width"] <= 390
    page.get_by_test_id("play-all").click()
    _until(page, "document.querySelectorAll('[data-clip-audio]')[0].currentTime > 0.3")
    # When the first ends it is marked listened and the second starts by itself.
    _until(page, "document.querySelectorAll('[data-clip-audio]')[1].currentTime > 0.3", timeout_s=30)
    expect(clips.first.get_by_test_id("listened")).to_be_visible()
    assert ClipListen.objects.filter(clip=clip, member=world.peer).exists()
    clips.nth(1).get_by_test_id("mark-listened").click()
    expect(clips.nth(1).get_by_test_id("listened")).to_be_visible()
    assert ClipListen.objects.filter(member=world.peer).count() == 2
    assert not ClipListen.objects.filter(member=world.member).exists()  # listened is per member
