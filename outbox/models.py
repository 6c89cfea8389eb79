from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One piece of background work, written in the same transaction as the change that needs it.

    The web process hands it to Celery on commit; if the broker is down the row simply waits and
    the worker's periodic drain runs it. A row is claimed by a conditional UPDATE, so two workers
    never both run it, and handlers are written to be safe to run again after a crash.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    handler = models.CharField(_("handler"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    available_at = models.DateTimeField(_("available at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["status", "available_at"])]

    def __str__(self):
        return f"{self.handler}#{self.pk} ({self.status})"
