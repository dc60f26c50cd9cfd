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


class RecordingSource(models.Model):
    """录音来源: where recordings come from (a phone line, a recorder badge, the browser, uploads, chats).

    The source says which stereo channel is the agent, whether customers are told that they are
    recorded (consent, copied onto each of its conversations), whose recordings they are by default
    (a personal badge) and, for recorder devices, which folder under ``SHANGDUI_WATCH_ROOT`` is watched.
    """

    class Kind(models.TextChoices):
        PHONE_LINE = "phone_line", _("Phone line")
        BADGE = "badge", _("Recorder badge")
        BROWSER = "browser", _("Browser recording")
        UPLOAD = "upload", _("Upload")
        IM = "im", _("Chat (IM)")

    class AgentChannel(models.TextChoices):
        LEFT = "left", _("Left channel")
        RIGHT = "right", _("Right channel")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="recording_sources")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.UPLOAD)
    agent_channel = models.CharField(_("agent channel (stereo)"), max_length=8, choices=AgentChannel.choices,
                                     default=AgentChannel.LEFT)
    consent = models.BooleanField(_("customers are told they are recorded"), default=False)
    default_member = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("default member"))
    watch_folder = models.CharField(_("watched folder"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recording source")
        verbose_name_plural = _("recording sources")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="recsource_unique_name"),
            # One folder feeds one source (the root is shared by all organizations of the install).
            models.UniqueConstraint(fields=["watch_folder"], condition=~models.Q(watch_folder=""),
                                    name="recsource_unique_folder"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def channel_roles(self) -> tuple[str, str]:
        return ("customer", "agent") if self.agent_channel == self.AgentChannel.RIGHT else ("agent", "customer")


class WatchedFile(models.Model):
    """A file seen in a source's watched folder: pending until its size and mtime hold still across two
    scans, then ingested exactly once (the content hash is unique per source) or failed with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the file to be complete")
        INGESTED = "ingested", _("Ingested")
        DUPLICATE = "duplicate", _("Duplicate")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(RecordingSource, on_delete=models.CASCADE, related_name="watched_files")
    path = models.CharField(max_length=500)
    size = models.BigIntegerField()
    mtime = models.FloatField()
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True)
    conversation = models.ForeignKey("Conversation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "sha256"], condition=models.Q(status="ingested"),
                                    name="watchedfile_once_per_content"),
            models.UniqueConstraint(fields=["source", "path"], condition=models.Q(status="pending"),
                                    name="watchedfile_one_pending_per_path"),
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.status})"


class VoiceProfile(models.Model):
    """A member's enrolled voice: a fixed-size embedding of 20-60 s of their speech (see
    :mod:`shangdui.conversations.pipeline.voiceprint`); the audio itself is not kept."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    member = models.OneToOneField("org.Member", on_delete=models.CASCADE, related_name="voice_profile",
                                  verbose_name=_("member"))
    method = models.CharField(max_length=30)
    embedding = models.JSONField()
    speech_seconds = models.FloatField(_("speech (s)"))
    enrolled_by = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("enrolled at"), auto_now=True)

    class Meta:
        verbose_name = _("voice profile")
        verbose_name_plural = _("voice profiles")

    def __str__(self) -> str:
        return f"{self.member}"


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
    source = models.ForeignKey(RecordingSource, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="conversations", verbose_name=_("recording source"))
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
