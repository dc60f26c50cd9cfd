"""Plans, tasks, schedules (日程), leave and daily summaries (日报).

Every row belongs to an Organization; queries are scoped by it (see ``work.access``). The scheduler
(``work.scheduling``) is pure; ``work.services.schedule_replan`` turns these rows into its values and
writes its placements back as ScheduleItem rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shangdui.org.models import Member, Organization


class Plan(models.Model):
    """An initiative (计划) such as 双11大促 or 店铺首页改版."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        DONE = "done", _("Done")
        ARCHIVED = "archived", _("Archived")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="owned_plans", verbose_name=_("owner"))
    members = models.ManyToManyField(Member, related_name="plans", blank=True, verbose_name=_("members"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    is_template = models.BooleanField(
        _("template"), default=False,
        help_text=_("Templates are copied for recurring initiatives and never scheduled."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="plan_end_after_start")]

    def __str__(self) -> str:
        return self.title


class Stage(models.Model):
    """A column of a plan's board (e.g. 筹备 / 执行 / 收尾)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="stage_unique_name")]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Recurrence(models.TextChoices):
        NONE = "", _("Does not repeat")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    OPEN = (Status.TODO, Status.DOING)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tasks")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks",
                              verbose_name=_("stage"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    assignees = models.ManyToManyField(Member, related_name="assigned_tasks", blank=True,
                                       verbose_name=_("assignees"))
    estimate_hours = models.DecimalField(_("estimate (hours)"), max_digits=6, decimal_places=1)
    due = models.DateField(_("due date"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=2)
    # {"修图": 3}: strength tag name -> minimum level (1..4), the tags of org.StrengthTag.
    required_strengths = models.JSONField(_("required strengths"), default=dict, blank=True)
    dependencies = models.ManyToManyField("self", symmetrical=False, related_name="dependents", blank=True,
                                          verbose_name=_("depends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.TODO)
    recurrence = models.CharField(_("repeats"), max_length=10, choices=Recurrence.choices, blank=True, default="")
    recurrence_weekdays = models.JSONField(_("on weekdays"), default=list, blank=True)
    actual_hours = models.DecimalField(_("actual hours"), max_digits=7, decimal_places=1, default=Decimal("0"))
    # Set by the last scheduler run when the task (or its rest) did not fit: 排不下.
    unplaced_code = models.CharField(max_length=30, blank=True, default="")
    unplaced_detail = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-priority", "due", "id"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(estimate_hours__gt=0, estimate_hours__lte=2000),
                                   name="task_estimate_range"),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=5), name="task_priority_range"),
            models.CheckConstraint(condition=Q(actual_hours__gte=0), name="task_actual_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ChecklistItem(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=200)
    done = models.BooleanField(_("done"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Leave(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="leaves")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="leaves", verbose_name=_("member"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="leave_end_after_start")]

    def __str__(self) -> str:
        return f"{self.member} {self.start}–{self.end}"


class ScheduleItem(models.Model):
    """Hours of a task on a member's day (日程). Ad-hoc items have no task, only a title."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="schedule_items")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="schedule_items")
    date = models.DateField(_("date"))
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="schedule_items")
    title = models.CharField(_("title"), max_length=120, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    done = models.BooleanField(_("done"), default=False)
    actual_hours = models.DecimalField(_("actual hours"), max_digits=4, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("schedule item")
        verbose_name_plural = _("schedule items")
        ordering = ["date", "-pinned", "id"]
        indexes = [models.Index(fields=["member", "date"]), models.Index(fields=["organization", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="schedule_item_hours_range"),
            models.CheckConstraint(condition=Q(actual_hours__isnull=True) | Q(actual_hours__gte=0,
                                                                             actual_hours__lte=24),
                                   name="schedule_item_actual_hours_range"),
            models.CheckConstraint(condition=Q(task__isnull=False) | ~Q(title=""), name="schedule_item_has_title"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title or (self.task.title if self.task is not None else "")


class CalendarFeed(models.Model):
    """The secret token of a member's iCalendar feed URL (subscribed without login)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.member)


class DailySummary(models.Model):
    """日报: pre-filled from the day's schedule; the member adds problems and tomorrow's plan."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="daily_summaries")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="daily_summaries")
    date = models.DateField(_("date"))
    planned_hours = models.DecimalField(_("planned hours"), max_digits=5, decimal_places=1, default=Decimal("0"))
    done_hours = models.DecimalField(_("hours done"), max_digits=5, decimal_places=1, default=Decimal("0"))
    actual_hours = models.DecimalField(_("actual hours"), max_digits=5, decimal_places=1, default=Decimal("0"))
    done_items = models.JSONField(_("done"), default=list, blank=True)
    carry_over = models.JSONField(_("carries over"), default=list, blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    tomorrow_plan = models.TextField(_("plan for tomorrow"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        ordering = ["-date", "member__name"]
        constraints = [models.UniqueConstraint(fields=["member", "date"], name="daily_summary_unique_day")]

    def __str__(self) -> str:
        return f"{self.member} {self.date}"


class ReminderChannel(models.Model):
    """Where reminders go: a DingTalk / WeCom / Feishu group robot, or e-mail to each member."""

    class Kind(models.TextChoices):
        DINGTALK = "dingtalk", _("DingTalk robot")
        WECOM = "wecom", _("WeCom robot")
        FEISHU = "feishu", _("Feishu robot")
        EMAIL = "email", _("E-mail")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="reminder_channels")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="reminder_channels", verbose_name=_("department"),
                                   help_text=_("Empty: everyone in the company."))
    morning_at = models.TimeField(_("today's list at"), null=True, blank=True)
    evening_at = models.TimeField(_("missing daily summary at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder channel")
        verbose_name_plural = _("reminder channels")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="email") | ~Q(webhook_url=""), name="reminder_channel_has_url"),
        ]

    def __str__(self) -> str:
        return self.name


class ReminderDelivery(models.Model):
    """One reminder to one person on one occasion; the unique constraint makes it exactly once."""

    class Occasion(models.TextChoices):
        TODAY_LIST = "today_list", _("Today's list")
        SUMMARY_MISSING = "summary_missing", _("Daily summary not submitted")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="reminder_deliveries")
    channel = models.ForeignKey(ReminderChannel, on_delete=models.CASCADE, related_name="deliveries")
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    date = models.DateField(_("date"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reminder_deliveries")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["channel", "occasion", "date", "member"],
                                               name="reminder_delivery_once")]

    def __str__(self) -> str:
        return f"{self.channel} {self.occasion} {self.date} {self.member}"


class Note(models.Model):
    """笔记: Markdown attached to a plan, a task or a day; ``search_text`` holds its jieba tokens."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notes", verbose_name=_("author"))
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="notes",
                             verbose_name=_("plan"))
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="notes",
                             verbose_name=_("task"))
    date = models.DateField(_("day"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("notebook", "note")
        verbose_name_plural = pgettext_lazy("notebook", "notes")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PlanReview(models.Model):
    """复盘 of a plan: the lessons and, per late task, its cause (figures are computed from the tasks)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="review")
    lessons = models.TextField(_("lessons"), blank=True)
    late_causes = models.JSONField(_("causes of delays"), default=dict, blank=True)
    updated_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")

    def __str__(self) -> str:
        return str(self.plan)


class TaskComment(models.Model):
    """A comment on a task, seen by whoever sees the task's plan."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("task"))
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="task_comments",
                               verbose_name=_("author"))
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} {self.created_at:%Y-%m-%d %H:%M}"


class TaskAttachment(models.Model):
    """A file on a task; downloaded only through ``work:attachment_download`` (access checked)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("task"))
    uploaded_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="task_attachments",
                                    verbose_name=_("uploaded by"))
    file = models.FileField(_("file"), upload_to="work/attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
