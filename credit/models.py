from django.db import models
from django.utils.translation import gettext_lazy as _

from .policy import CapPolicy, CapRule  # noqa: F401  (the cap policy tables live in credit/policy.py)


class CreditProfile(models.Model):
    """信用等级 and 白名单 status of an enterprise; inspection is differentiated by it."""

    class Grade(models.TextChoices):
        A = "A", _("A – good credit")
        B = "B", _("B – fair credit")
        C = "C", _("C – poor credit")
        D = "D", _("D – serious dishonesty")

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="credit"
    )
    grade = models.CharField(_("credit grade"), max_length=1, choices=Grade.choices, default=Grade.B)
    whitelisted = models.BooleanField(_("whitelisted"), default=False, db_index=True)
    whitelisted_since = models.DateField(_("whitelisted since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("credit profile")
        verbose_name_plural = _("credit profiles")
        indexes = [
            # The whitelist's size by division (``oversight.figures``): the whitelisted profiles' enterprises, read
            # from the index alone and joined to ``enterprise_division_id`` (docs/performance.md, oversight).
            models.Index(fields=["enterprise"], condition=models.Q(whitelisted=True), name="creditprofile_whitelist"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.grade}"


# -- grades, the whitelist's life and credit events (issue 9) ------------------------------------------------
# ``CreditProfile`` above stays the current state the rest of the code reads; the rows below are its history,
# written only through ``credit.services`` (grades.py, whitelist.py, events.py).


class CreditGrade(models.Model):
    """One grade given to an enterprise by a source (信用中国（山东）, the market regulator's credit
    classification, ...), valid from a day, until a day or open-ended. The current grade is derived from
    these rows by ``credit.services.credit_grades_derive``."""

    class Source(models.TextChoices):
        CREDIT_CHINA_SD = "credit_china_sd", _("Credit China (Shandong)")
        MARKET_CLASSIFICATION = "market_classification", _("Market regulation credit classification")
        ADMIN = "admin", _("Set by a platform administrator")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="credit_grades"
    )
    grade = models.CharField(_("credit grade"), max_length=1, choices=CreditProfile.Grade.choices)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit grade")
        verbose_name_plural = _("credit grades")
        constraints = [
            # What an import identifies a row by: rerunning a file updates the row instead of adding one.
            models.UniqueConstraint(fields=["enterprise", "source", "valid_from"], name="credit_grade_once_per_day"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-valid_from", "-id"], name="credit_grade_history"),
            # the daily job's grades that came into force or lapsed (credit_grades_refresh_due)
            models.Index(fields=["valid_from"], name="credit_grade_from"),
            models.Index(fields=["valid_to"], name="credit_grade_to"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.grade} {self.get_source_display()} {self.valid_from}"


class WhitelistEntry(models.Model):
    """An enterprise's time on the whitelist (白名单): proposed by the job, confirmed (listed) or declined by
    the justice bureau, ended when the grade falls below A or a serious finding is recorded."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        LISTED = "listed", _("Listed")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    class EndKind(models.TextChoices):
        GRADE_FELL = "grade_fell", _("The credit grade fell below A")
        SERIOUS_FINDING = "serious_finding", _("A serious finding was recorded")
        ADMIN = "admin", _("Removed by a platform administrator")

    OPEN = (Status.PROPOSED, Status.LISTED)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE,
        related_name="whitelist_entries",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    authority = models.ForeignKey(
        "accounts.Agency", verbose_name=_("listing authority"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="whitelist_entries",
    )
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_kind = models.CharField(_("ended because"), max_length=16, choices=EndKind.choices, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("whitelist entry")
        verbose_name_plural = _("whitelist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=models.Q(status__in=["proposed", "listed"]),
                name="whitelist_one_open_entry",
            ),
        ]
        indexes = [
            # The public list (newest first) and the justice bureau's queue (oldest first), in index order.
            models.Index(fields=["status", "-listed_on", "-id"], name="whitelist_public_order"),
            models.Index(fields=["status", "proposed_on", "id"], name="whitelist_queue_order"),
            models.Index(fields=["enterprise", "status", "decided_on"], name="whitelist_by_enterprise"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.status}"


class CreditEvent(models.Model):
    """What the apps above credit report about an enterprise that bears on its whitelist: a serious finding
    (inspections), an upheld complaint (complaints). Written by ``credit.services.credit_event_record``."""

    class Kind(models.TextChoices):
        SERIOUS_FINDING = "serious_finding", _("Serious finding")
        COMPLAINT_UPHELD = "complaint_upheld", _("Complaint upheld")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="credit_events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    source_ref = models.CharField(_("source reference"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        constraints = [models.UniqueConstraint(fields=["kind", "source_ref"], name="credit_event_once")]
        indexes = [models.Index(fields=["enterprise", "occurred_on"], name="credit_event_recent")]

    def __str__(self):
        return f"{self.enterprise_id} {self.kind} {self.occurred_on}"


# The sampling rates of random checks are a separate policy with its own module.
from .sampling import SamplingRate  # noqa: E402, F401


class CreditGradeImport(models.Model):
    """One uploaded CSV of credit grades and its run in the background (``credit.grade_imports``): the
    progress, the counts and the bad rows by line. The same service as ``manage.py import_credit_grades``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey("accounts.User", verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="credit-imports/%Y/%m/")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    total_lines = models.PositiveIntegerField(_("lines"), default=0)
    done_lines = models.PositiveIntegerField(_("lines read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    bad = models.PositiveIntegerField(_("bad rows"), default=0)
    bad_rows = models.JSONField(_("bad rows (the first ones)"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit grade import")
        verbose_name_plural = _("credit grade imports")
        indexes = [models.Index(fields=["-uploaded_at", "-id"], name="credit_import_newest")]

    def __str__(self):
        return f"{self.file_name} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.done_lines * 100 // self.total_lines) if self.total_lines else 0
