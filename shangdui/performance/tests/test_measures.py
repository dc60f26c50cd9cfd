"""Goal measures computed from the other apps' data: inspection score, logistics cost per order
(lower is better), good reviews, net sales narrowed to platforms and products; "behind" for rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shangdui.performance import goals
from shangdui.performance.models import Goal
from shangdui.performance.tests.factories import PERIOD, make_order

pytestmark = pytest.mark.django_db
END = dt.date(2026, 10, 31)
TODAY = dt.date(2026, 11, 5)  # after the period: the whole month counts


def _goal(world: Any, measure: str, target: str, *, member: Any = None, department: Any = None,
          **fields: Any) -> Goal:
    fields = {"period_start": PERIOD, "period_end": END} | fields
    return goals.goal_propose(actor=world.manager, organization=world.org,
                              member=member if member is not None or department is not None else world.member,
                              department=department, title=measure, measure=measure, target=Decimal(target),
                              **fields)


def _conversation(world: Any, member: Any, score: int, max_score: int, day: int, status: str = "done") -> None:
    from shangdui.conversations.models import Conversation

    Conversation.objects.create(
        organization=world.org, member=member, status=status, score=score, max_score=max_score,
        occurred_at=timezone.make_aware(dt.datetime.combine(dt.date(2026, 10, 1) + dt.timedelta(days=day - 1),
                                                            dt.time(10))))


def test_inspection_score_is_percent_of_the_maximum_over_the_period(world: Any) -> None:
    _conversation(world, world.member, 8, 10, 3)
    _conversation(world, world.member, 14, 20, 20)
    _conversation(world, world.member, 0, 10, 21, status="failed")  # not analysed: does not count
    _conversation(world, world.peer, 1, 10, 5)  # someone else
    _conversation(world, world.member, 1, 10, 31 + 1)  # 1 November: the next month
    progress = goals.goal_progress(_goal(world, "inspection_score", "80"), TODAY)
    assert progress.value == Decimal("73.33")  # (8 + 14) / (10 + 20)
    assert progress.ratio == Decimal("91.67")  # 73.33… of a target of 80
    assert progress.evidence == {"conversations": 2, "score": 22, "max_score": 30}
    # A team goal averages over the team's members: Alice and Bob are in 运营部 (Mia too, no talks).
    team = goals.goal_progress(_goal(world, "inspection_score", "80", department=world.ops), TODAY)
    assert team.value == Decimal("57.50") and team.evidence["conversations"] == 3  # 23 / 40


def _shipped(world: Any, shop: Any, order_id: str, fee: str, day: int, tracking: str) -> Any:
    from shangdui.shop.models import CarrierCharge

    order = make_order(shop, order_id, "100.00", day=dt.date(2026, 10, day))
    order.shipped_at = timezone.make_aware(dt.datetime.combine(dt.date(2026, 10, day), dt.time(18)))
    order.tracking_no = tracking
    order.save()
    CarrierCharge.objects.create(organization=world.org, carrier="sf", tracking_no=tracking, order=order,
                                 weight_kg=Decimal("1.2"), fee=Decimal(fee))
    return order


def test_logistics_cost_per_order_lower_is_better(world: Any) -> None:
    from shangdui.shop.models import Shop

    other = Shop.objects.create(organization=world.org, name="乙店", platform="jd")
    _shipped(world, world.shop, "L1", "10.00", 2, "SF1")
    _shipped(world, world.shop, "L2", "14.00", 9, "SF2")
    _shipped(world, other, "L3", "100.00", 9, "SF3")
    goal = _goal(world, "logistics_cost", "8", shop_ids=[world.shop.id])
    progress = goals.goal_progress(goal, TODAY)
    assert progress.value == Decimal("12.00") and progress.lower_is_better
    assert progress.ratio == Decimal("66.67")  # 8 / 12: worse than the target → below 100 %
    assert progress.evidence["orders"] == 2 and progress.evidence["cost"] == "24.00"
    cheaper = _goal(world, "logistics_cost", "24", shop_ids=[world.shop.id])
    assert goals.goal_progress(cheaper, TODAY).ratio == Decimal("200.00")  # half the allowed cost
    # Every shop when none is chosen: (10 + 14 + 100) / 3.
    assert goals.goal_progress(_goal(world, "logistics_cost", "8"), TODAY).value == Decimal("41.33")
    # No shipped order in the period: nothing reached yet, not "infinitely good".
    empty = goals.goal_progress(_goal(world, "logistics_cost", "8", shop_ids=[other.id],
                                      period_start=dt.date(2026, 9, 1), period_end=dt.date(2026, 9, 30)), TODAY)
    assert empty.ratio == Decimal("0.00") and empty.evidence["orders"] == 0


def test_a_rate_is_behind_when_it_misses_its_target_a_total_when_it_lags_time(world: Any) -> None:
    _shipped(world, world.shop, "B1", "12.00", 2, "SFB1")
    cost = _goal(world, "logistics_cost", "10", shop_ids=[world.shop.id])
    summaries = _goal(world, "daily_summaries", "20")
    for goal in (cost, summaries):
        goal.state = Goal.State.AGREED
        goal.save()
    early = dt.date(2026, 10, 2)  # 2 of 31 days passed
    assert goals.is_behind(cost, goals.goal_progress(cost, early), early)  # 12 > 10 from day one
    # No summary yet on day 2 is behind (0 % < 6.5 %); the cost goal met stays not behind.
    assert goals.is_behind(summaries, goals.goal_progress(summaries, early), early)
    cheap = _goal(world, "logistics_cost", "15", shop_ids=[world.shop.id])
    cheap.state = Goal.State.AGREED
    assert not goals.is_behind(cheap, goals.goal_progress(cheap, early), early)


def test_good_reviews_of_the_member_and_of_the_team_shops(world: Any) -> None:
    from shangdui.shop.models import Review, Shop

    world.shop.department = world.ops
    world.shop.save()
    other = Shop.objects.create(organization=world.org, name="丙店", platform="pdd")
    for index, (shop, rating, agent, day) in enumerate([
            (world.shop, "good", world.member, 3), (world.shop, "good", world.peer, 4),
            (world.shop, "bad", world.member, 5), (other, "good", world.member, 6),
            (world.shop, "good", world.member, 1 + 31)]):  # the last one is in November
        Review.objects.create(organization=world.org, shop=shop, review_id=f"R{index}", rating=rating, agent=agent,
                              review_date=dt.date(2026, 10, 1) + dt.timedelta(days=day - 1))
    mine = goals.goal_progress(_goal(world, "good_reviews", "4"), TODAY)
    assert mine.value == Decimal("2.00") and mine.ratio == Decimal("50.00")  # hers, every shop, October
    assert mine.evidence["all_reviews"] == 3 and mine.evidence["bad"] == 1
    team = goals.goal_progress(_goal(world, "good_reviews", "4", department=world.ops), TODAY)
    assert team.value == Decimal("2.00") and team.evidence["shop_ids"] == [world.shop.id]  # the team's shop


def test_net_sales_narrowed_to_platforms_and_products(world: Any) -> None:
    from shangdui.shop.models import OrderLine, Shop

    jd = Shop.objects.create(organization=world.org, name="京东店", platform="jd")
    make_order(world.shop, "N1", "1000.00", refund="100.00")
    order = make_order(jd, "N2", "500.00")
    OrderLine.objects.create(order=order, position=0, product_id="P-1", amount=Decimal("300.00"),
                             refund_amount=Decimal("30.00"))
    OrderLine.objects.create(order=order, position=1, product_id="P-2", sku="SKU-2", amount=Decimal("200.00"))
    team = world.ops
    by_platform = goals.goal_progress(_goal(world, "net_sales", "1000", department=team, platforms=["jd"]), TODAY)
    assert by_platform.value == Decimal("500.00") and by_platform.evidence["shop_ids"] == [jd.id]
    taobao = goals.goal_progress(_goal(world, "net_sales", "1000", department=team, platforms=["taobao"]), TODAY)
    assert taobao.value == Decimal("900.00")
    products = goals.goal_progress(_goal(world, "net_sales", "1000", department=team, product_ids=["P-1", "SKU-2"]),
                                   TODAY)
    assert products.value == Decimal("470.00")  # 300 − 30 + 200, whatever shop sold them
    assert products.evidence["orders"] == 1


def test_bad_platform_or_products_on_a_measure_they_do_not_narrow_are_refused(world: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _goal(world, "net_sales", "100", platforms=["amazon"])
    assert "平台" in str(exc.value) or "platform" in str(exc.value)
    with pytest.raises(ValidationError):
        _goal(world, "daily_summaries", "20", product_ids=["P-1"])


def test_goal_page_shows_live_progress_and_evidence(world: Any, login: Any) -> None:
    from shangdui.conversations.models import Conversation

    today = timezone.localdate()
    goal = _goal(world, "inspection_score", "80", period_start=today.replace(day=1),
                 period_end=today.replace(day=1) + dt.timedelta(days=40))
    client = login(world.manager)
    assert 'data-testid="goal-progress">0' in client.get(f"/performance/goals/{goal.pk}/").content.decode()
    Conversation.objects.create(organization=world.org, member=world.member, status="done", score=9, max_score=10,
                                occurred_at=timezone.now())
    body = client.get(f"/performance/goals/{goal.pk}/").content.decode()
    assert 'data-testid="goal-progress">90' in body and 'data-testid="goal-evidence"' in body
    assert 'id="goal-progress-block" hx-get' in body  # the open page refreshes its progress every minute
    api = login(world.member).get(f"/api/goals/{goal.pk}").json()
    assert api["progress"] == "90.00" and api["evidence"] == {"conversations": 1, "score": 9, "max_score": 10}


def test_api_team_goal_records_the_competitor_figures(world: Any, login: Any) -> None:
    response = login(world.director).post("/api/goals", {
        "title": "Q4 运营部净销售额", "department_id": world.ops.pk, "period_start": "2026-10-01",
        "period_end": "2026-12-31", "measure": "net_sales", "target": "3000000", "platforms": ["taobao"],
        "benchmark": "竞品 A 店 10 月 95 万；B 店 80 万"}, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["department_id"] == world.ops.pk and data["member_id"] is None
    assert data["benchmark"].startswith("竞品 A 店") and data["platforms"] == ["taobao"]
    assert login(world.other_org_member).post("/api/goals", {
        "title": "x", "department_id": world.ops.pk, "period_start": "2026-10-01", "period_end": "2026-10-31",
        "target": "1"}, content_type="application/json").status_code == 404


def test_manager_home_lists_five_kinds_of_risk_and_a_card_per_member(world: Any, login: Any,
                                                                     django_assert_max_num_queries: Any) -> None:
    """Falling scores, missed 日报, behind target, overdue one-to-ones, open problems; a card each."""
    from shangdui.conversations.models import Conversation
    from shangdui.org.models import Member
    from shangdui.performance import people
    from shangdui.work.models import DailySummary

    today = timezone.localdate()
    Member.objects.filter(organization=world.org).update(
        created_at=timezone.now() - dt.timedelta(days=90), working_days=[0, 1, 2, 3, 4, 5, 6])

    def talk(member: Any, days_ago: int, score: int) -> None:
        Conversation.objects.create(organization=world.org, member=member, status="done", score=score, max_score=100,
                                    occurred_at=timezone.now() - dt.timedelta(days=days_ago))

    talk(world.member, 20, 90)
    talk(world.member, 3, 70)  # Alice: 90 % → 70 %, falling
    talk(world.peer, 20, 80)
    talk(world.peer, 2, 82)  # Bob: rising
    for days_ago in range(1, 8):  # Bob writes every day; Alice skipped yesterday and the day before
        DailySummary.objects.create(organization=world.org, member=world.peer, date=today - dt.timedelta(days=days_ago),
                                    submitted_at=timezone.now())
        if days_ago > 2:
            DailySummary.objects.create(organization=world.org, member=world.member,
                                        date=today - dt.timedelta(days=days_ago), submitted_at=timezone.now())
    goal = _goal(world, "daily_summaries", "28", period_start=today - dt.timedelta(days=20),
                 period_end=today + dt.timedelta(days=7))
    goal.state = Goal.State.AGREED
    goal.save()
    meeting = people.meeting_create(actor=world.manager, organization=world.org, title="周会", held_on=today)
    people.meetingitem_add(actor=world.manager, meeting=meeting, kind="problem", text="仓库缺货", owner=world.member)
    client = login(world.manager)
    with django_assert_max_num_queries(40):
        body = client.get("/performance/").content.decode()
    for kind in ("behind", "falling", "missed", "overdue", "problems"):
        assert f'data-testid="risk-{kind}"' in body
    falling = body.split('data-testid="risk-falling"')[1].split("</div>")[0]
    assert "Alice · 90% → 70%" in falling and "Bob" not in falling
    missed = body.split('data-testid="risk-missed"')[1].split("</div>")[0]
    assert "Alice" in missed and "Bob" not in missed
    behind = body.split('data-testid="risk-behind"')[1].split("</div>")[0]
    assert goal.title in behind  # 5 summaries of 28 with 21 of 28 days passed
    assert "仓库缺货" in body.split('data-testid="risk-problems"')[1].split("</div>")[0]
    cards = body.split('data-testid="member-card"')[1:]
    alice = next(c for c in cards if "Alice" in c)
    bob = next(c for c in cards if "Bob" in c)
    assert "70% ↓-20" in alice and "82% ↑2" in bob
    assert 'data-testid="card-streak">0' in alice and 'data-testid="card-streak">7' in bob
    assert 'data-testid="card-open">1<' in alice and 'data-testid="card-open">0<' in bob
    # A member without reports sees no manager home; a card per managed member only.
    assert 'data-testid="manager-home"' not in login(world.member).get("/performance/").content.decode()
    assert "Carl" not in "".join(cards)  # another manager's team


def test_core_home_links_managers_to_their_team_page(world: Any, login: Any) -> None:
    assert 'data-testid="home-team-performance"' in login(world.manager).get("/").content.decode()
    assert 'data-testid="home-team-performance"' not in login(world.member).get("/").content.decode()
