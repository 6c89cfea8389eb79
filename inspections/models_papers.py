"""执法文书: the numbered enforcement papers the platform issues besides the notice and the on-site record
(the results notice, the rectification order, the re-check opinion, the approval form).

Each paper is numbered per agency and year (文书编号, e.g. ``烟市监检〔2026〕第000123号``) from a counter row
locked in the transaction that creates the paper, so numbers are unique and gap-free: a paper that rolls
back takes its number back with it. What a paper says is frozen in ``content`` when it is issued; its SM3
hash (``content_hash``) is what its QR code and the public verification page check."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyPaperPrefix(models.Model):
    """The agency's short name in its paper numbers (e.g. 烟市监检); without one, its code is used."""

    agency = models.OneToOneField(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="paper_prefix"
    )
    prefix = models.CharField(_("paper number prefix"), max_length=20)

    class Meta:
        verbose_name = _("paper number prefix")
        verbose_name_plural = _("paper number prefixes")

    def __str__(self):
        return self.prefix


class PaperCounter(models.Model):
    """The last number an agency issued in a year. Only ever read under ``select_for_update``."""

    agency = models.ForeignKey("accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("paper counter")
        verbose_name_plural = _("paper counters")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="one_paper_counter_per_agency_year")]

    def __str__(self):
        return f"{self.agency_id}/{self.year}: {self.last}"


class Paper(models.Model):
    """One numbered enforcement paper (执法文书)."""

    class Kind(models.TextChoices):
        RESULTS_NOTICE = "results_notice", _("Inspection results notice")
        RECTIFICATION_ORDER = "rectification_order", _("Rectification order")
        RECHECK_OPINION = "recheck_opinion", _("Re-check opinion")
        APPROVAL_FORM = "approval_form", _("Inspection approval form")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="papers"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("paper number"), max_length=60, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="papers"
    )
    record = models.ForeignKey(
        "inspections.InspectionRecord",
        verbose_name=_("record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="papers",
    )
    # What the paper is about, once per kind (e.g. "record:12:agency:3", "rectification:7"): issuing twice is a
    # no-op, so a rerun service never issues (and numbers) the same paper twice.
    subject = models.CharField(_("subject"), max_length=80)
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash (SM3)"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf_path = models.CharField(_("PDF file"), max_length=200, blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF generated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enforcement paper")
        verbose_name_plural = _("enforcement papers")
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "sequence"], name="one_paper_per_number"),
            models.UniqueConstraint(fields=["kind", "subject"], name="one_paper_per_subject"),
        ]
        indexes = [models.Index(fields=["record", "issued_at", "id"], name="paper_record_issued")]

    def __str__(self):
        return self.number
