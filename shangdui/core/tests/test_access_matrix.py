"""Every page and API route × every persona. A route missing here fails the suite.

Personas (see conftest.World): anonymous, member (Alice, the subject), peer (Bob, same team),
manager (Mia, Alice's manager), director, finance (Fay) and other (director of another company).
Objects in URLs belong to Alice's company; "other" must never see them (404).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from shangdui.api import api
from shangdui.core.models import ApiToken, Job
from shangdui.core.testing import PERSONAS, everyone, expect


def _alice_job(w: Any) -> Job:
    job = Job.objects.create(organization=w.org, kind="org.export_members", created_by=w.member.user,
                             status=Job.Status.DONE, progress=100)
    job.output_file.save("x.xlsx", ContentFile(b"data"))
    return job


def _alice_token(w: Any) -> ApiToken:
    return ApiToken.objects.create(user=w.member.user, name="t", prefix="sd_x", digest="d" * 64)


Url = Callable[[Any], str]
# name -> (method, url(world), data, expectations)
PAGES: dict[str, tuple[str, Url, dict[str, Any], dict[str, int]]] = {
    "home": ("get", lambda w: "/", {}, everyone(200)),
    "login": ("get", lambda w: "/accounts/login/", {}, everyone(302, anonymous=200)),
    "logout": ("post", lambda w: "/accounts/logout/", {}, everyone(302)),
    "set_language": ("post", lambda w: "/i18n/setlang/", {"language": "en"}, everyone(302)),
    "healthz": ("get", lambda w: "/healthz", {}, everyone(200, anonymous=200)),
    "org:chart": ("get", lambda w: "/org/chart/", {}, everyone(200)),
    "org:organization_rename": ("post", lambda w: "/org/organization/rename/", {"name": "新名字"},
                                expect(302, 404, 404, 404, 302, 404, 302)),
    "org:department_list": ("get", lambda w: "/org/departments/", {}, everyone(200)),
    "org:department_create": ("get", lambda w: "/org/departments/new/", {},
                              expect(302, 404, 404, 404, 200, 404, 200)),
    "org:department_template": ("post", lambda w: "/org/departments/template/", {},
                                expect(302, 404, 404, 404, 302, 404, 302)),
    "org:department_detail": ("get", lambda w: f"/org/departments/{w.ops.pk}/", {},
                              expect(302, 200, 200, 200, 200, 200, 404)),
    "org:department_edit": ("get", lambda w: f"/org/departments/{w.ops.pk}/edit/", {},
                            expect(302, 404, 404, 404, 200, 404, 404)),
    "org:department_delete": ("post", lambda w: f"/org/departments/{w.cs.pk}/delete/", {},
                              expect(302, 404, 404, 404, 302, 404, 404)),
    "org:member_list": ("get", lambda w: "/org/members/", {}, everyone(200)),
    "org:member_create": ("get", lambda w: "/org/members/new/", {}, expect(302, 404, 404, 200, 200, 200, 200)),
    "org:member_import": ("get", lambda w: "/org/members/import/", {}, expect(302, 404, 404, 200, 200, 200, 200)),
    "org:member_export": ("post", lambda w: "/org/members/export/", {}, expect(302, 404, 404, 404, 302, 302, 302)),
    "org:member_detail": ("get", lambda w: f"/org/members/{w.member.pk}/", {},
                          expect(302, 200, 200, 200, 200, 200, 404)),
    "org:member_edit": ("get", lambda w: f"/org/members/{w.member.pk}/edit/", {},
                        expect(302, 404, 404, 200, 200, 404, 404)),
    "org:member_pay": ("get", lambda w: f"/org/members/{w.member.pk}/pay/", {},
                       expect(302, 200, 404, 200, 200, 200, 404)),
    "org:member_role": ("get", lambda w: f"/org/members/{w.member.pk}/role/", {},
                        expect(302, 404, 404, 404, 200, 404, 404)),
    "org:member_password": ("get", lambda w: f"/org/members/{w.member.pk}/password/", {},
                            expect(302, 404, 404, 200, 200, 404, 404)),
    "shop:shop_list": ("get", lambda w: "/shops/", {}, everyone(200)),
    "core:settings": ("get", lambda w: "/settings/", {}, everyone(200)),
    "core:token_create": ("post", lambda w: "/settings/tokens/new/", {"name": "x"}, everyone(302)),
    "core:token_revoke": ("post", lambda w: f"/settings/tokens/{_alice_token(w).pk}/revoke/", {},
                          expect(302, 302, 404, 404, 404, 404, 404)),
    "core:audit_log": ("get", lambda w: "/settings/audit/", {}, expect(302, 404, 404, 404, 200, 200, 200)),
    "core:job_list": ("get", lambda w: "/jobs/", {}, everyone(200)),
    "core:job_detail": ("get", lambda w: f"/jobs/{_alice_job(w).pk}/", {},
                        expect(302, 200, 404, 404, 200, 404, 404)),
    "core:job_download": ("get", lambda w: f"/jobs/{_alice_job(w).pk}/download/", {},
                          expect(302, 200, 404, 404, 200, 404, 404)),
    "api:openapi-json": ("get", lambda w: "/api/openapi.json", {}, everyone(200, anonymous=200)),
    "api:openapi-view": ("get", lambda w: "/api/docs", {}, everyone(200, anonymous=200)),
}

NEW_MEMBER = {"username": "newbie", "name": "新人"}
DEPT = {"name": "新部门", "kind": "other"}

# (METHOD, openapi path) -> (url(world), json body, expectations)
API: dict[tuple[str, str], tuple[Url, dict[str, Any] | None, dict[str, int]]] = {
    ("GET", "/api/me"): (lambda w: "/api/me", None, everyone(200, anonymous=401)),
    ("GET", "/api/jobs"): (lambda w: "/api/jobs", None, everyone(200, anonymous=401)),
    ("GET", "/api/jobs/{job_id}"): (lambda w: f"/api/jobs/{_alice_job(w).pk}", None,
                                    expect(401, 200, 404, 404, 200, 404, 404)),
    ("GET", "/api/audit"): (lambda w: "/api/audit", None, expect(401, 404, 404, 404, 200, 200, 200)),
    ("GET", "/api/departments"): (lambda w: "/api/departments", None, everyone(200, anonymous=401)),
    ("POST", "/api/departments"): (lambda w: "/api/departments", DEPT, expect(401, 403, 403, 403, 201, 403, 201)),
    ("POST", "/api/departments/template"): (lambda w: "/api/departments/template", {},
                                            expect(401, 403, 403, 403, 201, 403, 201)),
    ("GET", "/api/departments/{department_id}"): (lambda w: f"/api/departments/{w.ops.pk}", None,
                                                  expect(401, 200, 200, 200, 200, 200, 404)),
    ("PUT", "/api/departments/{department_id}"): (lambda w: f"/api/departments/{w.ops.pk}",
                                                  {"name": "运营一部", "kind": "operations"},
                                                  expect(401, 403, 403, 403, 200, 403, 404)),
    ("DELETE", "/api/departments/{department_id}"): (lambda w: f"/api/departments/{w.cs.pk}", None,
                                                     expect(401, 403, 403, 403, 204, 403, 404)),
    ("GET", "/api/members"): (lambda w: "/api/members", None, everyone(200, anonymous=401)),
    ("POST", "/api/members"): (lambda w: "/api/members", NEW_MEMBER, expect(401, 403, 403, 201, 201, 201, 201)),
    ("GET", "/api/members/{member_id}"): (lambda w: f"/api/members/{w.member.pk}", None,
                                          expect(401, 200, 200, 200, 200, 200, 404)),
    ("PATCH", "/api/members/{member_id}"): (lambda w: f"/api/members/{w.member.pk}", {"phone": "13800000000"},
                                            expect(401, 404, 404, 200, 200, 404, 404)),
    ("GET", "/api/members/{member_id}/pay"): (lambda w: f"/api/members/{w.member.pk}/pay", None,
                                              expect(401, 200, 404, 200, 200, 200, 404)),
    ("PUT", "/api/members/{member_id}/pay"): (lambda w: f"/api/members/{w.member.pk}/pay", {"base_salary": "9000"},
                                              expect(401, 403, 404, 403, 200, 200, 404)),
    ("PUT", "/api/members/{member_id}/role"): (lambda w: f"/api/members/{w.member.pk}/role", {"role": "manager"},
                                               expect(401, 403, 403, 403, 200, 403, 404)),
    ("GET", "/api/org-chart"): (lambda w: "/api/org-chart", None, everyone(200, anonymous=401)),
}


def _merge_app_rows() -> None:
    """Each app keeps the rows of its own routes in <app>/tests/access_rows.py."""
    for config in apps.get_app_configs():
        if not config.name.startswith("shangdui."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access_rows")
        except ModuleNotFoundError:
            continue
        PAGES.update(module.PAGES)
        API.update(module.API)


_merge_app_rows()


def _route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or ""
                walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}{entry.name}")
            elif isinstance(entry, URLPattern):
                names.add(f"{namespace}<unnamed {entry.pattern}>")

    walk(get_resolver().url_patterns)
    return names


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, item in schema["paths"].items() for method in item}


def test_every_page_route_is_in_the_matrix() -> None:
    api_names = {n for n in _route_names() if n.startswith("api:")}
    page_names = _route_names() - api_names
    missing = page_names - set(PAGES)
    assert not missing, f"routes without access-matrix rows: {sorted(missing)}"
    # API operations are covered operation by operation below; the docs routes are pages.
    assert {"api:openapi-json", "api:openapi-view"} <= set(PAGES)


def test_every_api_operation_is_in_the_matrix() -> None:
    missing = _api_operations() - set(API)
    assert not missing, f"API operations without access-matrix rows: {sorted(missing)}"
    stale = set(API) - _api_operations()
    assert not stale, f"matrix rows for operations that no longer exist: {sorted(stale)}"


def _client_for(persona: str, world: Any, client: Any) -> Any:
    if persona != "anonymous":
        client.force_login(world.persona(persona).user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages(persona: str, world: Any, client: Any) -> None:
    failures = []
    for name, (method, url_of, data, expected) in PAGES.items():
        client.logout()
        _client_for(persona, world, client)
        url = url_of(world)
        response = getattr(client, method)(url, data)
        if response.status_code != expected[persona]:
            failures.append(f"{method.upper()} {url} ({name}): got {response.status_code}, "
                            f"expected {expected[persona]}")
    assert not failures, f"persona {persona}:\n" + "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_api(persona: str, world: Any, client: Any) -> None:
    failures = []
    for (method, _path), (url_of, body, expected) in API.items():
        client.logout()
        _client_for(persona, world, client)
        url = url_of(world)
        kwargs: dict[str, Any] = {"content_type": "application/json"}
        if body is not None and body.get("multipart"):
            # File uploads: each persona uploads a recording for themselves.
            from django.core.files.uploadedfile import SimpleUploadedFile

            kwargs = {"data": {"file": SimpleUploadedFile("visit.wav", b"RIFF0000WAVE"), "channel": "face_to_face"}}
        elif body is not None:
            kwargs["data"] = body
        response = getattr(client, method.lower())(url, **kwargs)
        if response.status_code != expected[persona]:
            failures.append(f"{method} {url}: got {response.status_code}, expected {expected[persona]} "
                            f"({response.content[:200]!r})")
    assert not failures, f"persona {persona}:\n" + "\n".join(failures)


def _body_text(response: Any) -> str:
    """The body of a plain or a streamed (file) response, as text where it is text."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


@pytest.mark.django_db
def test_peer_pay_never_leaks_through_any_page(world: Any, client: Any) -> None:
    """Bob (peer) and the other company's director never see Alice's salary anywhere."""
    salary_texts = ["8,000.50", "8000.50"]
    for persona in ("peer", "other"):
        client.logout()
        _client_for(persona, world, client)
        for name, (method, url_of, _data, _expected) in PAGES.items():
            if method != "get" or name.startswith("api:"):
                continue
            body = _body_text(client.get(url_of(world)))
            assert not any(text in body for text in salary_texts), f"{persona} sees Alice's pay on {name}"
        for (method, _path), (url_of, _body, _e) in API.items():
            if method == "GET":
                body = _body_text(client.get(url_of(world)))
                assert not any(text in body for text in salary_texts), f"{persona} sees pay via {_path}"
