import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def fixing_horizon(today: dt.date) -> dt.date:
    """The last visit date that is fixed on ``today``: a visit's date stops moving VISIT_FIX_DAYS_BEFORE days
    ahead (the enterprise is notified then)."""
    return today + dt.timedelta(days=settings.VISIT_FIX_DAYS_BEFORE)


class JointTaskQuerySet(models.QuerySet):
    def with_notice(self):
        """The visits that have an inspection notice: the query form of ``JointTask.has_notice``."""
        return self.filter(fixed=True).exclude(status=JointTask.Status.CANCELLED)

    def due_for_fixing(self, today: dt.date):
        """Visits not yet fixed whose date falls within the fixing period (today to ``fixing_horizon``). The one
        definition: the scheduler treats them as fixed, the daily job and every reschedule fix them. A visit
        whose day has passed is not due for fixing: the daily job marks it missed (``plans.missed``)."""
        return self.filter(
            fixed=False,
            status=JointTask.Status.SCHEDULED,
            visit_date__gte=today,
            visit_date__lte=fixing_horizon(today),
        )


class JointTask(models.Model):
    """联合检查任务: one visit to one enterprise on one day, serving one or more plans."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        FIXED = "fixed", _("Fixed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        MISSED = "missed", _("Missed")

    # A visit on its day or after it, in progress or done, is a fact: the scheduler works around it and never
    # moves its plans (``plans.matching``).
    CARRIED_OUT = (Status.IN_PROGRESS, Status.DONE)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="joint_tasks"
    )
    visit_date = models.DateField(_("visit date"), db_index=True)
    # The enterprise's division, copied at creation (``plans.matching``, the green-channel visit) so that the
    # statistics find a division's visits of a day by index (``plans.statistics.cells_refresh``).
    division = models.CharField(_("administrative division"), max_length=6, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    fixed = models.BooleanField(_("fixed"), default=False, help_text=_("A fixed visit's date no longer moves."))
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    urgent = models.BooleanField(_("green channel"), default=False)
    lead_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("lead agency"), null=True, on_delete=models.PROTECT, related_name="led_tasks"
    )
    theme = models.ForeignKey(
        "catalogue.Theme", verbose_name=_("theme"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The visit's own figures for the statistics, stored by ``plans.matching.joint_task_counts_refresh``
    # in the transaction that changes which plans it serves (a recount of the served plans on the visit).
    n_plans = models.PositiveIntegerField(_("plans served"), default=0, editable=False)
    n_agencies = models.PositiveIntegerField(_("agencies served"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = JointTaskQuerySet.as_manager()

    # An on-site inspection is carried out by at least two certified officers (行政处罚法 art. 42, 55):
    # counted over the visit's live plans (plans.selectors.task_certified_officers), on site over check-ins.
    MIN_CERTIFIED_OFFICERS = 2
    # Officers check in (扫码入企) on a fixed visit, and on one already under way.
    OPEN_FOR_CHECK_IN = (Status.FIXED, Status.IN_PROGRESS)
    # Visit burden (``plans.burden``): every visit that came to the enterprise's door or was due at it counts,
    # joint, green-channel, re-check, random or missed alike; scheduled, fixed and cancelled ones do not yet.
    BURDEN = (Status.IN_PROGRESS, Status.DONE, Status.MISSED)

    class Meta:
        verbose_name = _("joint inspection task")
        verbose_name_plural = _("joint inspection tasks")
        ordering = ["visit_date", "id"]
        indexes = [
            models.Index(fields=["enterprise", "visit_date"]),
            models.Index(fields=["fixed", "visit_date"]),
            # Every visit list sorts by (visit_date, id), up or down.
            models.Index(fields=["visit_date", "id"], name="jointtask_visit_date_id"),
            # The statistics' refresh: a division's visits of some days.
            models.Index(fields=["division", "visit_date"], name="jointtask_division_day"),
            # The statistics count the few missed visits directly (``plans.statistics``).
            models.Index(fields=["visit_date"], condition=models.Q(status="missed"), name="jointtask_missed_day"),
            # Visit burden (``plans.burden``): the city's visits of a period counted per enterprise from the index
            # alone (partial on the statuses that count, ``JointTask.BURDEN``).
            models.Index(fields=["visit_date", "enterprise"],
                         condition=models.Q(status__in=["in_progress", "done", "missed"]), name="jointtask_burden"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.visit_date:%Y-%m-%d}"

    @property
    def is_open_for_check_in(self) -> bool:
        return self.status in self.OPEN_FOR_CHECK_IN

    @property
    def has_notice(self) -> bool:
        """检查告知书: a visit has a notice the enterprise can see (page, PDF, inspection code) once it is fixed,
        unless it was cancelled; before that its date and agencies may still change. The query form is
        ``JointTask.objects.with_notice()``."""
        return self.notice_given(fixed=self.fixed, status=self.status)

    @classmethod
    def notice_given(cls, *, fixed: bool, status: str) -> bool:
        """``has_notice`` from the two columns (the list rows of ``plans.listing`` read no instances)."""
        return fixed and status != cls.Status.CANCELLED


class Participation(models.Model):
    """参与: an agency takes part in a visit (at least one of its plans is on it, whatever the plan's status),
    with the visit's date copied, so that an agency's visits are one index range in date order instead of a
    walk over every visit of the city with a check per visit. Derived data: written only by
    ``plans.participation.participation_refresh``, from the plans, in the transaction that moves them."""

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    joint_task = models.ForeignKey(
        JointTask,
        verbose_name=_("joint inspection task"),
        on_delete=models.CASCADE,
        related_name="participations",
        db_index=False,
    )
    visit_date = models.DateField(_("visit date"))

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["joint_task", "agency"], name="participation_task_agency")]
        indexes = [
            # An officer's visit lists, calendar and dashboard: the agency's visits in date order, either way.
            models.Index(fields=["agency", "visit_date", "joint_task"], name="participation_agency_date"),
        ]

    def __str__(self):
        return f"{self.agency_id} @ {self.joint_task_id}"


class Plan(models.Model):
    """检查计划: one agency's intention to inspect one enterprise within a window of dates."""

    class Status(models.TextChoices):
        PENDING_REVIEW = "pending_review", _("Awaiting justice bureau review")
        PENDING_APPROVAL = "pending_approval", _("Awaiting the agency head's approval")
        FILED = "filed", _("Filed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DONE = "done", _("Carried out")
        NOT_CARRIED_OUT = "not_carried_out", _("Not carried out")
        # 非现场检查 (``plans.remote``): never live, never on a visit, never counted against a cap.
        REMOTE = "remote", _("Remote check")

    class UrgentCategory(models.TextChoices):
        STATE_COUNCIL_TOUR = "state_council_tour", _("State Council inspection tour")
        PUBLIC_REPORT = "public_report", _("Public report or complaint")
        ACCIDENT = "accident", _("Accident or emergency")
        HIGHER_ASSIGNMENT = "higher_assignment", _("Assignment from a higher level")
        OTHER = "other", _("Other")

    class CapExemption(models.TextChoices):
        NONE = "", _("Not exempt")
        RECHECK = "recheck", _("Re-check of rectification")
        SPECIAL = "special", _("Special inspection ordered from above")

    class PostReview(models.TextChoices):
        NOT_NEEDED = "", _("Not needed")
        PENDING = "pending", _("Awaiting review after the fact")
        JUSTIFIED = "justified", _("Justified")
        UNJUSTIFIED = "unjustified", _("Not justified")

    class HeadApproval(models.TextChoices):
        """检查审批 (``plans.approval``): a routine plan waits for it (``Status.PENDING_APPROVAL``); a
        green-channel inspection gets it after the fact, within ``GREEN_CHANNEL_APPROVAL_WORKDAYS``."""

        NOT_NEEDED = "", _("Not needed")
        PENDING = "pending", _("Awaiting the agency head's approval")
        APPROVED = "approved", _("Approved by the agency head")
        REJECTED = "rejected", _("Not approved by the agency head")

    # Only a live plan takes part in matching (``plans.matching.load_states``): a plan awaiting the justice
    # bureau's review or its head's approval does not.
    LIVE = (Status.FILED, Status.APPROVED)
    # The statuses in which the filing agency may still change its plan (officers) or withdraw it: every
    # status before the plan is decided against (rejected), given up (withdrawn) or carried out (done).
    EDITABLE = (Status.PENDING_REVIEW, Status.PENDING_APPROVAL, Status.FILED, Status.APPROVED)
    # Plans a visit serves (or served): the ones the statistics count.
    SERVED = (Status.FILED, Status.APPROVED, Status.DONE)

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="plans"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="filed_plans"
    )
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers"), related_name="plans")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="plans"
    )
    theme = models.ForeignKey(
        "catalogue.Theme",
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    matters = models.ManyToManyField("catalogue.Matter", verbose_name=_("matters"), related_name="plans")
    window_start = models.DateField(_("earliest visit date"))
    window_end = models.DateField(_("latest visit date"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    filed_on = models.DateField(_("filing day"), db_index=True, help_text=_("The filing day in Asia/Shanghai time."))
    campaign = models.CharField(_("campaign reference"), max_length=40, blank=True, db_index=True)

    urgent = models.BooleanField(_("green channel"), default=False)
    urgent_category = models.CharField(
        _("urgency reason category"), max_length=30, choices=UrgentCategory.choices, blank=True
    )
    urgent_reason = models.TextField(_("urgency reason"), blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, db_index=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    post_review = models.CharField(
        _("review after the fact"), max_length=12, choices=PostReview.choices, blank=True, default=PostReview.NOT_NEEDED
    )
    post_review_note = models.TextField(_("review after the fact: note"), blank=True)
    post_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed after the fact by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    post_reviewed_at = models.DateTimeField(_("reviewed after the fact at"), null=True, blank=True)

    joint_task = models.ForeignKey(
        JointTask,
        verbose_name=_("joint inspection task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    invitation = models.ForeignKey(
        "Invitation",
        verbose_name=_("in response to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response_plans",
    )
    ahead_from = models.DateField(
        _("earliest visit filed 7 days ahead"),
        null=True,
        blank=True,
        help_text=_(
            "A visit on or after this day counts as filed 7 days ahead: the filing day plus 7, or the lead "
            "plan's for a response to an invitation; empty for a green-channel plan."
        ),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    refiled_from = models.ForeignKey(
        "self",
        verbose_name=_("refiled from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refiled_as",
        help_text=_("The plan not carried out that this plan files again."),
    )
    # 检查频次上限 (``plans.caps``): a plan the rules exempt from the yearly caps besides the green channel's
    # exempt categories, and the reason a plan over a cap was routed to the justice bureau.
    cap_exemption = models.CharField(
        _("exempt from the yearly caps"), max_length=8, choices=CapExemption.choices, blank=True, default=""
    )
    cap_note = models.TextField(_("yearly cap"), blank=True)

    # 检查审批 (``plans.approval``): the head's approval, a step in the plan's history (who, when, the opinion).
    head_approval = models.CharField(
        _("agency head's approval"), max_length=8, choices=HeadApproval.choices, blank=True,
        default=HeadApproval.NOT_NEEDED,
    )
    head_approval_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    head_approval_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    head_approval_note = models.TextField(_("the head's opinion"), blank=True)
    # A green-channel inspection still without its approval after the set working days, flagged to the justice
    # bureau (the claim of ``plans.approval.green_channel_approvals_flag_overdue``: flagged once).
    head_approval_flagged_at = models.DateTimeField(_("missing approval flagged at"), null=True, blank=True)
    # 专项检查 (``plans.special``): the approved special campaign this plan was filed under; such a plan is the
    # "special inspection ordered from above" that ``plans.caps`` exempts (``cap_exemption``).
    special_campaign = models.ForeignKey(
        "SpecialCampaign", verbose_name=_("special inspection campaign"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="plans",
    )
    # 能非现场的不进企业 (``plans.remote``): a plan whose matters can all be checked remotely and that still
    # visits says why; the reason is in its history and on the pages the justice bureau sees.
    visit_reason = models.TextField(_("why a visit is needed"), blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["agency", "status"]),
            # The plan lists: an agency's newest first, and the justice bureau's and admin's across agencies.
            models.Index(fields=["agency", "-filed_at", "-id"], name="plan_agency_filed"),
            models.Index(fields=["-filed_at", "-id"], name="plan_filed"),
            # "Does this agency take part in this visit?": the EXISTS of every officer's visit list.
            models.Index(fields=["joint_task", "agency"], name="plan_task_agency"),
            # The review queues, in their order.
            models.Index(fields=["status", "window_start", "id"], name="plan_status_window"),
            models.Index(fields=["post_review", "filed_at"], name="plan_post_review_filed"),
            # A bureau's count of that queue over its agencies (the justice dashboard): the few pending plans
            # of each agency, not the agency's whole year ANDed with every pending plan of the city.
            models.Index(fields=["agency", "filed_at", "id"], condition=models.Q(post_review="pending"),
                         name="plan_post_review_agency"),
            # The head's queue in its order, and the daily check of green-channel approvals: the few plans
            # awaiting their head.
            models.Index(fields=["agency", "filed_at", "id"], condition=models.Q(head_approval="pending"),
                         name="plan_head_approval_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")), name="plan_window_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.agency} → {self.enterprise} ({self.window_start:%m-%d}–{self.window_end:%m-%d})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def is_editable(self) -> bool:
        """The filing agency may still change the plan's officers (``plan_officers_set``)."""
        return self.status in self.EDITABLE

    @property
    def can_withdraw(self) -> bool:
        """The filing agency may still withdraw the plan (``plan_withdraw``): editable, and its visit, if
        any, not yet fixed (the enterprise has been notified of a fixed visit)."""
        return self.withdrawable(status=self.status, task_fixed=bool(self.joint_task_id and self.joint_task.fixed))

    @classmethod
    def withdrawable(cls, *, status: str, task_fixed: bool | None) -> bool:
        """``can_withdraw`` from the plan's status and its visit's ``fixed`` (None without a visit)."""
        return status in cls.EDITABLE and not task_fixed

    @staticmethod
    def horizon_end(today: dt.date) -> dt.date:
        """The last day anything may be planned for today (``PLAN_HORIZON_DAYS``): a plan's earliest visit
        date and an enterprise's busy period alike (the scheduler never looks further)."""
        return today + dt.timedelta(days=settings.PLAN_HORIZON_DAYS)

    # -- filed 7 days ahead (提前7天报备): the one definition, used by the filing check, the statistics and
    # every page or endpoint that shows it. A routine plan counts from its own filing day; a response to an
    # invitation from the lead plan's, since it joins a visit the lead agency filed ahead; a green-channel
    # plan is never filed ahead. The day is stored at filing so that the statistics compare two columns.

    @staticmethod
    def ahead_from_for(*, filed_on: dt.date, urgent: bool, lead_plan: "Plan | None" = None) -> dt.date | None:
        """The earliest visit date that counts as filed ahead for a plan filed on ``filed_on``."""
        if urgent:
            return None
        if lead_plan is not None:
            return lead_plan.ahead_from
        return filed_on + dt.timedelta(days=settings.PLAN_ADVANCE_DAYS)

    @staticmethod
    def filed_ahead_q() -> models.Q:
        """The plans whose visit counts as filed 7 days ahead, as a filter over plans (SQL)."""
        return models.Q(ahead_from__isnull=False, joint_task__visit_date__gte=models.F("ahead_from"))

    @property
    def filed_ahead(self) -> bool | None:
        """Whether this plan's visit counts as filed 7 days ahead; None while it has no visit."""
        if self.joint_task_id is None:
            return None
        return self.filed_ahead_for(ahead_from=self.ahead_from, visit_date=self.joint_task.visit_date)

    @staticmethod
    def filed_ahead_for(*, ahead_from: dt.date | None, visit_date: dt.date) -> bool:
        """``filed_ahead`` of a plan on a visit, from the two dates (the list rows read no instances)."""
        return ahead_from is not None and visit_date >= ahead_from


class StatisticsCounts(models.Model):
    """The additive figures of a statistics rollup, at every grain (``StatisticsFigures``' day and month cells,
    ``StatisticsAgencyMonth``)."""

    plans = models.PositiveIntegerField(_("plans served"))
    # Σ 1/k over the plans, k the plans their visit serves: the plans' share of their visits.
    visit_share = models.FloatField(_("visit share"))
    joint_plans = models.PositiveIntegerField(_("plans served jointly"))
    filed_ahead = models.PositiveIntegerField(_("plans filed 7 days ahead"))
    green_channel = models.PositiveIntegerField(_("green-channel plans"))
    green_channel_justified = models.PositiveIntegerField(_("green channel: justified"))
    green_channel_unjustified = models.PositiveIntegerField(_("green channel: not justified"))
    green_channel_pending = models.PositiveIntegerField(_("green channel: awaiting review"))
    # The plans whose visit has a finalised record, and of them those whose agency recorded a finding there
    # (the share of inspections that found a problem; what inspections hands in: plans.statistics).
    inspected = models.PositiveIntegerField(_("plans inspected (record finalised)"), default=0)
    found_problem = models.PositiveIntegerField(_("plans inspected that found a problem"), default=0)

    class Meta:
        abstract = True


class StatisticsFigures(StatisticsCounts):
    """What a statistics cell holds, at either grain (``StatisticsCell`` a day, ``StatisticsMonthCell`` a
    month): the additive figures of the plans one agency filed under one theme (or none) that serve the
    enterprises of one division."""

    division = models.CharField(_("enterprise's division"), max_length=6)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    theme = models.ForeignKey(
        "catalogue.Theme",
        verbose_name=_("theme"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )

    class Meta:
        abstract = True


class StatisticsCell(StatisticsFigures):
    """The statistics' rollup: the additive figures of the plans one agency filed under one theme (or none)
    that visits on one day to the enterprises of one division serve. Equal to a recount from the plans and
    visits except for the (division, day) pairs logged in ``StatisticsDirty`` (the readers compute those from
    the plans) until ``plans.statistics.cells_compact`` recomputes them; ``manage.py statistics_rebuild``
    rebuilds them from scratch."""

    day = models.DateField(_("visit date"))

    class Meta:
        verbose_name = _("statistics cell")
        verbose_name_plural = _("statistics cells")
        indexes = [
            # The refresh replaces a division's cells of some days; the readers sum a range of days, the
            # city's or a district's bureau over all agencies, an officer over the agency's.
            models.Index(fields=["division", "day"], name="statisticscell_division_day"),
            models.Index(fields=["agency", "day"], name="statisticscell_agency_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.division} {self.agency_id} {self.theme_id}"


class StatisticsMonthCell(StatisticsFigures):
    """The statistics' month grain: the ``StatisticsCell`` rows of one month summed per (division, agency,
    theme), so that a reader of whole months sums some 30,000 rows for the city's year instead of 514,000.
    Derived from the day cells only, by ``plans.statistics`` in the same transaction that rewrites any day cell
    of its (division, month) (the compaction, the rebuild), so it always equals the sum of its day cells; the
    readers take a (division, month) holding a dirty day from its day cells instead."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    class Meta:
        verbose_name = _("statistics month cell")
        verbose_name_plural = _("statistics month cells")
        indexes = [
            models.Index(fields=["division", "month"], name="statisticsmonth_division"),
            models.Index(fields=["agency", "month"], name="statisticsmonth_agency"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.division} {self.agency_id} {self.theme_id}"


class StatisticsAgencyMonth(StatisticsCounts):
    """The statistics' coarsest grain: the ``StatisticsMonthCell`` rows of one (agency, month) summed over
    every division and theme, for the readers that group by nothing, by agency or by month (the dashboards,
    the city's bureau over its 66 agencies: 12 rows an agency for a year instead of ~500 month cells).
    Derived from the month cells only, by ``plans.statistics._agency_months_write`` in the same transaction
    (and under the month's lock) that rewrites any month cell of that month, so it always equals its month
    cells; a reader takes a month holding a dirty day in any division from the month and day cells instead."""

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    class Meta:
        verbose_name = _("statistics agency month")
        verbose_name_plural = _("statistics agency months")
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="statisticsagencymonth_unique"),
        ]
        # the rewrite replaces whole months; the readers take an agency's (or the bureau's agencies') months
        indexes = [models.Index(fields=["month"], name="statisticsagencymonth_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.agency_id}"


class StatisticsDirty(models.Model):
    """A (division, day) whose ``StatisticsCell`` rows may be stale: appended by every writer that changes a
    figure's input (``plans.statistics.cells_refresh_for_visits``), deleted by the compaction that recomputes
    them (``plans.statistics.cells_compact``). Append-only and without a unique constraint, so that two
    writers never wait for each other; the readers compute a dirty pair's cells from the plans."""

    id = models.BigAutoField(primary_key=True)
    division = models.CharField(_("enterprise's division"), max_length=6)
    day = models.DateField(_("visit date"))

    class Meta:
        verbose_name = _("stale statistics day")
        verbose_name_plural = _("stale statistics days")
        indexes = [models.Index(fields=["division", "day"], name="statisticsdirty_division_day")]

    def __str__(self):
        return f"{self.day} {self.division}"


class Invitation(models.Model):
    """一家发起、众家响应: a theme's lead agency invites the theme's other agencies to join its visit."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESPONDED = "responded", _("Responded")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    lead_plan = models.ForeignKey(
        Plan, verbose_name=_("lead plan"), on_delete=models.CASCADE, related_name="invitations"
    )
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("invited agency"), on_delete=models.CASCADE, related_name="invitations"
    )
    deadline = models.DateField(_("respond by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["lead_plan", "agency"], name="one_invitation_per_agency")]
        indexes = [
            # An agency's invitations: the API in deadline order, the page newest first, the dashboard's
            # capped count of the open ones (an index range, not ~2,000 heap rows of a big agency).
            models.Index(fields=["agency", "deadline", "id"], name="invitation_agency_deadline"),
            models.Index(fields=["agency", "-created_at", "-id"], name="invitation_agency_created"),
            models.Index(fields=["agency", "status"], name="invitation_agency_status"),
        ]

    def __str__(self):
        return f"{self.agency} ← {self.lead_plan_id}"

    @staticmethod
    def notification_keys(invitation_ids) -> list[str]:
        """The notifications an invitation sends (the invitation, its reminder), by their keys: sent under
        them, resolved by them once the invitation is answered, declined or expired."""
        return [key for pk in invitation_ids for key in (f"invitation:{pk}", f"invitation-reminder:{pk}")]

# -- 回避 (recusal) and 双随机、一公开 (random-check campaigns) -------------------------------------------------


class OfficerConflict(models.Model):
    """回避: an officer who may not inspect an enterprise, declared by the officer (a conflict of interest) or
    decided by the officer's agency on the enterprise's request (``RecusalRequest``). An officer with a
    conflict is named on no plan, drawn in no random check and checked in on no visit of that enterprise
    (``plans.recusal``)."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the officer")
        RECUSAL = "recusal", _("Recusal granted on the enterprise's request")

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="conflicts"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.DECLARED)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("officer conflict of interest")
        verbose_name_plural = _("officer conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["officer", "enterprise"], name="one_conflict_per_pair")]
        indexes = [models.Index(fields=["enterprise", "officer"], name="conflict_enterprise_officer")]

    def __str__(self):
        return f"{self.officer} ≠ {self.enterprise}"


class RecusalRequest(models.Model):
    """申请回避: an enterprise asks, with a reason, that a named officer of one of its planned visits step
    aside; the officer's agency grants (the officer leaves the plan and gets a conflict with the enterprise) or
    refuses with a reason, before the visit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the agency's decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="recusals"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="recusals")
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="recusals"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="recusals"
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)

    class Meta:
        verbose_name = _("recusal request")
        verbose_name_plural = _("recusal requests")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "officer"], condition=models.Q(status="pending"), name="one_pending_recusal"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "-requested_at", "-id"], name="recusal_agency_requested"),
            models.Index(fields=["enterprise", "-requested_at", "-id"], name="recusal_enterprise_requested"),
        ]

    def __str__(self):
        return f"{self.officer} / {self.plan_id}"


class RandomCheckCampaign(models.Model):
    """双随机、一公开: an agency's random-check campaign. The population is snapshotted and the hashes of the
    snapshot and of a secret seed are published (commit) before the draw; the draw reveals the seed, and the
    selection is a function of the seed and the snapshot alone (``plans.draw``), so anyone can replay it."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("Committed, not drawn yet")
        DRAWN = "drawn", _("Drawn")

    code = models.CharField(_("code"), max_length=12, unique=True)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="random_campaigns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    theme = models.ForeignKey(
        "catalogue.Theme", verbose_name=_("theme"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matters = models.ManyToManyField("catalogue.Matter", verbose_name=_("matters"), related_name="+")
    division = models.CharField(_("population: division"), max_length=6, blank=True)
    industry = models.CharField(_("population: industry"), max_length=1, blank=True)
    population_theme = models.ForeignKey(
        "catalogue.Theme", verbose_name=_("population: theme"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    window_start = models.DateField(_("earliest visit date"))
    window_end = models.DateField(_("latest visit date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.COMMITTED)
    snapshot = models.TextField(_("population snapshot"), help_text=_("Canonical JSON; its SHA-256 is published."))
    snapshot_sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64)
    population_size = models.PositiveIntegerField(_("population size"))
    seed = models.CharField(_("seed"), max_length=64, help_text=_("Secret until the draw."))
    seed_sha256 = models.CharField(_("SHA-256 of the seed"), max_length=64)
    created_at = models.DateTimeField(_("committed at"), auto_now_add=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_count = models.PositiveIntegerField(_("enterprises drawn"), default=0)

    class Meta:
        verbose_name = _("random-check campaign")
        verbose_name_plural = _("random-check campaigns")
        indexes = [
            models.Index(fields=["agency", "-created_at", "-id"], name="random_campaign_agency"),
            models.Index(fields=["-created_at", "-id"], name="random_campaign_created"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_drawn(self) -> bool:
        return self.status == self.Status.DRAWN

    def results_public_on(self):
        """Results (who was checked, the outcome) are published once the campaign's window has passed."""
        return self.window_end + dt.timedelta(days=1)


class RandomCheckDraw(models.Model):
    """One drawn enterprise of a campaign with its two officers, and the plan filed for it (or why none)."""

    campaign = models.ForeignKey(
        RandomCheckCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="draws"
    )
    position = models.PositiveIntegerField(_("position"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("credit grade"), max_length=1)
    officers = models.CharField(
        _("officers' certificate numbers"), max_length=200, blank=True, help_text=_("Comma-separated, as drawn.")
    )
    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="random_draw"
    )
    filing_done = models.BooleanField(_("filing attempted"), default=False)
    failure = models.TextField(_("why no plan was filed"), blank=True)

    class Meta:
        verbose_name = _("drawn enterprise")
        verbose_name_plural = _("drawn enterprises")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="one_draw_per_position"),
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="one_draw_per_enterprise"),
        ]
        indexes = [
            models.Index(fields=["campaign", "filing_done", "position"], name="random_draw_to_file"),
        ]

    def __str__(self):
        return f"{self.campaign_id}:{self.position}"

    @property
    def officer_numbers(self) -> list[str]:
        return [n for n in self.officers.split(",") if n]


# -- 年度检查计划 and 专项检查 (``plans.yearly``, ``plans.special``) ------------------------------------------------


class YearlyPlan(models.Model):
    """年度检查计划: what an agency plans to inspect in a year (matters, populations, visits, by when), drafted
    and then published on the public pages, by 31 March of its year (later: published, marked late)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="yearly_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("explanation"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_on = models.DateField(_("publication day"), null=True, blank=True)
    late = models.BooleanField(_("published late"), default=False)

    class Meta:
        verbose_name = _("yearly inspection plan")
        verbose_name_plural = _("yearly inspection plans")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="one_yearly_plan_per_agency_year")]
        indexes = [
            # The public list: a year's published plans, newest first.
            models.Index(fields=["year", "status", "-published_at", "id"], name="yearly_plan_public"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class YearlyPlanLine(models.Model):
    """One line of a yearly plan: a matter in force, its population (district, industry, theme), how many
    visits and by when."""

    plan = models.ForeignKey(YearlyPlan, verbose_name=_("yearly plan"), on_delete=models.CASCADE, related_name="lines")
    matter = models.ForeignKey(
        "catalogue.Matter", verbose_name=_("supervision matter"), on_delete=models.PROTECT, related_name="+"
    )
    division = models.CharField(_("population: division"), max_length=6, blank=True)
    industry = models.CharField(_("population: industry"), max_length=1, blank=True)
    population_theme = models.ForeignKey(
        "catalogue.Theme", verbose_name=_("population: theme"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    visits = models.PositiveIntegerField(_("planned visits"))
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("yearly plan line")
        verbose_name_plural = _("yearly plan lines")
        ordering = ["plan", "id"]

    def __str__(self):
        return f"{self.plan_id}:{self.matter_id}"


class YearlyPlanReminder(models.Model):
    """The reminder that the yearly plan is due by 31 March (``plans.yearly.yearly_plan_reminders_send``): one
    row per agency, year and stage, written by the daily job as its claim, so that each agency is told once
    that the deadline approaches and once that it has passed, however often the job runs."""

    class Stage(models.TextChoices):
        DUE = "due", _("Deadline approaching")
        OVERDUE = "overdue", _("Deadline passed")

    agency = models.ForeignKey("accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("yearly plan reminder")
        verbose_name_plural = _("yearly plan reminders")
        constraints = [models.UniqueConstraint(fields=["agency", "year", "stage"],
                                               name="one_yearly_plan_reminder_per_stage")]

    def __str__(self):
        return f"{self.agency_id}/{self.year}/{self.stage}"


class SpecialCampaign(models.Model):
    """专项检查: a special inspection campaign of an agency. It needs the approval of the level above (the
    parent agency's head, or the city justice bureau for the city government: ``plans.special.approver_for``),
    counts against the agency's yearly quota of special inspections (``SpecialQuota``) and is published when
    approved. Plans filed under it are exempt from the yearly caps (``Plan.CapExemption.SPECIAL``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval by the level above")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Not approved")
        # The agency gave it up before it began (``plans.special.special_campaign_withdraw``): it frees its
        # place in the quota and is no longer published.
        WITHDRAWN = "withdrawn", _("Withdrawn by the agency")

    code = models.CharField(_("code"), max_length=12, unique=True)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="special_campaigns"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    basis = models.TextField(_("reason and legal basis"))
    matters = models.ManyToManyField("catalogue.Matter", verbose_name=_("matters"), related_name="+")
    division = models.CharField(_("population: division"), max_length=6, blank=True)
    industry = models.CharField(_("population: industry"), max_length=1, blank=True)
    population_theme = models.ForeignKey(
        "catalogue.Theme", verbose_name=_("population: theme"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    approver = models.ForeignKey(
        "accounts.Agency", verbose_name=_("approved by (the level above)"), on_delete=models.PROTECT,
        related_name="special_campaigns_to_approve",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    quota = models.PositiveSmallIntegerField(_("quota in force at the request"))
    quota_used = models.PositiveSmallIntegerField(_("special inspections counted before it"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        verbose_name = _("special inspection campaign")
        verbose_name_plural = _("special inspection campaigns")
        indexes = [
            models.Index(fields=["agency", "year", "status"], name="special_agency_year"),
            models.Index(fields=["agency", "-requested_at", "-id"], name="special_agency_requested"),
            models.Index(fields=["approver", "status", "requested_at"], name="special_approver_queue"),
            models.Index(fields=["status", "-decided_at", "-id"], name="special_published"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(window_end__gte=models.F("window_start")),
                                   name="special_window_ordered"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class SpecialQuota(models.Model):
    """专项检查年度限额: how many special inspection campaigns an agency may have in a year (no agency: the
    default for every agency). Set by the city justice bureau; rows are never edited, a change is a new row,
    so the quota in force at any moment is reproducible (``plans.special.quota_in_force``)."""

    year = models.PositiveSmallIntegerField(_("year"))
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: the default for every agency."),
    )
    quota = models.PositiveSmallIntegerField(_("special inspections a year"))
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("special inspection quota")
        verbose_name_plural = _("special inspection quotas")
        ordering = ["-set_at", "-id"]
        indexes = [models.Index(fields=["year", "agency", "-set_at", "-id"], name="special_quota_in_force")]

    def __str__(self):
        return f"{self.year}:{self.agency_id}={self.quota}"
from .models_remote import RemoteCheck, RemoteEvidence  # noqa: E402,F401  (非现场检查, plans.remote)


class BurdenAlert(models.Model):
    """检查负担预警: an enterprise visited more than ``BURDEN_ALERT_VISITS`` times in a period, or twice by the same
    agency within ``BURDEN_REPEAT_DAYS`` days, told once to the justice bureau of its division
    (``plans.burden.burden_alerts_raise``). The key makes the daily job's rerun a no-op."""

    class Kind(models.TextChoices):
        THRESHOLD = "threshold", _("Visits over the threshold in the period")
        REPEAT = "repeat", _("Visited twice by the same agency")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # threshold: f"{period start}"; repeat: f"{earlier visit id}-{later visit id}"
    key = models.CharField(_("key"), max_length=60)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    justice_bureau = models.ForeignKey(
        "accounts.Agency", verbose_name=_("justice bureau"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    division = models.CharField(_("administrative division"), max_length=6)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    visits = models.PositiveIntegerField(_("visits"))
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit burden alert")
        verbose_name_plural = _("visit burden alerts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "enterprise", "key"], name="burdenalert_once"),
        ]
        indexes = [models.Index(fields=["division", "-created_at", "-id"], name="burdenalert_division")]

    def __str__(self):
        return f"{self.kind}:{self.enterprise_id}:{self.key}"
