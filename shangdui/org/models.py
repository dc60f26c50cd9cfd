"""Organization, departments, positions, members and their strengths.

Every row belongs to an Organization; queries are always scoped by it (see ``org.access``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def default_working_days() -> list[int]:
    return [0, 1, 2, 3, 4]  # Monday .. Friday (ISO weekday - 1)


class Organization(models.Model):
    name = models.CharField(_("company name"), max_length=100)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    class Kind(models.TextChoices):
        OPERATIONS = "operations", _("Operations")
        DESIGN = "design", _("Design")
        CUSTOMER_SERVICE = "customer_service", _("Customer service")
        LOGISTICS = "logistics", _("Logistics")
        SALES = "sales", _("Sales")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name=_("parent")
    )
    head = models.ForeignKey(
        "Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_departments",
        verbose_name=_("head"),
    )
    responsibilities = models.TextField(_("responsibilities"), blank=True, help_text=_("One per line."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def responsibility_list(self) -> list[str]:
        return [line.strip() for line in self.responsibilities.splitlines() if line.strip()]


class Position(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="positions")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="position_unique_name")]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", pgettext_lazy("role", "Director")
        MANAGER = "manager", pgettext_lazy("role", "Manager")
        MEMBER = "member", pgettext_lazy("role", "Member")
        FINANCE = "finance", pgettext_lazy("role", "Finance/HR")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    name = models.CharField(_("name"), max_length=60)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members",
        verbose_name=_("department"),
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports", verbose_name=_("manager")
    )
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.SET_NULL, related_name="members",
        verbose_name=_("position"),
    )
    join_date = models.DateField(_("join date"), null=True, blank=True)
    working_days = models.JSONField(_("working days"), default=default_working_days)
    daily_hours = models.DecimalField(
        _("daily hours"), max_digits=4, decimal_places=1, default=Decimal("8.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("16"))],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # 质检员: works the queue of flagged conversations of the whole organization.
    is_inspector = models.BooleanField(_("inspector"), default=False)
    # Pay: private to the member, their manager chain, the director and finance/HR.
    base_salary = models.DecimalField(
        _("base salary"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["department__sort_order", "name", "id"]
        indexes = [models.Index(fields=["organization", "department"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(manager=models.F("id")), name="member_not_own_manager"),
            models.CheckConstraint(condition=models.Q(daily_hours__gt=0), name="member_daily_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_director(self) -> bool:
        return self.role == self.Role.DIRECTOR

    @property
    def is_finance(self) -> bool:
        return self.role == self.Role.FINANCE


class StrengthTag(models.Model):
    """A capability label such as 细心, 沟通, 数据分析, 文案, 修图, 谈判."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="strength_tags")
    name = models.CharField(_("name"), max_length=30)

    class Meta:
        verbose_name = _("strength")
        verbose_name_plural = _("strengths")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="strength_tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class MemberStrength(models.Model):
    class Level(models.IntegerChoices):
        BASIC = 1, _("Basic")
        GOOD = 2, _("Good")
        STRONG = 3, _("Strong")
        EXPERT = 4, _("Expert")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="strengths")
    tag = models.ForeignKey(StrengthTag, on_delete=models.CASCADE, related_name="member_strengths")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.GOOD)

    class Meta:
        verbose_name = _("member strength")
        verbose_name_plural = _("member strengths")
        ordering = ["-level", "tag__name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "tag"], name="member_strength_unique"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=4), name="member_strength_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.tag.name}·{self.get_level_display()}"
