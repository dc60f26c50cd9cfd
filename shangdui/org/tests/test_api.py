"""API behaviour beyond the access matrix: tokens, CSRF, clear Chinese errors, no 500s."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from shangdui.core.services import api_token_create

pytestmark = pytest.mark.django_db


def test_bearer_token_works_without_csrf_and_bad_token_is_401(world: Any) -> None:
    _token, raw = api_token_create(user=world.manager.user, name="脚本")
    client = Client(enforce_csrf_checks=True)
    response = client.patch(f"/api/members/{world.member.pk}", data={"phone": "13912345678"},
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["id"] == world.member.pk
    bad = client.get("/api/me", HTTP_AUTHORIZATION="Bearer sd_wrong")
    assert bad.status_code == 401 and bad.json()["message"] == "未登录或令牌无效。"


def test_session_write_without_csrf_token_is_refused(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.director.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/api/departments", data={"name": "x"}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["message"]


@pytest.mark.parametrize("body", [
    "{not json",
    json.dumps({"username": "x"}),
    json.dumps({"username": "newbie", "name": "新人", "daily_hours": "lots"}),
    json.dumps({"username": "newbie", "name": "新人", "role": "emperor"}),
    json.dumps({"username": "newbie", "name": "新人", "working_days": [9]}),
    json.dumps({"username": "newbie", "name": "新人", "join_date": "昨天"}),
    json.dumps({"username": "new bie!", "name": "新人"}),
    json.dumps({"username": "alice", "name": "重名"}),
    json.dumps({"username": "newbie", "name": "新人", "department_id": "abc"}),
    json.dumps([1, 2, 3]),
])
def test_malformed_payloads_get_chinese_messages_never_500(world: Any, login: Any, body: str) -> None:
    client = login(world.director)
    response = client.post("/api/members", data=body, content_type="application/json")
    assert response.status_code in (400, 422), response.content
    message = response.json()["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_ids_of_another_company_are_404_even_when_nested(world: Any, login: Any) -> None:
    client = login(world.director)
    response = client.post("/api/members", data={"username": "newbie", "name": "新人",
                                                  "department_id": world.other_dept.pk},
                           content_type="application/json")
    assert response.status_code == 404
    assert client.get(f"/api/members/{world.other_org_member.pk}/pay").status_code == 404


def test_member_list_pagination_and_query_budget(world: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    client = login(world.director)
    with django_assert_max_num_queries(12):
        data = client.get("/api/members?page=1").json()
    assert data["count"] == 7 and {m["username"] for m in data["items"]} >= {"alice", "bob"}


def test_openapi_schema_describes_the_routes(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "商队 API"
    assert "/api/members/{member_id}/pay" in schema["paths"]
