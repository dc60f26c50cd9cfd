"""Demo data for goals, reviews, one-to-ones, meetings, praise and pay (called by ``org.demo.build_demo``).

Last month: agreed goals, a finished review cycle and a locked pay run whose commission lines trace
to the demo shops' orders. This month: agreed goals with live progress, one-to-ones (one member
overdue, one never had one), a meeting with open problems, praise on the wall.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from shangdui.org.models import Department, Member, Organization, Position
from shangdui.performance import goals, people, reviews, services
from shangdui.performance.models import Goal
from shangdui.shop.models import Shop

COMMISSION_TIERS = [{"start": "0", "end": "100000", "rate": "1"}, {"start": "100000", "end": "200000", "rate": "1.5"},
                    {"start": "200000", "end": None, "rate": "2"}]
COMPLETION_TIERS = [{"start": "0", "end": "80", "rate": "0.5"}, {"start": "80", "end": "100", "rate": "1"},
                    {"start": "100", "end": "300", "rate": "2"}]
BONUS_POSITIONS = {"设计主管": "3000", "视觉设计师": "2000", "详情页设计师": "2000", "美工": "1500"}


def _month_end(start: dt.date) -> dt.date:
    return (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _agree(goal: Goal, confirmer: Member) -> Goal:
    goals.goal_comment(actor=confirmer, goal=goal, text="同意，按这个目标推进。")
    return goals.goal_confirm(actor=confirmer, goal=goal)


def _carrier_bill(organization: Organization, start: dt.date) -> None:
    """A carrier bill (物流账单) for this month's shipped demo orders, as a carrier would send it:
    imported through the shop app's bill import, so logistics-cost goals have data."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shangdui.shop.costs import carrier_bill_import
    from shangdui.shop.models import Order

    rows = ["运单号,计费重量,运费"]
    shipped = Order.objects.filter(organization=organization, shipped_at__date__gte=start).exclude(
        tracking_no="").order_by("id").values_list("id", "tracking_no")[:400]
    for order_id, tracking in shipped:
        weight = Decimal("0.8") + Decimal(order_id % 7) / 4
        fee = Decimal("4.50") + (weight - 1).max(Decimal(0)) * 2 + Decimal(order_id % 3) / 2
        rows.append(f"{tracking},{weight:.2f},{fee:.2f}")
    if len(rows) > 1:
        carrier_bill_import(organization=organization, carrier="yto",
                            source=SimpleUploadedFile("demo-bill.csv", "\n".join(rows).encode()))


def _attribute_orders(organization: Organization, members: dict[str, Member], since: dt.date) -> None:
    """The sales manager attributes every eighth paid order since ``since`` to a sales consultant,
    through the shop app's own service (as on the order page), so own-order commission has orders."""
    from shangdui.shop.attribution import order_salesperson_set
    from shangdui.shop.models import Order

    manager = members.get("郑伟")
    consultants = [members[n] for n in ("谢婉清", "韩涛", "曹雪梅") if n in members]
    if manager is None or not consultants:
        return
    paid = Order.objects.filter(organization=organization, paid_at__isnull=False, order_date__gte=since).order_by("id")
    for index, order in enumerate(paid[::8][:120]):
        order_salesperson_set(actor=manager, order=order, salesperson=consultants[index % len(consultants)])


def _data_goals(organization: Organization, director: Member, members: dict[str, Member], start: dt.date,
                shops: list[Shop]) -> None:
    """This month's goals on measures computed from the other apps' data."""
    end = _month_end(start)
    departments = {d.kind: d for d in Department.objects.filter(organization=organization)}
    cs, logistics = departments.get("customer_service"), departments.get("logistics")
    cs_head, packer_head = members.get("张丽"), members.get("徐建国")
    if cs is not None and cs_head is not None:
        team = goals.goal_propose(actor=director, organization=organization, department=cs,
                                  title=f"{start.month}月客服好评数", measure="good_reviews", target=Decimal("120"),
                                  period_start=start, period_end=end,
                                  benchmark="同类目头部店铺月好评约 150 条（店铺评价页 · 近 30 天）")
        _agree(team, cs_head)
        for name, measure, target, label in (("杨晓敏", "inspection_score", "85", "会话质检得分"),
                                             ("林芳", "good_reviews", "40", "好评数")):
            if name in members:
                _agree(goals.goal_propose(actor=cs_head, organization=organization, member=members[name],
                                          title=f"{start.month}月{label}", measure=measure, target=Decimal(target),
                                          period_start=start, period_end=end,
                                          parent=team if measure == "good_reviews" else None),
                       members[name])
    if logistics is not None and packer_head is not None:
        _carrier_bill(organization, start)
        _agree(goals.goal_propose(actor=director, organization=organization, department=logistics,
                                  title=f"{start.month}月单均物流成本不超过 ¥6", measure="logistics_cost",
                                  target=Decimal("6"), period_start=start, period_end=end), packer_head)
    tmall = [s for s in shops if s.platform == "taobao"]
    ops_head = members.get("王海燕")
    if tmall and ops_head is not None and "李文博" in members:
        _agree(goals.goal_propose(actor=ops_head, organization=organization, member=members["李文博"],
                                  title=f"{start.month}月淘宝/天猫平台净销售额", measure="net_sales",
                                  target=Decimal("150000"), period_start=start, period_end=end,
                                  platforms=["taobao"]), members["李文博"])


def demo_performance(*, organization: Organization) -> None:
    director = Member.objects.get(organization=organization, role=Member.Role.DIRECTOR)
    finance = Member.objects.filter(organization=organization, role=Member.Role.FINANCE).first() or director
    members = {m.name: m for m in Member.objects.filter(organization=organization).select_related(
        "position", "department", "manager")}
    ops = Department.objects.get(organization=organization, kind="operations")
    design = Department.objects.get(organization=organization, kind="design")
    shops = list(Shop.objects.filter(organization=organization).order_by("id"))
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    last_end = _month_end(last_month)

    _attribute_orders(organization, members, last_month)
    # Pay plans: commission for operations and sales (own orders), bonus for design, base for the rest.
    positions = {p.name: p for p in Position.objects.filter(organization=organization)}
    for name, position in positions.items():
        if name == "店铺运营":
            services.payplan_create(actor=finance, organization=organization, name="店铺运营：底薪 + 净销售额提成",
                                    kind="commission", position=position, scope="department",
                                    tiers=COMMISSION_TIERS)
        elif name == "运营主管":
            services.payplan_create(actor=finance, organization=organization, name="运营主管：按完成率提成",
                                    kind="commission", position=position, scope="department", basis="completion",
                                    tiers=COMPLETION_TIERS, monthly_target=Decimal("300000"))
        elif name == "销售顾问":
            # Commission on the orders attributed to the consultant (Order.salesperson), not a shop.
            services.payplan_create(actor=finance, organization=organization, name="销售顾问：底薪 + 本人订单提成",
                                    kind="commission", position=position, scope="own_orders",
                                    tiers=[{"start": "0", "end": "50000", "rate": "3"},
                                           {"start": "50000", "end": None, "rate": "5"}])
        elif name in BONUS_POSITIONS:
            services.payplan_create(actor=finance, organization=organization, name=f"{name}：底薪 + 绩效奖金",
                                    kind="bonus", position=position, bonus_pool=Decimal(BONUS_POSITIONS[name]))
        else:
            services.payplan_create(actor=finance, organization=organization, name=f"{name}：底薪", kind="base",
                                    position=position)
    services.payplan_create(actor=finance, organization=organization, name="总监：底薪", kind="base",
                            member=director)

    # Goals, both months: the operations head's net-sales goal, a design goal, a cascaded member goal.
    ops_head, designer = members["王海燕"], members["刘畅"]
    design_head, operator = members["陈思远"], members["李文博"]
    for start in (last_month, this_month):
        end = _month_end(start)
        team = goals.goal_propose(actor=director, organization=organization, department=ops,
                                  title=f"{start.month}月运营部净销售额", measure="net_sales", target=Decimal("300000"),
                                  period_start=start, period_end=end, shop_ids=[s.id for s in shops],
                                  benchmark="参考竞品：花点时间旗舰店月销约 40 万，野兽派 35 万（生意参谋 · 行业排行）")
        goals.goal_confirm(actor=ops_head, goal=team)
        for actor, confirmer, member, title, measure, target, shop_ids in (
            (ops_head, operator, operator, f"{start.month}月天猫店净销售额", "net_sales", "120000", [shops[0].id]),
            (ops_head, ops_head, ops_head, f"{start.month}月运营部净销售额", "net_sales", "300000",
             [s.id for s in shops]),
            (design_head, designer, designer, f"{start.month}月主图改版上线", "manual", "20", []),
        ):
            proposer = director if member == ops_head else actor
            goal = goals.goal_propose(actor=proposer, organization=organization, member=member, title=title,
                                      measure=measure, target=Decimal(target), period_start=start, period_end=end,
                                      shop_ids=shop_ids, parent=team if member != designer else None)
            goals.goal_comment(actor=confirmer, goal=goal, text="同意，按这个目标推进。")
            goals.goal_confirm(actor=confirmer, goal=goal)
            if measure == "manual":
                goals.goal_record_progress(actor=designer, goal=goal,
                                           value=Decimal("18") if start == last_month else Decimal("9"))
    _data_goals(organization, director, members, this_month, shops)
    proposed = goals.goal_propose(actor=members["赵雪"], organization=organization, member=members["赵雪"],
                                  title=f"{this_month.month}月直通车 ROI 提升到 3", measure="manual",
                                  target=Decimal("3"), period_start=this_month, period_end=_month_end(this_month))
    goals.goal_comment(actor=ops_head, goal=proposed, text="ROI 3 偏高，大促期间先定 2.5？")

    # Last month's review cycle: finished for design (bonus) and two operators.
    cycle = reviews.reviewcycle_create(
        actor=director, organization=organization, name=f"{last_month.year}年{last_month.month}月考核",
        period_start=last_month, period_end=last_end, deadline=last_end + dt.timedelta(days=5),
        members=[m for m in Member.objects.filter(organization=organization, department__in=[ops, design],
                                                  role=Member.Role.MEMBER).order_by("id")])
    outcomes = {"刘畅": ("1.20", "500", "0"), "黄佳琪": ("1.00", "0", "0"), "吴凯": ("0.80", "0", "200"),
                "李文博": ("1.10", "300", "0")}
    for review in cycle.reviews.select_related("member__manager"):
        if review.member.name not in outcomes:
            continue
        coefficient, reward, penalty = outcomes[review.member.name]
        manager = review.member.manager or director
        reviews.review_submit_self(actor=review.member, review=review, text="按目标完成了主要工作，详见目标结果。",
                                   score=Decimal("85"))
        reviews.review_submit_manager(actor=manager, review=review, text="完成度较好，细节还可提升。",
                                      score=Decimal("86"), bonus_coefficient=Decimal(coefficient),
                                      reward=Decimal(reward), penalty=Decimal(penalty))
        reviews.review_confirm(actor=review.member, review=review)
        reviews.review_confirm(actor=manager, review=review,
                               conversation="双方确认：本月重点是主图点击率；下月继续跟进。")

    # Last month's pay run: computed, reviewed, approved, locked; a correction paid this month.
    run = services.payrun_run(actor=finance, organization=organization, period=last_month)
    services.payrun_advance(actor=finance, pay_run=run, to="reviewed")
    services.payrun_advance(actor=director, pay_run=run, to="approved")
    services.payrun_advance(actor=finance, pay_run=run, to="locked")
    services.payadjustment_create(actor=finance, member=members["朱强"], period=this_month, amount=Decimal("150"),
                                  reason=f"补发{last_month.month}月加班费", corrects=run)

    # One-to-ones: held recently for most of operations, 20 days ago for one, never for another.
    now = timezone.now()
    for name, days_ago in (("李文博", 3), ("赵雪", 6), ("孙浩然", 20), ("刘畅", 9)):
        member = members[name]
        talk = people.oneonone_schedule(actor=member.manager or director, member=member,
                                        scheduled_for=now - dt.timedelta(days=days_ago))
        people.oneonone_record(actor=member.manager or director, one_on_one=talk,
                               shared_notes="回顾本月目标进度；下周重点：大促备货与主图测试。",
                               private_notes="状态稳定，可以多给数据分析类任务。" if days_ago < 10 else "",
                               action_items=["整理竞品价格表", "周五前提交主图 A/B 方案"],
                               held_at=now - dt.timedelta(days=days_ago))
    people.oneonone_schedule(actor=ops_head, member=members["周静怡"], scheduled_for=now + dt.timedelta(days=2))

    # A meeting with open problems and suggestions, praise on the wall, a private criticism.
    meeting = people.meeting_create(actor=ops_head, organization=organization, title="运营部周会",
                                    held_on=today - dt.timedelta(days=2), department=ops,
                                    decisions="大促期间主图改版优先；每天 18:00 前提交日报。")
    people.meetingitem_add(actor=operator, meeting=meeting, kind="problem", text="主图审核周期太长，影响上新节奏",
                           owner=design_head, due=today + dt.timedelta(days=5))
    people.meetingitem_add(actor=members["赵雪"], meeting=meeting, kind="suggestion",
                           text="直通车预算按小时分配，晚高峰加价", owner=ops_head, due=today + dt.timedelta(days=7))
    closed = people.meetingitem_add(actor=members["孙浩然"], meeting=meeting, kind="problem",
                                    text="赠品库存不足", owner=members["徐建国"], due=today - dt.timedelta(days=1))
    people.meetingitem_set_state(actor=ops_head, item=closed, state="closed")
    people.feedback_give(actor=ops_head, member=operator, kind="praise",
                         text="双11 预热期间天猫店转化率提升 20%，复盘写得很清楚。", evidence="天猫店 11 月数据")
    people.feedback_give(actor=design_head, member=designer, kind="praise", text="连夜改完大促主图，质量很高。")
    people.feedback_give(actor=members["杨晓敏"], member=members["郭磊"], kind="praise",
                         text="帮我处理了一个很难的售后，客户给了好评。")
    people.feedback_give(actor=design_head, member=members["吴凯"], kind="criticism",
                         text="上周两张主图尺寸错误导致返工，下次提交前请对照规范检查。",
                         evidence="任务：商品主图重拍修图")
    assert Goal.objects.filter(organization=organization, state=Goal.State.AGREED).exists()  # noqa: S101
