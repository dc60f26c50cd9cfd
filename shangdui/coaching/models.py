"""教练素材库 (CoachingPlaylist): clips of exemplary moments of conversations, in playlists by scenario.

A clip is shared with the whole organization on purpose, so it carries its own copy of the moment:
the audio excerpt (cut into its own small file by a background job) and the excerpt's transcript
lines. The full conversation stays restricted to the member, their managers and inspectors.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scenario(models.TextChoices):
    """The four fixed scenarios; a custom playlist has none."""

    OPENING = "opening", _("Opening")
    DISCOVERY = "discovery", _("Needs discovery")
    OBJECTION = "objection", _("Objection handling")
    CLOSING = "closing", _("Closing")


class CoachingPlaylist(models.Model):
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    scenario = models.CharField(_("scenario"), max_length=16, choices=Scenario.choices, blank=True)
    name = models.CharField(_("name"), max_length=60)
    created_by = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coaching playlist")
        verbose_name_plural = _("coaching playlists")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "scenario"],
                condition=~models.Q(scenario=""),
                name="coaching_playlist_one_per_scenario",
            ),
            models.UniqueConstraint(fields=["organization", "name"], name="coaching_playlist_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Clip(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CUTTING = "cutting", _("Cutting the excerpt")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    playlist = models.ForeignKey(
        CoachingPlaylist, on_delete=models.CASCADE, related_name="clips", verbose_name=_("playlist")
    )
    # The source stays restricted; the clip keeps its own excerpt, so deleting the source keeps it.
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("speaker"))
    start = models.FloatField(_("start (s)"))
    end = models.FloatField(_("end (s)"))
    title = models.CharField(_("title"), max_length=100)
    note = models.TextField(_("why it is exemplary"), blank=True)
    lines = models.JSONField(default=list, blank=True)  # [{"start", "end", "role", "text"}], seconds from start
    audio = models.FileField(_("excerpt"), upload_to="coaching/clips/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("reason of failure"), blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_by = models.ForeignKey(
        "org.Member", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clip")
        verbose_name_plural = _("clips")
        ordering = ["playlist", "created_at", "id"]
        indexes = [models.Index(fields=["organization", "playlist", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__gte=0) & models.Q(end__gt=models.F("start")), name="clip_positive_span"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration(self) -> float:
        return self.end - self.start


class ClipListen(models.Model):
    """A member marked a clip as listened (once; the time of the first mark is kept)."""

    clip = models.ForeignKey(Clip, on_delete=models.CASCADE, related_name="listens")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="+")
    listened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clip", "member"], name="clip_listen_once")]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.clip_id}"
