"""行政执法监督 (行政执法监督条例, State Council Decree 825): the justice bureau's supervision opinions (监督意见)
and correction notices (纠正通知) to an agency about a plan, a visit, a green-channel inspection judged
unjustified or an upheld complaint, with a deadline in working days, the agency's answer and the bureau's
acceptance or return for a new answer.

Its own app, above ``plans``, ``inspections`` and ``complaints``: an opinion points at their objects, and
none of them needs to know opinions exist (their pages only link here)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Opinion(models.Model):
    """监督意见 / 纠正通知: one opinion or correction of one justice bureau to one agency about one subject."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("Supervision opinion")
        CORRECTION = "correction", _("Correction notice")

    class Subject(models.TextChoices):
        PLAN = "plan", _("Inspection plan")
        VISIT = "visit", _("Joint visit")
        GREEN_CHANNEL = "green_channel", _("Green-channel inspection judged unjustified")
        COMPLAINT = "complaint", _("Upheld complaint")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued, awaiting the agency's answer")
        ANSWERED = "answered", _("Answered, awaiting the bureau")
        ACCEPTED = "accepted", _("Answer accepted")
        RETURNED = "returned", _("Returned for a new answer")

    # The agency has to answer: issued, or returned for a new answer.
    AWAITING_ANSWER = (Status.ISSUED, Status.RETURNED)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=14, choices=Subject.choices)
    # Exactly one subject, matching ``subject`` (the constraint below): a plan (also for a green-channel
    # inspection, which is an urgent plan), a visit, or a complaint.
    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="supervision_opinions")
    task = models.ForeignKey("plans.JointTask", verbose_name=_("visit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="supervision_opinions")
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="supervision_opinions")
    agency = models.ForeignKey("accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="supervision_opinions")
    justice_bureau = models.ForeignKey("accounts.Agency", verbose_name=_("justice bureau"), on_delete=models.PROTECT,
                                       related_name="issued_supervision_opinions")
    text = models.TextField(_("opinion"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_on = models.DateField(_("issued on"))
    due_workdays = models.PositiveSmallIntegerField(_("answer within (working days)"))
    due_on = models.DateField(_("answer due by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    answer = models.TextField(_("the agency's answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answers = models.PositiveSmallIntegerField(_("answers given"), default=0)
    review_note = models.TextField(_("the bureau's note on the answer"), blank=True)
    # Set once by the daily job (supervision.overdue.opinions_overdue_flag) when the answer is late; cleared
    # when the agency answers or the bureau sets a new deadline by returning the answer.
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supervision opinion")
        verbose_name_plural = _("supervision opinions")
        indexes = [
            # the lists, newest first: a bureau's, an agency's; the daily job's awaited ones by deadline; the
            # counts by agency and state (supervision.selectors.opinion_counts)
            models.Index(fields=["justice_bureau", "-created_at", "-id"], name="opinion_bureau_list"),
            models.Index(fields=["agency", "-created_at", "-id"], name="opinion_agency_list"),
            models.Index(fields=["status", "due_on"], name="opinion_awaited_due"),
            models.Index(fields=["agency", "status", "kind"], name="opinion_counts"),
        ]
        constraints = [
            models.CheckConstraint(
                name="opinion_has_exactly_its_subject",
                condition=(
                    Q(subject__in=["plan", "green_channel"], plan__isnull=False, task__isnull=True,
                      complaint__isnull=True)
                    | Q(subject="visit", plan__isnull=True, task__isnull=False, complaint__isnull=True)
                    | Q(subject="complaint", plan__isnull=True, task__isnull=True, complaint__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def awaits_answer(self) -> bool:
        return self.status in self.AWAITING_ANSWER

    @property
    def subject_object(self):
        return self.plan or self.task or self.complaint


class OpinionStep(models.Model):
    """One step of an opinion (issued, answered, accepted, returned, overdue), as both sides read it; the audit
    trail keeps the same."""

    opinion = models.ForeignKey(Opinion, verbose_name=_("supervision opinion"), on_delete=models.CASCADE,
                                related_name="steps")
    action = models.CharField(_("action"), max_length=12)
    status = models.CharField(_("status after"), max_length=10, choices=Opinion.Status.choices)
    note = models.TextField(_("note"), blank=True)
    actor_repr = models.CharField(_("by"), max_length=200)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision opinion step")
        verbose_name_plural = _("supervision opinion steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.opinion_id}:{self.action}"
