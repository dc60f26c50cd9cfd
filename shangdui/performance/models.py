"""Goals, review cycles and pay. Every row belongs to an Organization.

Pay (PayPlan, PayRun, PayStatement, PayLine, PayAdjustment) is private: only the member, their
manager chain, the director and finance/HR see it (``performance.access``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


def money_field(verbose_name: str | object, **kwargs: object) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class PayPlan(models.Model):
    """How one position (or one member, overriding their position) is paid."""

    class Kind(models.TextChoices):
        BASE = "base", _("Base salary only")
        COMMISSION = "commission", _("Base + commission on net sales")
        BONUS = "bonus", _("Base + performance bonus")

    class Scope(models.TextChoices):
        SHOPS = "shops", _("Chosen shops")
        PLATFORMS = "platforms", _("Chosen platforms")
        DEPARTMENT = "department", _("Shops of the member's department")
        OWN_ORDERS = "own_orders", _("Own orders (attributed to the member)")

    class Basis(models.TextChoices):
        AMOUNT = "amount", _("Sections of net sales (¥)")
        COMPLETION = "completion", _("Sections of the completion ratio (%)")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="pay_plans")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BASE)
    position = models.ForeignKey("org.Position", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="pay_plans", verbose_name=_("position"))
    member = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="pay_plans", verbose_name=_("member"))
    base_salary = models.DecimalField(_("base salary"), max_digits=12, decimal_places=2, null=True, blank=True,
                                      help_text=_("Empty: the member's own base salary."))
    scope = models.CharField(_("commission scope"), max_length=16, choices=Scope.choices, default=Scope.SHOPS)
    shop_ids = models.JSONField(_("shops"), default=list, blank=True)
    platforms = models.JSONField(_("platforms"), default=list, blank=True)
    basis = models.CharField(_("tier basis"), max_length=16, choices=Basis.choices, default=Basis.AMOUNT)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    monthly_target = models.DecimalField(_("monthly target"), max_digits=14, decimal_places=2, null=True,
                                         blank=True, help_text=_("Used by completion tiers without a goal."))
    bonus_pool = money_field(_("bonus pool"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pay plan")
        verbose_name_plural = _("pay plans")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(bonus_pool__gte=0), name="payplan_pool_not_negative"),
            models.CheckConstraint(condition=models.Q(position__isnull=False) | models.Q(member__isnull=False),
                                   name="payplan_for_position_or_member"),
            models.UniqueConstraint(fields=["organization", "member"], condition=models.Q(is_active=True),
                                    name="payplan_one_active_per_member"),
            models.UniqueConstraint(fields=["organization", "position"],
                                    condition=models.Q(is_active=True, member__isnull=True),
                                    name="payplan_one_active_per_position"),
        ]

    def __str__(self) -> str:
        return self.name


class PayRun(models.Model):
    """The settlement of one month. One per (organization, period): the database says so."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")
        APPROVED = "approved", _("Approved")
        LOCKED = "locked", _("Locked")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="pay_runs")
    period = models.DateField(_("month"), help_text=_("First day of the month."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    total = money_field(_("total"))
    statement_count = models.PositiveIntegerField(_("statements"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pay run")
        verbose_name_plural = _("pay runs")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "period"], name="payrun_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    @property
    def is_final(self) -> bool:
        """Approved or locked: what members see as their pay."""
        return self.status in (self.Status.APPROVED, self.Status.LOCKED)


class PayStatement(models.Model):
    """One member's pay for a run (工资条). Its lines carry the evidence."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    pay_run = models.ForeignKey(PayRun, on_delete=models.CASCADE, related_name="statements")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="pay_statements")
    member_name = models.CharField(_("name"), max_length=60)
    plan = models.ForeignKey(PayPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    plan_name = models.CharField(_("pay plan"), max_length=80, blank=True)
    base = money_field(_("base salary"))
    commission = money_field(_("commission"))
    bonus = money_field(_("bonus"))
    adjustments = money_field(_("adjustments"))
    total = money_field(_("total"))

    class Meta:
        verbose_name = _("pay statement")
        verbose_name_plural = _("pay statements")
        ordering = ["member_name", "id"]
        constraints = [models.UniqueConstraint(fields=["pay_run", "member"], name="paystatement_one_per_member")]

    def __str__(self) -> str:
        return f"{self.member_name} {self.pay_run}"


class PayLine(models.Model):
    class Kind(models.TextChoices):
        BASE = "base", _("Base salary")
        COMMISSION = "commission", _("Commission")
        BONUS = "bonus", _("Performance bonus")
        REWARD = "reward", _("Reward")
        PENALTY = "penalty", _("Penalty")
        ADJUSTMENT = "adjustment", _("Adjustment")

    statement = models.ForeignKey(PayStatement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    label = models.CharField(_("item"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("pay line")
        verbose_name_plural = _("pay lines")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.label


class PayAdjustment(models.Model):
    """A correction paid in a later run: a locked month is never recomputed."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="pay_adjustments",
                               verbose_name=_("member"))
    period = models.DateField(_("paid in month"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    corrects = models.ForeignKey(PayRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("corrects month"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pay adjustment")
        verbose_name_plural = _("pay adjustments")
        ordering = ["period", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="payadjustment_not_zero")]

    def __str__(self) -> str:
        return self.reason


class Goal(models.Model):
    """A team or member goal for a period, agreed both ways before it counts."""

    class Measure(models.TextChoices):
        NET_SALES = "net_sales", _("Net sales of shops, platforms or products (¥)")
        TASKS_ON_TIME = "tasks_on_time", _("Tasks done on time (%)")
        DAILY_SUMMARIES = "daily_summaries", _("Daily summaries submitted")
        INSPECTION_SCORE = "inspection_score", _("Conversation inspection score (percent of max)")
        GOOD_REVIEWS = "good_reviews", _("Good reviews")
        LOGISTICS_COST = "logistics_cost", _("Logistics cost per order (¥, lower is better)")
        MANUAL = "manual", _("Manual milestones (%)")

    # Measures where less is better: progress is target ÷ value.
    LOWER_IS_BETTER = frozenset({Measure.LOGISTICS_COST})
    # Measures that are a rate over the period (not a running total): "behind" means below target,
    # whatever share of the period has passed.
    RATES = frozenset({Measure.TASKS_ON_TIME, Measure.INSPECTION_SCORE, Measure.LOGISTICS_COST})

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("title"), max_length=120)
    member = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="goals", verbose_name=_("member"))
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="goals", verbose_name=_("team"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
                               verbose_name=_("team goal"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, default=Measure.MANUAL)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, default=Decimal("100"))
    shop_ids = models.JSONField(_("shops"), default=list, blank=True)
    platforms = models.JSONField(_("platforms"), default=list, blank=True)
    product_ids = models.JSONField(_("product IDs"), default=list, blank=True)
    manual_value = models.DecimalField(_("reached so far"), max_digits=14, decimal_places=2, default=ZERO)
    benchmark = models.TextField(_("competitor shops and figures used"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    member_confirmed = models.BooleanField(_("member confirmed"), default=False)
    manager_confirmed = models.BooleanField(_("manager confirmed"), default=False)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["-period_start", "id"]
        indexes = [models.Index(fields=["organization", "member", "period_start"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(target__gt=0), name="goal_target_positive"),
            models.CheckConstraint(condition=models.Q(weight__gte=0, weight__lte=100), name="goal_weight_range"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="goal_period_order"),
            models.CheckConstraint(condition=models.Q(member__isnull=False) | models.Q(department__isnull=False),
                                   name="goal_for_member_or_team"),
        ]

    def __str__(self) -> str:
        return self.title


class GoalComment(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class GoalChange(models.Model):
    """A change to an agreed goal; applied only when both sides confirm."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for confirmation")
        APPLIED = "applied", _("Applied")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="changes")
    proposed_by = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(default=dict)
    reason = models.CharField(_("reason"), max_length=200)
    member_confirmed = models.BooleanField(default=False)
    manager_confirmed = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.reason


class ReviewCycle(models.Model):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="review_cycles")
    name = models.CharField(_("name"), max_length=80)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    deadline = models.DateField(_("deadline"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        ordering = ["-period_end", "id"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One member's review in a cycle: self-assessment, manager assessment, joint outcome."""

    class State(models.TextChoices):
        SELF = "self", _("Waiting for self-assessment")
        MANAGER = "manager", _("Waiting for manager assessment")
        JOINT = "joint", _("Waiting for joint confirmation")
        DONE = "done", _("Finished")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reviews")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SELF)
    goal_results = models.JSONField(default=list, blank=True)
    self_text = models.TextField(_("self-assessment"), blank=True)
    self_score = models.DecimalField(_("self score"), max_digits=5, decimal_places=2, null=True, blank=True)
    manager_text = models.TextField(_("manager assessment"), blank=True)
    manager_score = models.DecimalField(_("manager score"), max_digits=5, decimal_places=2, null=True, blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=5, decimal_places=2, null=True, blank=True)
    conversation = models.TextField(_("joint review conversation"), blank=True)
    bonus_coefficient = models.DecimalField(_("bonus coefficient"), max_digits=4, decimal_places=2, null=True,
                                            blank=True)
    reward = money_field(_("reward"))
    penalty = money_field(_("penalty"))
    member_confirmed = models.BooleanField(default=False)
    manager_confirmed = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["cycle", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], name="review_one_per_member"),
            models.CheckConstraint(condition=models.Q(reward__gte=0, penalty__gte=0),
                                   name="review_reward_penalty_not_negative"),
            models.CheckConstraint(condition=models.Q(bonus_coefficient__isnull=True)
                                   | models.Q(bonus_coefficient__gte=0, bonus_coefficient__lte=3),
                                   name="review_coefficient_range"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.member}"


class OneOnOne(models.Model):
    """一对一面谈. Shared notes are seen by the member; private notes only by the manager chain and director."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="one_on_ones",
                               verbose_name=_("member"))
    manager = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("manager"))
    scheduled_for = models.DateTimeField(_("scheduled for"))
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    shared_notes = models.TextField(_("shared notes"), blank=True)
    private_notes = models.TextField(_("manager's private notes"), blank=True)
    action_items = models.JSONField(_("action items"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("one-to-one")
        verbose_name_plural = _("one-to-ones")
        ordering = ["-scheduled_for", "id"]
        indexes = [models.Index(fields=["organization", "member", "held_at"])]

    def __str__(self) -> str:
        return f"{self.member} {self.scheduled_for:%Y-%m-%d}"


class OneOnOneCadence(models.Model):
    member = models.OneToOneField("org.Member", on_delete=models.CASCADE, related_name="one_on_one_cadence")
    per_month = models.PositiveSmallIntegerField(_("one-to-ones per month"), default=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(per_month__gte=1, per_month__lte=8),
                                              name="cadence_per_month_range")]

    def __str__(self) -> str:
        return f"{self.member}: {self.per_month}"


class Meeting(models.Model):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("date"))
    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingItem(models.Model):
    """A problem or suggestion raised in a meeting, tracked until closed."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        SUGGESTION = "suggestion", _("Suggestion")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PROBLEM)
    text = models.TextField(_("problem or suggestion"))
    raised_by = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("raised by"))
    owner = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("owner"))
    due = models.DateField(_("due date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The work app's task that carries it into the owner's 日程 (an id, not a key: work is optional here).
    task_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["state", "due", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Feedback(models.Model):
    """Praise is public on the team wall; criticism is private to the member and their manager chain."""

    class Kind(models.TextChoices):
        PRAISE = "praise", _("Praise")
        CRITICISM = "criticism", _("Criticism")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="feedback_received",
                               verbose_name=_("member"))
    author = models.ForeignKey("org.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("what happened"))
    evidence = models.CharField(_("evidence (order, task, conversation)"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("praise or criticism")
        verbose_name_plural = _("praise and criticism")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]
