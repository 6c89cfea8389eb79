from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyReport(models.Model):
    """月度监督报告: the city's oversight report of one month, rendered once as PDF by the monthly job
    (``oversight.services.monthly_report_store``) with the audit chain's anchor of that moment printed in it."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    pdf_path = models.CharField(_("PDF file"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    anchor_seq = models.PositiveBigIntegerField(_("audit chain: entries"), default=0)
    anchor_hash = models.CharField(_("audit chain: head hash"), max_length=64, blank=True)
    anchor_date = models.CharField(_("audit chain: anchored on"), max_length=10, blank=True)
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("monthly oversight report")
        verbose_name_plural = _("monthly oversight reports")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"
