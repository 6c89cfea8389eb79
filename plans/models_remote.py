"""非现场检查 (remote checks, 能非现场的不进企业): a plan whose matters can all be checked on documents or photos
becomes a request to the enterprise instead of a visit. It never has a visit (``Plan.Status.REMOTE`` is outside
``Plan.LIVE``, so matching never sees it, and outside the caps' counted statuses), and its own life is here:
requested → submitted by the deadline (working days) → concluded by the agency, or overdue; until it is
concluded its agency may withdraw it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RemoteCheck(models.Model):
    """非现场检查: the request for documents or photos on a plan's matters, and the agency's conclusion."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Documents requested")
        SUBMITTED = "submitted", _("Documents submitted")
        COMPLIANT = "compliant", _("Compliant")
        PROBLEMS = "problems", _("Problems found")
        OVERDUE = "overdue", _("Not submitted by the deadline")
        # The agency gave it up before concluding (``plans.remote.remote_check_withdraw``): not a remote check
        # that took place, so outside the statistics (``plans.remote.counted_q``).
        WITHDRAWN = "withdrawn", _("Withdrawn by the agency")

    # The enterprise may still send documents; the agency concludes only on what was sent, or withdraws.
    OPEN_FOR_SUBMISSION = (Status.REQUESTED, Status.SUBMITTED)
    CONCLUSIONS = (Status.COMPLIANT, Status.PROBLEMS)
    CLOSED = (Status.COMPLIANT, Status.PROBLEMS, Status.OVERDUE, Status.WITHDRAWN)

    plan = models.OneToOneField(
        "plans.Plan", verbose_name=_("inspection plan"), on_delete=models.PROTECT, related_name="remote_check"
    )
    # Copied from the plan at the request, so that each side's list and the statistics are one index range.
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    division = models.CharField(_("enterprise's division"), max_length=6, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField(_("requested on"))
    deadline = models.DateField(_("documents due by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    enterprise_note = models.TextField(_("the enterprise's note"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("concluded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    rectify_by = models.DateField(_("problems to be fixed by"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        verbose_name = _("remote check")
        verbose_name_plural = _("remote checks")
        ordering = ["-requested_on", "-id"]
        indexes = [
            # Each side's list, newest first.
            models.Index(fields=["agency", "-requested_on", "-id"], name="remotecheck_agency"),
            models.Index(fields=["enterprise", "-requested_on", "-id"], name="remotecheck_enterprise"),
            # The statistics: a period's requests, by month, agency and division.
            models.Index(fields=["requested_on", "agency", "division"], name="remotecheck_stats"),
            # The daily step: the few requests past their deadline.
            models.Index(fields=["deadline"], condition=models.Q(status="requested"),
                         name="remotecheck_open_deadline"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} / {self.plan_id}"

    @property
    def open_for_submission(self) -> bool:
        return self.status in self.OPEN_FOR_SUBMISSION

    @property
    def awaits_conclusion(self) -> bool:
        return self.status == self.Status.SUBMITTED


class RemoteEvidence(models.Model):
    """A document (PDF) or photo the enterprise sent for a remote check, stored under an unguessable name
    outside any public URL and served only after an access check (``inspections.uploads``)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document (PDF)")

    remote_check = models.ForeignKey(
        RemoteCheck, verbose_name=_("remote check"), on_delete=models.CASCADE, related_name="evidence"
    )
    matter = models.ForeignKey(
        "catalogue.Matter", verbose_name=_("matter"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    path = models.CharField(_("stored file"), max_length=200, editable=False)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("remote check evidence")
        verbose_name_plural = _("remote check evidence")
        ordering = ["id"]

    def __str__(self):
        return self.path
