"""Conversations (会话): recordings and chats, their transcripts, inspection results and reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionScheme(models.Model):
    """A 质检方案: the YAML text is the source of truth (imported/exported as is)."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="schemes")
    key = models.SlugField(_("scheme id"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    source = models.TextField(_("YAML"))
    is_default = models.BooleanField(_("default scheme"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inspection scheme")
        verbose_name_plural = _("inspection schemes")
        ordering = ["-is_default", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="scheme_unique_key")]

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        FACE_TO_FACE = "face_to_face", _("Face to face")
        IM = "im", _("Chat")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Done")
        NO_SPEECH = "no_speech", _("No speech")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="conversations")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="conversations",
                               verbose_name=_("member"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PHONE)
    occurred_at = models.DateTimeField(_("time"))
    customer = models.CharField(_("customer"), max_length=100, blank=True)
    order_no = models.CharField(_("order number"), max_length=64, blank=True)
    audio = models.FileField(_("recording"), upload_to="conversations/audio/%Y/%m/", blank=True)
    audio_deleted_at = models.DateTimeField(_("recording deleted at"), null=True, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    consent = models.BooleanField(_("customer consented to recording"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("reason of failure"), blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scheme = models.ForeignKey(InspectionScheme, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="conversations")
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)
    score = models.IntegerField(_("score"), null=True, blank=True)
    max_score = models.IntegerField(_("max score"), null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["organization", "member", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.member} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def score_percent(self) -> int | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score)


class Segment(models.Model):
    """One turn: a contiguous utterance of one speaker."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    start = models.FloatField()
    end = models.FloatField()
    role = models.CharField(max_length=16)
    speaker = models.CharField(max_length=32, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["conversation", "index"]
        constraints = [models.UniqueConstraint(fields=["conversation", "index"], name="segment_unique_index")]

    def __str__(self) -> str:
        return f"{self.start:.1f}s {self.role}: {self.text[:30]}"


class RuleHit(models.Model):
    """The result of one rule on one conversation, and the inspector's verification of it."""

    class Decision(models.TextChoices):
        AUTO = "auto", _("Not reviewed")
        CONFIRMED = "confirmed", _("Confirmed")
        OVERTURNED = "overturned", _("Overturned")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="rule_hits")
    rule_id = models.CharField(max_length=60)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20)
    points = models.IntegerField(default=0)
    passed = models.BooleanField()
    evidence = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.AUTO)
    decided_by = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["conversation", "id"]
        constraints = [models.UniqueConstraint(fields=["conversation", "rule_id"], name="rulehit_unique_rule")]

    def __str__(self) -> str:
        return f"{self.rule_id}: {'passed' if self.passed else 'failed'}"

    @property
    def appeal_or_none(self) -> Appeal | None:
        try:
            return self.appeal  # type: ignore[attr-defined,no-any-return]
        except Appeal.DoesNotExist:
            return None

    @property
    def effective_passed(self) -> bool:
        """An overturned hit counts the other way round; the score follows the decision."""
        return (not self.passed) if self.decision == self.Decision.OVERTURNED else self.passed


class Appeal(models.Model):
    """申诉: the member contests one rule hit of their own conversation; a manager or the director decides.

    One appeal per rule hit, ever (the decision is final): the database enforces it. Upholding an
    appeal flips the hit's effective result; rejecting it confirms the result as it stood.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    rule_hit = models.OneToOneField(RuleHit, on_delete=models.CASCADE, related_name="appeal")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="appeals",
                               verbose_name=_("member"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("appealed at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", decided_at__isnull=True)
                | (~models.Q(status="open") & models.Q(decided_at__isnull=False)),
                name="appeal_decided_when_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.rule_hit.rule_id}"


class RetentionPolicy(models.Model):
    """How long recordings are kept (organization-wide); transcripts and scores stay."""

    DEFAULT_DAYS = 180

    organization = models.OneToOneField("org.Organization", on_delete=models.CASCADE,
                                        related_name="conversation_retention")
    audio_days = models.PositiveIntegerField(_("keep recordings for (days)"), default=DEFAULT_DAYS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        constraints = [models.CheckConstraint(condition=models.Q(audio_days__gte=1), name="retention_days_positive")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.audio_days}"
