from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shangdui.core.models import AuditLog
from shangdui.org import services
from shangdui.org.access import can_view_private, managed_member_ids
from shangdui.org.models import Department, Member

pytestmark = pytest.mark.django_db


def test_manager_chain_cannot_loop(world: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.member_update(actor=world.director, member=world.manager, manager=world.member)
    assert "manager" in info.value.message_dict


def test_department_and_manager_from_another_company_are_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.member_update(actor=world.director, member=world.member, department=world.other_dept)
    with pytest.raises(ValidationError):
        services.member_update(actor=world.director, member=world.member, manager=world.other_director)


def test_the_last_director_cannot_be_demoted(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.member_set_role(actor=world.director, member=world.director, role=Member.Role.MEMBER)
    services.member_set_role(actor=world.director, member=world.member, role=Member.Role.DIRECTOR)
    services.member_set_role(actor=world.member, member=world.director, role=Member.Role.MEMBER)
    assert AuditLog.objects.filter(action="role_change").count() == 2


def test_pay_changes_are_cent_exact_and_audited(world: Any) -> None:
    services.member_set_pay(actor=world.finance, member=world.member, base_salary=Decimal("8123.456"))
    world.member.refresh_from_db()
    assert world.member.base_salary == Decimal("8123.46")
    entry = AuditLog.objects.filter(action="pay_change", target_id=str(world.member.pk)).latest("id")
    assert entry.changes["base_salary"] == ["8000.50", "8123.46"] and entry.actor == world.finance.user
    with pytest.raises(ValidationError):
        services.member_set_pay(actor=world.finance, member=world.member, base_salary=Decimal("-1"))


def test_department_template_is_idempotent(world: Any) -> None:
    created = services.department_apply_template(organization=world.org, actor=world.director)
    # 运营部 and 客服部 exist already (same names): kept as they are, not duplicated.
    assert [d.kind for d in created] == ["design", "logistics", "sales"]
    assert all(d.responsibility_list for d in created)
    assert services.department_apply_template(organization=world.org, actor=world.director) == []
    assert Department.objects.filter(organization=world.org).count() == 5


def test_manager_scope_goes_down_the_chain_and_through_headed_departments(world: Any) -> None:
    intern = services.member_create(actor=world.director, organization=world.org, username="ivy", name="Ivy",
                                    manager=world.member)
    scope = managed_member_ids(world.manager)
    assert {world.member.id, world.peer.id, intern.id} <= scope
    assert world.other_member.id not in scope and world.director.id not in scope
    assert can_view_private(world.manager, intern)
    assert not can_view_private(world.other_manager, world.member)
    assert not can_view_private(world.peer, world.member)


def test_strengths_are_replaced_and_levels_checked(world: Any) -> None:
    services.member_set_strengths(actor=world.manager, member=world.member, strengths={"沟通": 2, "文案": 4})
    assert {s.tag.name: s.level for s in world.member.strengths.all()} == {"沟通": 2, "文案": 4}
    with pytest.raises(ValidationError):
        services.member_set_strengths(actor=world.manager, member=world.member, strengths={"沟通": 9})


def test_username_rules(world: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.member_create(actor=world.director, organization=world.org, username="ALICE", name="x")
    assert "username" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.member_create(actor=world.director, organization=world.org, username="a b", name="x")


def test_inspector_flag_is_set_by_the_director_and_audited(world: Any, login: Any) -> None:
    client = login(world.director)
    response = client.post(f"/org/members/{world.finance.pk}/role/", {"role": "finance", "is_inspector": "on"})
    assert response.status_code == 302
    world.finance.refresh_from_db()
    assert world.finance.is_inspector
    assert AuditLog.objects.filter(action="role_change", changes__is_inspector=[False, True]).exists()
