"""行为云监督: an enterprise's complaints about a visit or an officer, handled by the justice bureau of the
right level and forwarded to the 12345 enterprise hotline (政企通)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Complaint(models.Model):
    """投诉: one complaint of one enterprise, with its deadlines in working days and its hotline delivery."""

    class Kind(models.TextChoices):
        NOT_SCANNED = "not_scanned", _("Entered without scanning the code")
        NOT_REGISTERED = "not_registered", _("Inspection not registered on the platform")
        REPEATED = "repeated", _("Repeated inspection")
        NOT_CERTIFIED = "not_certified", _("Officer not certified")
        CONDUCT = "conduct", _("Improper conduct or demands")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Enterprise portal")
        VISIT = "visit", _("Visit page")
        RECORD = "record", _("Record page")
        CODE = "code", _("Inspection-code page")
        API = "api", _("Enterprise app")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted for handling")
        INVESTIGATING = "investigating", _("Investigating")
        UPHELD = "upheld", _("Upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")
        CLOSED = "closed", _("Closed")

    class Delivery(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered to 12345")
        FAILED = "failed", _("Delivery failed, retrying")

    OPEN = (Status.RECEIVED, Status.ACCEPTED, Status.INVESTIGATING)
    DECIDED = (Status.UPHELD, Status.NOT_UPHELD)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="complaints"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("filed from"), max_length=8, choices=Source.choices, default=Source.PORTAL)
    text = models.TextField(_("complaint"))
    task = models.ForeignKey(
        "plans.JointTask", verbose_name=_("visit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer complained about"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="complaints_about",
    )
    # An unregistered inspection: the code (or its text) the enterprise was shown, as it read it.
    inspection_code = models.CharField(_("inspection code shown"), max_length=200, blank=True)
    justice_bureau = models.ForeignKey(
        "accounts.Agency", verbose_name=_("justice bureau"), on_delete=models.PROTECT, related_name="complaints"
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField(_("received on"))
    routed_on = models.DateField(_("routed to this bureau on"))
    accept_due = models.DateField(_("handling starts by"))
    reply_due = models.DateField(_("reply due by"))
    extension_workdays = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # Set by the daily job (complaints.deadlines.complaints_overdue_flag): the deadline passed, the bureau of
    # the level above was told.
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "accounts.Agency", verbose_name=_("escalated to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="escalated_complaints",
    )
    # The idempotency key the hotline echoes; one per complaint, whatever the number of attempts.
    hotline_key = models.CharField(_("hotline idempotency key"), max_length=64, unique=True)
    hotline_delivery = models.CharField(
        _("hotline delivery"), max_length=10, choices=Delivery.choices, default=Delivery.PENDING
    )
    hotline_ticket = models.CharField(_("12345 ticket"), max_length=64, blank=True)
    hotline_delivered_at = models.DateTimeField(_("delivered to 12345 at"), null=True, blank=True)
    hotline_attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    hotline_last_error = models.CharField(_("last delivery error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # the lists: an enterprise's, a bureau's (newest first); the daily job's open ones by deadline
            models.Index(fields=["enterprise", "-created_at", "-id"], name="complaint_enterprise_list"),
            models.Index(fields=["justice_bureau", "-created_at", "-id"], name="complaint_bureau_list"),
            models.Index(fields=["status", "reply_due"], name="complaint_open_due"),
        ]

    def __str__(self):
        return f"{_('Complaint')} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ComplaintStep(models.Model):
    """One step of a complaint's handling, as the enterprise sees it (the audit trail keeps the same)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="steps")
    action = models.CharField(_("action"), max_length=20)
    status = models.CharField(_("status after"), max_length=14, choices=Complaint.Status.choices)
    note = models.TextField(_("note"), blank=True)
    actor_repr = models.CharField(_("by"), max_length=200)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.complaint_id}:{self.action}"


class ComplaintPhoto(models.Model):
    """A photo attached to a complaint, stored by ``inspections.uploads`` (pixels only, private)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="photos")
    path = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")

    def __str__(self):
        return self.path


class HotlineInbound(models.Model):
    """An update the hotline posted, by its id: a second post of the same id is a replay and refused."""

    update_id = models.CharField(_("update id"), max_length=64, unique=True)
    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hotline update")
        verbose_name_plural = _("hotline updates")

    def __str__(self):
        return self.update_id


class VisitRating(models.Model):
    """满意度: the enterprise's rating of one of its visits after it, 1 to 5 with a comment. Who rated is seen by
    the enterprise itself and the justice bureau only; an agency reads aggregates of at least
    ``complaints.ratings.MIN_GROUP`` ratings (``complaints.selectors.rating_summary``)."""

    task = models.OneToOneField(
        "plans.JointTask", verbose_name=_("visit"), on_delete=models.PROTECT, related_name="rating"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="visit_ratings"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score (1-5)"))
    comment = models.TextField(_("comment"), blank=True)
    # The enterprise's division and the day, copied so the summaries group by district and month in one index
    # range without joining the enterprises.
    division = models.CharField(_("administrative division"), max_length=6, editable=False)
    rated_on = models.DateField(_("rated on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit rating")
        verbose_name_plural = _("visit ratings")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="visitrating_score_1_5"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-rated_on", "-id"], name="visitrating_enterprise"),
            models.Index(fields=["division", "-rated_on", "-id"], name="visitrating_division"),
            models.Index(fields=["rated_on", "division"], name="visitrating_month"),
        ]

    def __str__(self):
        return f"{self.task_id}: {self.score}"


class ServiceRequest(models.Model):
    """入市第一课 / 服务诉求: the enterprise asks for help during or after a visit; routed by its category and
    the enterprise's division (``ServiceRoute``) to one agency, answered there and closed."""

    class Category(models.TextChoices):
        BRAND = "brand", _("Brand building")
        IP = "ip", _("Intellectual-property protection")
        COMPLIANCE = "compliance", _("Compliance guidance")
        FINANCING = "financing", _("Financing")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
        related_name="service_requests",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        "plans.JointTask", verbose_name=_("visit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="service_requests",
    )
    category = models.CharField(_("kind of help"), max_length=12, choices=Category.choices)
    text = models.TextField(_("request"))
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="service_requests"
    )
    division = models.CharField(_("administrative division"), max_length=6, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    filed_on = models.DateField(_("asked on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["enterprise", "-created_at", "-id"], name="servicerequest_enterprise"),
            models.Index(fields=["agency", "-created_at", "-id"], name="servicerequest_agency"),
            # A justice bureau's list: its divisions' requests, newest first.
            models.Index(fields=["division", "-created_at", "-id"], name="servicerequest_division"),
            models.Index(fields=["filed_on", "division"], name="servicerequest_month"),
        ]

    def __str__(self):
        return f"{_('Service request')} #{self.pk}"


class ServiceRequestReroute(models.Model):
    """改派: a request that reached the wrong agency sent on to another by the agency that had it or by the
    justice bureau of the enterprise's division, with the reason; the enterprise sees each one on its request
    (``complaints.services_requests.service_request_reroute``)."""

    request = models.ForeignKey(ServiceRequest, verbose_name=_("service request"), on_delete=models.CASCADE,
                                related_name="reroutes")
    from_agency = models.ForeignKey("accounts.Agency", verbose_name=_("from"), on_delete=models.PROTECT,
                                    related_name="+")
    to_agency = models.ForeignKey("accounts.Agency", verbose_name=_("to"), on_delete=models.PROTECT,
                                  related_name="+")
    by_agency = models.ForeignKey("accounts.Agency", verbose_name=_("re-routed by"), on_delete=models.PROTECT,
                                  related_name="+")
    rerouted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("re-routed by (person)"),
                                    on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service request re-route")
        verbose_name_plural = _("service request re-routes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.request_id}: {self.from_agency_id} → {self.to_agency_id}"


class ServiceRoute(models.Model):
    """Which department answers which kind of help (知识产权 at the market regulator, 创业担保贷款 at human
    resources and social security ...), optionally for one division: data, edited in the admin. The request
    goes to that department's agency in the enterprise's division, else to the city's
    (``complaints.services.service_request_route``)."""

    category = models.CharField(_("kind of help"), max_length=12, choices=ServiceRequest.Category.choices)
    division = models.CharField(_("administrative division"), max_length=6, blank=True,
                                help_text=_("Empty: every division without a route of its own."))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("service request route")
        verbose_name_plural = _("service request routes")
        ordering = ["category", "division"]
        constraints = [
            models.UniqueConstraint(fields=["category", "division"], name="serviceroute_category_division"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.division or '*'} → {self.department}"
