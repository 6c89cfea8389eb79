"""异议与陈述申辩: the enterprise's objection to a finding of its signed or refused record, the decision of
someone who did not take part in the visit, and the enterprise's reply to it. Kept beside the record, which
they never change: the signed content stays as it was signed; an upheld objection withdraws the finding."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Objection(models.Model):
    """One objection of the enterprise to one finding of its record (one per finding)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        UPHELD = "upheld", _("Upheld: the finding is withdrawn")
        NOT_UPHELD = "not_upheld", _("Not upheld: the finding stands")

    record = models.ForeignKey("inspections.InspectionRecord", verbose_name=_("record"), on_delete=models.PROTECT,
                               related_name="objections")
    finding = models.ForeignKey("inspections.Finding", verbose_name=_("finding"), on_delete=models.PROTECT,
                                related_name="objections")
    # The finding's agency, kept on the row for its queue (an index of its own, no join to sort).
    agency = models.ForeignKey("accounts.Agency", verbose_name=_("responsible agency"), on_delete=models.PROTECT,
                               related_name="objections")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+")
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_for = models.ForeignKey("accounts.Agency", verbose_name=_("decided for"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    reply = models.TextField(_("the enterprise's reply"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["filed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["finding"], name="one_objection_per_finding")]
        indexes = [models.Index(fields=["agency", "status", "-filed_at"], name="objection_agency_queue")]

    def __str__(self):
        return f"{_('Objection')} #{self.pk}"

    @property
    def is_decided(self) -> bool:
        return self.status != self.Status.PENDING
