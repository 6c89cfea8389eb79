from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckIn(models.Model):
    """扫码入企 / 人员云打卡: every scan of an enterprise's licence QR by an officer, accepted or refused."""

    task = models.ForeignKey(
        "plans.JointTask", verbose_name=_("joint inspection task"), on_delete=models.PROTECT, related_name="check_ins"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="check_ins"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), default=False)
    refusal = models.CharField(_("refusal reason"), max_length=200, blank=True)
    token_fingerprint = models.CharField(_("token fingerprint"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "officer"], condition=models.Q(accepted=True), name="one_accepted_check_in_per_officer"
            ),
        ]

    def __str__(self):
        return f"{self.officer} @ {self.task_id} {'✓' if self.accepted else '✗'}"


class InspectionRecord(models.Model):
    """现场检查记录: the paperless on-site record of one joint visit. Immutable once finalised."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being filled")
        FINAL = "final", _("Finalised, awaiting the enterprise's signature")
        SIGNED = "signed", _("Signed by the enterprise")
        REFUSED = "refused", _("Signature refused with an objection")

    task = models.OneToOneField(
        "plans.JointTask", verbose_name=_("joint inspection task"), on_delete=models.PROTECT, related_name="record"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("overall remarks"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_hash = models.CharField(_("content hash (SM3)"), max_length=64, blank=True)
    pdf_path = models.CharField(_("PDF file"), max_length=200, blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF generated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("on-site inspection record")
        verbose_name_plural = _("on-site inspection records")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{_('Record')} #{self.pk} {self.task}"

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def pdf_is_current(self) -> bool:
        """The stored PDF shows the record as it is now. Rendered on finalising and again once signed or
        refused; until the second render exists, the file on record still shows an unsigned record."""
        if not self.pdf_path:
            return False
        if self.status not in (self.Status.SIGNED, self.Status.REFUSED):
            return True
        signed_at = Signature.objects.filter(record_id=self.pk).values_list("signed_at", flat=True).first()
        if signed_at is None:
            return True
        return self.pdf_generated_at is not None and self.pdf_generated_at >= signed_at


class RecordItem(models.Model):
    """One matter of the combined checklist, as found on site."""

    class Result(models.TextChoices):
        PENDING = "", _("Not yet checked")
        COMPLIANT = "compliant", _("Compliant")
        NON_COMPLIANT = "non_compliant", _("Not compliant")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    record = models.ForeignKey(
        InspectionRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="items"
    )
    matter = models.ForeignKey("catalogue.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True, default="")
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["matter__code"]
        constraints = [models.UniqueConstraint(fields=["record", "matter"], name="one_item_per_matter")]

    def __str__(self):
        return f"{self.matter} {self.get_result_display()}"


class Finding(models.Model):
    """A problem found on site (from a non-compliant matter of a visit's record) or on a remote check's
    documents (非现场检查, ``inspections.services.remote``), to be rectified by a deadline. Both are rectified
    by the one flow of ``inspections.services.rectification``: a minor one online from the enterprise's
    evidence, a serious one by a re-check visit. The enterprise and the matter are copied at creation from the
    record's visit and item, or from the remote check, so that every reader has them whatever the source."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor, easily fixed (accepted online)")
        SERIOUS = "serious", _("Serious (re-check on site)")

    class Status(models.TextChoices):
        OPEN = "open", _("To be rectified")
        SUBMITTED = "submitted", _("Evidence submitted")
        RETURNED = "returned", _("Returned for more work")
        ACCEPTED = "accepted", _("Rectification accepted")
        RECHECK = "recheck", _("Re-check visit scheduled")
        WITHDRAWN = "withdrawn", _("Withdrawn after an objection")

    # On site: the record and its checklist item; remotely: the remote check (exactly one of the two).
    record = models.ForeignKey(
        InspectionRecord, verbose_name=_("record"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="findings",
    )
    item = models.ForeignKey(
        RecordItem, verbose_name=_("checklist item"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="findings",
    )
    remote_check = models.ForeignKey(
        "plans.RemoteCheck", verbose_name=_("remote check"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="findings",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="findings",
        db_index=False,  # the ``finding_enterprise`` index leads with it
    )
    matter = models.ForeignKey("catalogue.Matter", verbose_name=_("matter"), on_delete=models.PROTECT,
                               related_name="+")
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("responsible agency"), on_delete=models.PROTECT, related_name="findings"
    )
    description = models.TextField(_("problem"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    deadline = models.DateField(_("rectify by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    recheck_plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("re-check plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rechecked_findings",
    )
    overdue_flagged_on = models.DateField(_("flagged overdue on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["deadline", "id"]
        indexes = [
            # The enterprise's list of problems to rectify, by deadline.
            models.Index(fields=["enterprise", "deadline", "id"], name="finding_enterprise"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(record__isnull=False, item__isnull=False, remote_check__isnull=True)
                    | models.Q(record__isnull=True, item__isnull=True, remote_check__isnull=False)
                ),
                name="finding_on_a_record_or_a_remote_check",
            ),
        ]

    def __str__(self):
        return self.description[:50]

    @property
    def is_remote(self) -> bool:
        """Found on a remote check's documents, not on site."""
        return self.remote_check_id is not None

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.SUBMITTED, self.Status.RETURNED)


class Signature(models.Model):
    """The enterprise's electronic signature over the SM3 hash of the finalised record's canonical content,
    or its refusal with a written objection."""

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Drawn signature")
        TYPED = "typed", _("Typed name and confirmation")

    record = models.OneToOneField(
        InspectionRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="signature"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("time"))
    refused = models.BooleanField(_("refused"), default=False)
    objection = models.TextField(_("objection"), blank=True)
    method = models.CharField(_("method"), max_length=6, choices=Method.choices, blank=True)
    typed_name = models.CharField(_("typed name"), max_length=60, blank=True)
    image_path = models.CharField(_("signature image"), max_length=200, blank=True)
    content_hash = models.CharField(_("signed content hash (SM3)"), max_length=64)
    seal = models.CharField(
        _("platform seal"), max_length=64, help_text=_("HMAC-SM3 under the platform key over hash, signer and time.")
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self):
        return f"{self.signer} {self.signed_at:%Y-%m-%d %H:%M}"


class Rectification(models.Model):
    """整改: the enterprise's evidence that a minor finding is fixed, and the agency's online acceptance (云验收)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the agency")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="rectifications"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    note = models.TextField(_("what was done"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.finding_id} {self.get_status_display()}"


class Photo(models.Model):
    """An uploaded image, decoded and re-encoded (no EXIF), stored under an unguessable name, served only
    through an access check. Belongs to a checklist item (on-site photo) or a rectification (evidence)."""

    item = models.ForeignKey(
        RecordItem,
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    path = models.CharField(_("stored file"), max_length=200, unique=True)
    content_type = models.CharField(_("content type"), max_length=30)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(item__isnull=False, rectification__isnull=True)
                    | models.Q(item__isnull=True, rectification__isnull=False)
                ),
                name="photo_belongs_to_one_thing",
            )
        ]

    def __str__(self):
        return self.path


from .models_objections import Objection  # noqa: E402  (objections to findings and the right to reply)
from .models_papers import AgencyPaperPrefix, Paper, PaperCounter  # noqa: E402  (the enforcement papers)

__all__ = [
    "AgencyPaperPrefix",
    "CheckIn",
    "Finding",
    "InspectionRecord",
    "Objection",
    "Paper",
    "PaperCounter",
    "Photo",
    "RecordItem",
    "Rectification",
    "Signature",
]
