"""A believable demo company: 花语优选 with five departments, ~25 members and their strengths."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from pypinyin import lazy_pinyin

from shangdui.core.models import User
from shangdui.org import services
from shangdui.org.models import Department, Member, Organization

DEMO_PASSWORD = "shangdui2026"  # noqa: S105 - printed on purpose: demo accounts on a local machine

# department kind -> (manager, [(name, position, strengths {tag: level}, base salary)])
DEMO_PEOPLE: dict[str, tuple[tuple[str, str, dict[str, int], int], list[tuple[str, str, dict[str, int], int]]]] = {
    "operations": (("王海燕", "运营主管", {"数据分析": 4, "活动策划": 4, "沟通": 3}, 15000), [
        ("李文博", "店铺运营", {"数据分析": 3, "活动策划": 2}, 8000),
        ("赵雪", "推广专员", {"数据分析": 3, "文案": 2}, 7500),
        ("孙浩然", "活动运营", {"活动策划": 3, "沟通": 3}, 7500),
        ("周静怡", "内容运营", {"文案": 4, "视频剪辑": 2}, 7000),
    ]),
    "design": (("陈思远", "设计主管", {"修图": 4, "文案": 2, "视频剪辑": 3}, 14000), [
        ("刘畅", "视觉设计师", {"修图": 4, "细心": 3}, 8500),
        ("黄佳琪", "详情页设计师", {"修图": 3, "文案": 3}, 8000),
        ("吴凯", "美工", {"修图": 2, "视频剪辑": 3}, 6500),
    ]),
    "customer_service": (("张丽", "客服主管", {"沟通": 4, "售后处理": 4, "细心": 3}, 12000), [
        ("杨晓敏", "售前客服", {"沟通": 4, "谈判": 2}, 5500),
        ("何雨欣", "售前客服", {"沟通": 3, "细心": 3}, 5500),
        ("郭磊", "售后客服", {"售后处理": 4, "沟通": 3}, 5800),
        ("马婷婷", "售后客服", {"售后处理": 3, "细心": 4}, 5800),
        ("林芳", "评价维护", {"文案": 2, "沟通": 3}, 5200),
    ]),
    "logistics": (("徐建国", "物流主管", {"细心": 4, "打包": 4, "数据分析": 2}, 11000), [
        ("朱强", "打包员", {"打包": 4, "细心": 3}, 5000),
        ("高鹏", "打包员", {"打包": 3}, 4800),
        ("罗梅", "单据专员", {"细心": 4, "数据分析": 2}, 5200),
    ]),
    "sales": (("郑伟", "销售经理", {"谈判": 4, "沟通": 4}, 13000), [
        ("谢婉清", "销售顾问", {"谈判": 4, "沟通": 4}, 6000),
        ("韩涛", "销售顾问", {"谈判": 3, "沟通": 3}, 6000),
        ("曹雪梅", "销售顾问", {"沟通": 3, "细心": 2}, 5500),
        ("冯宇", "销售助理", {"文案": 2, "细心": 3}, 5000),
    ]),
}


def username_for(name: str) -> str:
    return "".join(lazy_pinyin(name))


@transaction.atomic
def build_demo(*, slug: str = "huayu") -> tuple[Organization, list[tuple[str, str, str]]]:
    """Create the demo company. Returns it and the (role, name, login) of every account."""
    director = services.organization_create(
        name="花语优选电商", slug=slug, director_username="lindong", director_name="林东",
        password=None)
    organization = director.organization
    services.member_set_pay(actor=director, member=director, base_salary=Decimal("25000"))
    services.department_apply_template(organization=organization, actor=director)
    departments = {d.kind: d for d in Department.objects.filter(organization=organization)}
    logins = [(director.get_role_display(), director.name, director.user.username)]
    start = dt.date(2023, 3, 1)
    day = 0
    for kind, (head, people) in DEMO_PEOPLE.items():
        department = departments[kind]
        working_days = [0, 1, 2, 3, 4, 5] if kind in ("customer_service", "logistics") else [0, 1, 2, 3, 4]
        hours = Decimal("7.5") if kind == "customer_service" else Decimal("8.0")
        h_name, h_position, h_strengths, h_salary = head
        manager = services.member_create(
            actor=director, organization=organization, username=username_for(h_name), name=h_name,
            role=Member.Role.MANAGER, department=department, manager=director,
            position=services.position_get_or_create(organization=organization, name=h_position),
            join_date=start + dt.timedelta(days=day), working_days=working_days, daily_hours=hours,
            strengths=h_strengths, base_salary=Decimal(h_salary))
        services.department_update(actor=director, department=department, name=department.name,
                                   kind=department.kind, parent=None, head=manager,
                                   responsibilities=department.responsibilities)
        logins.append((manager.get_role_display(), manager.name, manager.user.username))
        for name, position, strengths, salary in people:
            day += 37
            member = services.member_create(
                actor=director, organization=organization, username=username_for(name), name=name,
                department=department, manager=manager,
                position=services.position_get_or_create(organization=organization, name=position),
                join_date=start + dt.timedelta(days=day), working_days=working_days, daily_hours=hours,
                strengths=strengths, base_salary=Decimal(salary))
            logins.append((member.get_role_display(), member.name, member.user.username))
    finance = services.member_create(
        actor=director, organization=organization, username="qianhui", name="钱慧", role=Member.Role.FINANCE,
        manager=director, position=services.position_get_or_create(organization=organization, name="财务/人事"),
        join_date=dt.date(2023, 5, 8), strengths={"细心": 4, "数据分析": 3},
        base_salary=Decimal("9000"))
    logins.append((finance.get_role_display(), finance.name, finance.user.username))
    # One hash for every demo account (same password): hashing 25 times costs ~20 s of CPU.
    User.objects.filter(member__organization=organization).update(password=make_password(DEMO_PASSWORD))
    from shangdui.shop.services import demo_shops

    demo_shops(organization=organization)
    from shangdui.work.demo import demo_plans

    demo_plans(organization=organization)
    from shangdui.conversations.services import scheme_install_default

    scheme_install_default(organization=organization)
    from shangdui.conversations.demo import demo_conversations

    demo_conversations(organization=organization)
    from shangdui.performance.demo import demo_performance

    demo_performance(organization=organization)
    return organization, logins
