"""Demo plans for the demo company: two running initiatives whose tasks are in members' days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shangdui.org.models import Department, Member, Organization
from shangdui.work import services
from shangdui.work.models import DailySummary, ScheduleItem, Task

# (title, hours, due in days from today, priority, required strengths, depends on (indexes), assignee name)
Row = tuple[str, int, int, int, dict[str, int], tuple[int, ...], str | None]

HOMEPAGE: list[Row] = [
    ("竞品首页调研", 8, 5, 3, {"数据分析": 2}, (), None),
    ("首页改版方案评审", 3, 7, 4, {}, (0,), "陈思远"),
    ("首页主视觉设计", 16, 16, 4, {"修图": 3}, (1,), None),
    ("商品主图重拍修图", 12, 14, 3, {"修图": 2}, (), None),
    ("详情页模板改版", 12, 18, 3, {"修图": 2, "文案": 2}, (), None),
    ("活动专区 banner", 6, 12, 2, {"修图": 2}, (), None),
    ("首页短视频剪辑", 8, 16, 2, {"视频剪辑": 2}, (), None),
    ("首页文案撰写", 6, 10, 3, {"文案": 3}, (1,), None),
    ("移动端适配检查", 4, 20, 2, {"细心": 2}, (2,), None),
    ("首页直播入口设计", 6, 9, 2, {"直播": 2}, (), None),
]
REVIEW: list[Row] = [
    ("导出大促销售数据", 4, 3, 4, {"数据分析": 2}, (), None),
    ("流量渠道分析", 8, 8, 4, {"数据分析": 3}, (0,), None),
    ("活动玩法效果复盘", 6, 8, 3, {"活动策划": 2}, (0,), None),
    ("推广费用 ROI 核算", 6, 9, 3, {"数据分析": 3}, (0,), None),
    ("客服咨询与售后问题汇总", 5, 7, 2, {"沟通": 3}, (), None),
    ("复盘报告撰写", 8, 12, 4, {"文案": 3}, (1, 2, 3), None),
    ("复盘会议", 2, 14, 5, {}, (5,), "王海燕"),
    ("年货节活动预案", 8, 20, 2, {"活动策划": 3}, (6,), None),
    ("库存与补货建议", 4, 10, 2, {"数据分析": 2}, (0,), None),
    ("每日数据复盘", 1, 24, 3, {"数据分析": 2}, (), "李文博"),
]


def _previous_working_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _plan(organization: Organization, owner: Member, members: list[Member], title: str, description: str,
          rows: list[Row], today: dt.date) -> list[Task]:
    plan = services.plan_create(actor=owner, organization=organization, title=title, description=description,
                                start=today - dt.timedelta(days=7), end=today + dt.timedelta(days=24),
                                members=members)
    by_name = {m.name: m for m in members}
    stages = list(plan.stages.all())
    tasks: list[Task] = []
    for index, (name, hours, due, priority, required, deps, assignee) in enumerate(rows):
        tasks.append(services.task_create(
            actor=owner, plan=plan, title=name, estimate_hours=Decimal(hours),
            due=today + dt.timedelta(days=due), priority=priority, required_strengths=required,
            dependencies=[tasks[d] for d in deps], assignees=[by_name[assignee]] if assignee else [],
            stage=stages[min(len(stages) - 1, index * len(stages) // len(rows))],
            recurrence=Task.Recurrence.DAILY if name == "每日数据复盘" else "",
            checklist=["确认需求", "完成初稿", "主管确认"] if hours >= 8 else []))
    return tasks


def demo_plans(*, organization: Organization, today: dt.date | None = None) -> dict[str, Any]:
    """Create 店铺首页改版 and 双11大促复盘 with 20 tasks, some work already done, and schedule them."""
    today = today or timezone.localdate()
    departments = {d.kind: d for d in Department.objects.filter(organization=organization)}
    design = list(Member.objects.filter(organization=organization, department=departments["design"]))
    operations = list(Member.objects.filter(organization=organization, department=departments["operations"]))
    design_head = next(m for m in design if m.role == Member.Role.MANAGER)
    ops_head = next(m for m in operations if m.role == Member.Role.MANAGER)
    analyst = [m for m in operations if m.name == "赵雪"]
    homepage = _plan(organization, design_head, design + analyst, "店铺首页改版",
                     "双12前完成首页、详情页和主图的改版，提升首页点击率和转化率。", HOMEPAGE, today)
    review = _plan(organization, ops_head, operations, "双11大促复盘",
                   "复盘双11大促的流量、玩法、推广费用和客服问题，形成年货节预案。", REVIEW, today)
    # Work already done last working day: the data export and half of the competitor study.
    yesterday = _previous_working_day(today)
    by_name = {m.name: m for m in design + operations}
    done = [(review[0], "李文博", "4"), (homepage[0], "赵雪", "4")]
    for task, name, hours in done:
        ScheduleItem.objects.create(organization=organization, member=by_name[name], task=task, date=yesterday,
                                    hours=Decimal(hours), actual_hours=Decimal(hours), done=True,
                                    reason="擅长数据分析")
    Task.objects.filter(pk=review[0].pk).update(status=Task.Status.DONE, actual_hours=Decimal("4"))
    Task.objects.filter(pk=homepage[0].pk).update(status=Task.Status.DOING, actual_hours=Decimal("4"))
    DailySummary.objects.create(
        organization=organization, member=by_name["李文博"], date=yesterday, planned_hours=Decimal("4"),
        done_hours=Decimal("4"), actual_hours=Decimal("4"),
        done_items=[{"title": "导出大促销售数据", "hours": "4", "actual_hours": "4"}], carry_over=[],
        problems="生意参谋部分报表要等平台次日更新。", tomorrow_plan="开始流量渠道分析。", submitted_at=timezone.now())
    services.leave_create(actor=design_head, member=by_name["吴凯"], start=today + dt.timedelta(days=7),
                          end=today + dt.timedelta(days=8), note="年假")
    return services.schedule_replan(organization=organization, today=today, time_limit_s=2.0)
