"""Login, lockout after repeated failures, and the audit trail of both."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD
from shangdui.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _post_login(client: Any, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_login_page_is_chinese_even_for_an_english_browser(client: Any) -> None:
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录名" in body and 'lang="zh-hans"' in body


def test_good_login_is_audited(world: Any, client: Any) -> None:
    response = _post_login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    entry = AuditLog.objects.get(action="login")
    assert entry.organization == world.org and entry.actor == world.member.user and entry.ip_address == "10.0.0.7"


def test_wrong_password_shows_a_chinese_message_and_is_logged(world: Any, client: Any) -> None:
    response = _post_login(client, "alice", "nope")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert AuditLog.objects.filter(action="login_failed", organization=world.org).count() == 1


def test_lockout_after_five_failures_even_with_the_right_password(world: Any, client: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "alice", "nope")
    response = _post_login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert AuditLog.objects.filter(action="locked_out").exists()
    # Another account from the same address is not locked: the lockout is per user and address.
    assert _post_login(client, "bob", PASSWORD).status_code == 302


def test_refused_access_is_audited(world: Any, login: Any) -> None:
    client = login(world.peer)
    assert client.get(f"/org/members/{world.member.pk}/pay/").status_code == 404
    entry = AuditLog.objects.get(action="access_denied")
    assert entry.actor == world.peer.user and "member private data" in entry.target_repr


def test_csrf_is_enforced_on_forms(world: Any) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.director.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/org/departments/template/").status_code == 403


def test_security_headers(client: Any) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
