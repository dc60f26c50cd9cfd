"""Shared test fixtures: fast hashing, eager tasks, and the personas of the access matrix."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent / "shared"

# A test that asks for none of these cannot open a database connection: pytest-django refuses it
# ("Database access not allowed"). Such a test runs the same code whatever the database is, so the
# PostgreSQL pass of scripts/run-tests leaves it out (`-m "not db_agnostic"`).
_DB_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                          "live_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("django_db") is None and not _DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db_agnostic)


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from shangdui.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = False
    yield


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        import os

        if os.environ.get("CI") == "true":
            pytest.fail("../shared is missing in CI")
        pytest.skip("../shared (samples) is not present on this machine")
    return SHARED


PASSWORD = "correct-horse-42"  # noqa: S105 - test accounts


class World:
    """Two organizations. In org A: director Dora; ops department headed by manager Mia;
    members Alice (subject of most checks) and Bob (her peer), both reporting to Mia; finance Fay;
    a customer-service department headed by manager Ken with member Carl. Org B: director Olga."""

    def __init__(self) -> None:
        from shangdui.org import services
        from shangdui.org.models import Member
        from shangdui.shop.models import Shop

        self.director = services.organization_create(
            name="甲公司", slug="org-a", director_username="dora", director_name="Dora", password=PASSWORD)
        self.org = self.director.organization
        self.ops = services.department_create(actor=self.director, organization=self.org, name="运营部",
                                              kind="operations", responsibilities="数据分析")
        self.cs = services.department_create(actor=self.director, organization=self.org, name="客服部",
                                             kind="customer_service")

        def add(username: str, name: str, role: str = Member.Role.MEMBER, **kw):  # type: ignore[no-untyped-def]
            return services.member_create(actor=self.director, organization=self.org, username=username, name=name,
                                          role=role, password=PASSWORD, **kw)

        self.manager = add("mia", "Mia", Member.Role.MANAGER, department=self.ops, manager=self.director,
                           base_salary=Decimal("15000"))
        services.department_update(actor=self.director, department=self.ops, name="运营部", kind="operations",
                                   parent=None, head=self.manager, responsibilities="数据分析")
        self.member = add("alice", "Alice", department=self.ops, manager=self.manager,
                          base_salary=Decimal("8000.50"), strengths={"修图": 3})
        self.peer = add("bob", "Bob", department=self.ops, manager=self.manager, base_salary=Decimal("7000"))
        self.finance = add("fay", "Fay", Member.Role.FINANCE, manager=self.director, base_salary=Decimal("9000"))
        self.other_manager = add("ken", "Ken", Member.Role.MANAGER, department=self.cs, manager=self.director)
        self.other_member = add("carl", "Carl", department=self.cs, manager=self.other_manager)
        self.shop = Shop.objects.create(organization=self.org, name="甲店", platform="taobao")
        self.other_director = services.organization_create(
            name="乙公司", slug="org-b", director_username="olga", director_name="Olga", password=PASSWORD)
        self.other_org = self.other_director.organization
        self.other_dept = services.department_create(actor=self.other_director, organization=self.other_org,
                                                     name="运营部", kind="operations")
        self.other_org_member = services.member_create(
            actor=self.other_director, organization=self.other_org, username="oscar", name="Oscar",
            password=PASSWORD, department=self.other_dept, base_salary=Decimal("6000"))

    def persona(self, name: str):  # type: ignore[no-untyped-def]
        return {
            "member": self.member, "peer": self.peer, "manager": self.manager, "director": self.director,
            "finance": self.finance, "other": self.other_director,
        }[name]


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return World()


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def _login(member):  # type: ignore[no-untyped-def]
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
