from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message pushed to an agency or to an enterprise (the apps' 推送), shown in its portal inbox."""

    class Kind(models.TextChoices):
        LICENCE_EXPIRY = "licence_expiry", _("Licence expiry warning")
        CERTIFICATE_EXPIRY = "certificate_expiry", _("Enforcement certificate expiry warning")
        GENERAL = "general", _("General")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.GENERAL)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # The same event never notifies the same recipient twice, however often a job reruns.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(enterprise__isnull=False),
                name="notification_has_recipient",
            )
        ]

    def __str__(self):
        return self.title
