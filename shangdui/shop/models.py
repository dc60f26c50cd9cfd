"""Shops on the e-commerce platforms. Orders, waybills and follow-ups come with the shop-data issue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Shop(models.Model):
    class Platform(models.TextChoices):
        TAOBAO = "taobao", _("Taobao/Tmall")
        JD = "jd", _("JD")
        PDD = "pdd", _("Pinduoduo")
        DOUYIN = "douyin", _("Douyin shop")
        OTHER = "other", _("Other")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="shops")
    name = models.CharField(_("name"), max_length=80)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shops",
        verbose_name=_("responsible department"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["platform", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="shop_unique_name")]

    def __str__(self) -> str:
        return self.name
