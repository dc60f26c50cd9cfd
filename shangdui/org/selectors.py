"""Reads used by pages, the API and exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from shangdui.org.access import can_view_private, managed_member_ids
from shangdui.org.models import Department, Member, MemberStrength


def member_queryset(organization_id: int) -> QuerySet[Member]:
    return (
        Member.objects.filter(organization_id=organization_id)
        .select_related("department", "position", "manager", "user")
        .prefetch_related(Prefetch("strengths", queryset=MemberStrength.objects.select_related("tag")))
    )


def member_list(viewer: Member, *, query: str = "", department_id: int | None = None,
                include_inactive: bool = False) -> QuerySet[Member]:
    members = member_queryset(viewer.organization_id)
    if not include_inactive:
        members = members.filter(is_active=True)
    if query:
        members = members.filter(name__icontains=query) | members.filter(user__username__icontains=query)
    if department_id:
        members = members.filter(department_id=department_id)
    return members.order_by("department__sort_order", "name", "id")


def department_list(organization_id: int) -> QuerySet[Department]:
    return (
        Department.objects.filter(organization_id=organization_id)
        .select_related("head", "parent")
        .annotate(member_count=Count("members"))
        .order_by("sort_order", "id")
    )


@dataclass
class ChartNode:
    member: Member
    children: list[ChartNode] = field(default_factory=list)


def org_chart(organization_id: int) -> list[ChartNode]:
    """The reporting tree: roots are members without a manager (the director first)."""
    members = list(member_queryset(organization_id).filter(is_active=True))
    nodes = {m.id: ChartNode(m) for m in members}
    roots: list[ChartNode] = []
    for member in members:
        parent = nodes.get(member.manager_id) if member.manager_id else None
        (parent.children if parent else roots).append(nodes[member.id])
    role_rank = {"director": 0, "manager": 1, "finance": 2, "member": 3}

    def sort(items: list[ChartNode]) -> None:
        items.sort(key=lambda n: (role_rank.get(n.member.role, 9), n.member.name))
        for item in items:
            sort(item.children)

    sort(roots)
    return roots


def department_chart(organization_id: int) -> list[tuple[Department, list[Member]]]:
    departments = list(department_list(organization_id))
    members = list(member_queryset(organization_id).filter(is_active=True))
    by_department: dict[int | None, list[Member]] = {}
    for member in members:
        by_department.setdefault(member.department_id, []).append(member)
    result = [(d, by_department.get(d.id, [])) for d in departments]
    return result


def home_summary(viewer: Member) -> dict[str, object]:
    organization_id = viewer.organization_id
    summary: dict[str, object] = {
        "member_count": Member.objects.filter(organization_id=organization_id, is_active=True).count(),
        "department_count": Department.objects.filter(organization_id=organization_id).count(),
    }
    if viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER):
        team_ids = managed_member_ids(viewer)
        team = member_queryset(organization_id).filter(id__in=team_ids, is_active=True)
        summary["team"] = list(team.order_by("department__sort_order", "name")[:200])
        summary["team_count"] = len(team_ids)
        summary["show_team"] = True
        by_department = (
            Member.objects.filter(organization_id=organization_id, is_active=True)
            .values("department__name").annotate(n=Count("id")).order_by("department__name")
        )
        summary["chart"] = {
            "tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": ["35%", "65%"],
                        "data": [{"name": row["department__name"] or _("No department"), "value": row["n"]}
                                 for row in by_department]}],
        }
    if viewer.role in (Member.Role.DIRECTOR, Member.Role.FINANCE):
        active = Member.objects.filter(organization_id=organization_id, is_active=True)
        summary["show_payroll"] = True
        summary["payroll_base"] = active.aggregate(total=Sum("base_salary"))["total"]
        summary["payroll_missing"] = active.filter(base_salary__isnull=True).count()
    return summary


def visible_pay(viewer: Member, member: Member) -> bool:
    return can_view_private(viewer, member)
