"""The home page is role-aware: what each persona sees first."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_member_sees_no_team_and_no_payroll(world: Any, login: Any) -> None:
    body = login(world.member).get("/").content.decode()
    assert "Alice，你好" in body
    assert 'data-testid="team-count"' not in body and 'data-testid="payroll-card"' not in body


def test_manager_sees_their_team(world: Any, login: Any) -> None:
    body = login(world.manager).get("/").content.decode()
    assert 'data-testid="team-count">2<' in body and "Alice" in body and "Bob" in body
    assert "Carl" not in body and 'data-testid="payroll-card"' not in body


def test_finance_and_director_see_the_payroll_total(world: Any, login: Any) -> None:
    for persona in (world.finance, world.director):
        body = login(persona).get("/").content.decode()
        # 15000 + 8000.50 + 7000 + 9000 (Ken, Carl and Dora have no salary set)
        assert "¥39,000.50" in body
        assert "3 名成员未设置工资" in body


def test_home_query_budget(world: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    client = login(world.director)
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200
