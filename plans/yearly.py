"""年度检查计划 (yearly inspection plans): an agency drafts its plan for a year (lines: a matter in force, a
population by district, industry or theme, the planned number of visits, by when) and publishes it on the public
pages. The rule says by 31 March of the year (``PUBLISH_BY``): a plan published later is published all the
same and marked late, and the justice bureau sees which of the agencies it supervises have not published yet.

Before publication nothing is blocked: the rule asks for the plan to be public, it does not suspend inspections
(green-channel inspections, re-checks and special campaigns must go on), so a missing plan is the justice
bureau's to follow up (``yearly_overview``), not a refusal at filing. A published plan is final: it is the
public record of what the agency announced.

The platform reminds (``yearly_plan_reminders_send``, a daily beat job): from 1 March (``REMIND_FROM``) each
agency with inspection authority that has not published its plan of the year is told once that it is due by
31 March, and once after that day that it is overdue (an agency first met after 31 March is told only that).
Set-based and rerunnable: per batch of agencies a fixed number of statements (the due agencies' ids, one
INSERT of ``YearlyPlanReminder`` rows, one re-read of the rows this run wrote, one INSERT of notifications,
the audit chain's head and one INSERT of audit entries); the reminder's unique key is the claim, so a rerun or
a second worker tells nobody twice. Publishing resolves the reminders in the agency's inbox."""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_inspecting_officer, require_justice
from accounts.models import Agency, inspecting_agencies_q
from accounts.selectors import agencies_supervised_by
from audit.services import audit_record, audit_record_many
from catalogue.models import Matter, Theme
from notifications.models import Notification
from notifications.services import notifications_resolve, notifications_send_many
from yantai_inspect.errors import DomainError

from .models import YearlyPlan, YearlyPlanLine, YearlyPlanReminder
from .services.filing import _check_matters
from .special import population_check

PUBLISH_BY = (3, 31)  # month, day: the yearly plan is published by 31 March of its year
REMIND_FROM = (3, 1)  # month, day: from then the agencies that have not published are reminded
REMINDER_BATCH = 500
MAX_VISITS = 1_000_000
MAX_LINES = 200


def publish_by(year: int) -> dt.date:
    return dt.date(year, *PUBLISH_BY)


def _year_check(year: int, today: dt.date) -> None:
    if not (today.year <= year <= today.year + 1):
        raise DomainError(
            _("A yearly plan is drafted for this year or the next: %(this)d or %(next)d.")
            % {"this": today.year, "next": today.year + 1},
            field="year",
        )


def _editable(plan: YearlyPlan) -> YearlyPlan:
    plan = YearlyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published:
        raise DomainError(_("This yearly plan is published: it can no longer be changed."))
    return plan


@transaction.atomic
def yearly_plan_draft(*, actor, year: int, title: str, note: str = "", today: dt.date | None = None) -> YearlyPlan:
    """Start the agency's yearly plan (one per agency and year) for this year or the next."""
    agency = require_inspecting_officer(actor)
    today = today or timezone.localdate()
    _year_check(year, today)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the yearly plan a title."), field="title")
    if YearlyPlan.objects.filter(agency=agency, year=year).exists():
        raise DomainError(_("Your agency already has a yearly plan for %(year)d.") % {"year": year}, field="year")
    plan = YearlyPlan(agency=agency, year=year, title=title[:200], note=(note or "").strip(), created_by=actor)
    plan.full_clean(exclude=["agency", "created_by"], validate_constraints=False)
    plan.save()
    audit_record(actor=actor, action="yearly_plan.draft", obj=plan, details={"year": year, "title": plan.title})
    return plan


def _line_days(plan: YearlyPlan, deadline: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a line covers: from the later of 1 January and today to its deadline (both ends: a matter's
    time in force is one interval)."""
    if deadline.year != plan.year:
        raise DomainError(_("The deadline is a day of %(year)d.") % {"year": plan.year}, field="deadline")
    start = max(dt.date(plan.year, 1, 1), today)
    if deadline < start:
        raise DomainError(_("The deadline is already past."), field="deadline")
    return start, deadline


@transaction.atomic
def yearly_plan_line_add(
    *, actor, plan: YearlyPlan, matter: Matter, visits: int, deadline: dt.date, division: str = "",
    industry: str = "", population_theme: Theme | None = None, today: dt.date | None = None,
) -> YearlyPlanLine:
    """A line of a draft plan: a matter of the agency's in force from now to the deadline (清单之外无检查, the
    filing's matter check), a population inside its area, 1 to 1,000,000 visits, a deadline in the year."""
    agency = require_inspecting_officer(actor)
    today = today or timezone.localdate()
    if plan.agency_id != agency.pk:
        raise Http404
    plan = _editable(plan)
    if plan.lines.count() >= MAX_LINES:
        raise DomainError(_("A yearly plan has at most %(n)d lines.") % {"n": MAX_LINES})
    days = _line_days(plan, deadline, today)
    _check_matters(agency=agency, theme=None, matters=[matter], days=days)
    population_check(agency=agency, division=division, industry=industry)
    if not (1 <= visits <= MAX_VISITS):
        raise DomainError(_("Planned visits: from 1 to %(n)d.") % {"n": MAX_VISITS}, field="visits")
    line = YearlyPlanLine.objects.create(plan=plan, matter=matter, division=division, industry=industry,
                                         population_theme=population_theme, visits=visits, deadline=deadline)
    audit_record(actor=actor, action="yearly_plan.line_add", obj=plan, details={
        "matters": [matter.code], "division": division, "industry": industry,
        "theme": population_theme.code if population_theme else "", "visits": visits, "deadline": deadline,
    })
    return line


@transaction.atomic
def yearly_plan_line_remove(*, actor, line: YearlyPlanLine) -> None:
    agency = require_inspecting_officer(actor)
    if line.plan.agency_id != agency.pk:
        raise Http404
    plan = _editable(line.plan)
    audit_record(actor=actor, action="yearly_plan.line_remove", obj=plan, details={
        "matters": [line.matter.code], "visits": line.visits, "deadline": line.deadline,
    })
    line.delete()


@transaction.atomic
def yearly_plan_publish(*, actor, plan: YearlyPlan, today: dt.date | None = None) -> YearlyPlan:
    """Publish the draft on the public pages. Its matters must still be in force over their lines; published
    after 31 March of its year, it is marked late (the day is the Asia/Shanghai day of publication)."""
    agency = require_inspecting_officer(actor)
    today = today or timezone.localdate()
    if plan.agency_id != agency.pk:
        raise Http404
    plan = _editable(plan)
    lines = list(plan.lines.select_related("matter"))
    if not lines:
        raise DomainError(_("Add at least one line before publishing."))
    if today.year > plan.year:
        raise DomainError(_("The year %(year)d is over: its plan can no longer be published.") % {"year": plan.year})
    for line in lines:
        _check_matters(agency=agency, theme=None, matters=[line.matter],
                       days=_line_days(plan, line.deadline, today))
    plan.status, plan.published_by, plan.published_at = YearlyPlan.Status.PUBLISHED, actor, timezone.now()
    plan.published_on, plan.late = today, today > publish_by(plan.year)
    plan.save(update_fields=["status", "published_by", "published_at", "published_on", "late"])
    audit_record(actor=actor, action="yearly_plan.publish", obj=plan, details={
        "year": plan.year, "late": plan.late, "lines": len(lines), "visits": sum(x.visits for x in lines),
    })
    notifications_resolve(keys=[reminder_key(agency_id=agency.pk, year=plan.year, stage=stage)
                                for stage in YearlyPlanReminder.Stage.values])
    return plan


# -- the reminders of 31 March (a daily beat job)


def reminder_key(*, agency_id: int, year: int, stage: str) -> str:
    return f"yearly-plan:{year}:{stage}:{agency_id}"


def reminder_stage(today: dt.date) -> str | None:
    """Which reminder is due on ``today`` for the plan of its year: none before 1 March, "due" until 31 March,
    "overdue" after it."""
    if today < dt.date(today.year, *REMIND_FROM):
        return None
    return YearlyPlanReminder.Stage.DUE if today <= publish_by(today.year) else YearlyPlanReminder.Stage.OVERDUE


def _reminder_notification(reminder: YearlyPlanReminder) -> Notification:
    deadline = publish_by(reminder.year).isoformat()
    if reminder.stage == YearlyPlanReminder.Stage.DUE:
        title = _("Your yearly inspection plan for %(year)d is due by %(date)s") % {
            "year": reminder.year, "date": deadline}
        body = _("Every agency with inspection authority publishes its yearly inspection plan on the platform by "
                 "31 March; the justice bureau sees the agencies that have not.")
    else:
        title = _("Your yearly inspection plan for %(year)d is overdue") % {"year": reminder.year}
        body = _("It was due by %(date)s: publish it now. The justice bureau sees your agency as overdue until "
                 "it is published.") % {"date": deadline}
    return Notification(dedupe_key=reminder_key(agency_id=reminder.agency_id, year=reminder.year,
                                                stage=reminder.stage),
                        agency_id=reminder.agency_id, title=title, body=body, link="/agency/yearly-plans/")


def _remind(ids: list[int], *, year: int, stage: str) -> int:
    with transaction.atomic():
        now = timezone.now()
        YearlyPlanReminder.objects.bulk_create(
            [YearlyPlanReminder(agency_id=pk, year=year, stage=stage, sent_at=now) for pk in ids],
            ignore_conflicts=True,  # another run's claim: it tells that agency
        )
        claimed = list(YearlyPlanReminder.objects.filter(agency_id__in=ids, year=year, stage=stage, sent_at=now)
                       .select_related("agency"))
        notifications_send_many([_reminder_notification(r) for r in claimed])
        audit_record_many(actor=None, action="yearly_plan.reminder", entries=[
            (r, {"year": year, "stage": stage, "publish_by": publish_by(year)}) for r in claimed])
        return len(claimed)


def yearly_plan_reminders_send(*, today: dt.date | None = None, batch_size: int = REMINDER_BATCH) -> int:
    """Remind each agency with inspection authority that has not published its yearly plan of this year (see
    the module's docstring). Returns how many agencies this run reminded."""
    today = today or timezone.localdate()
    stage = reminder_stage(today)
    if stage is None:
        return 0
    year = today.year
    published = YearlyPlan.objects.filter(plans_published_q(year), agency=OuterRef("pk"))
    reminded = YearlyPlanReminder.objects.filter(agency=OuterRef("pk"), year=year, stage=stage)
    due = (Agency.objects.filter(inspecting_agencies_q()).exclude(Exists(published)).exclude(Exists(reminded))
           .order_by("pk").values_list("pk", flat=True))
    sent = 0
    while True:
        ids = list(due[:batch_size])  # each batch's rows leave ``due`` (the reminders written), so this ends
        if ids:
            sent += _remind(ids, year=year, stage=stage)
        if len(ids) < batch_size:
            return sent


# -- reads


def _with_lines(qs):
    lines = YearlyPlanLine.objects.select_related("matter", "population_theme").order_by("id")
    return qs.select_related("agency").prefetch_related(Prefetch("lines", queryset=lines)).annotate(
        n_lines=Count("lines", distinct=True)
    )


def yearly_plans_of_agency(*, user):
    agency = require_inspecting_officer(user)
    return YearlyPlan.objects.filter(agency=agency).select_related("agency").order_by("-year", "-id")


def yearly_plan_for_user(*, user, pk: int) -> YearlyPlan:
    """The agency's own plan (draft or published); another agency's is not found."""
    agency = require_inspecting_officer(user)
    plan = _with_lines(YearlyPlan.objects.filter(pk=pk, agency=agency)).first()
    if plan is None:
        raise Http404
    return plan


def line_for_user(*, user, pk: int) -> YearlyPlanLine:
    agency = require_inspecting_officer(user)
    line = YearlyPlanLine.objects.filter(pk=pk, plan__agency=agency).select_related("plan", "matter").first()
    if line is None:
        raise Http404
    return line


def published_plans(*, year: int | None = None):
    """The public list (no login): published plans, newest first, with their agency; no personal data."""
    qs = YearlyPlan.objects.filter(status=YearlyPlan.Status.PUBLISHED)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("agency").order_by("-year", "-published_at", "id")


def published_plan(pk: int) -> YearlyPlan:
    plan = _with_lines(YearlyPlan.objects.filter(pk=pk, status=YearlyPlan.Status.PUBLISHED)).first()
    if plan is None:
        raise Http404
    return plan


def published_lines(*, year: int):
    """Every published line of a year, as open data (CSV, JSON)."""
    return (
        YearlyPlanLine.objects.filter(plan__year=year, plan__status=YearlyPlan.Status.PUBLISHED)
        .select_related("plan__agency", "matter", "population_theme")
        .order_by("plan__agency__code", "id")
    )


def yearly_overview(*, user, year: int, today: dt.date | None = None) -> list[dict]:
    """The justice bureau's view: every inspecting agency it supervises, with its plan of ``year`` (published
    on time, late, draft, none), whether the 31 March deadline has passed without publication, and when the
    platform reminded it (``yearly_plan_reminders_send``: ``reminded_due``, ``reminded_overdue``). Two
    statements whatever the number of agencies."""
    bureau = require_justice(user)
    today = today or timezone.localdate()
    plans = YearlyPlan.objects.filter(agency=OuterRef("pk"), year=year)
    reminders = YearlyPlanReminder.objects.filter(agency=OuterRef("pk"), year=year)
    agencies = (
        agencies_supervised_by(justice_bureau=bureau)
        .filter(inspecting_agencies_q())
        .annotate(
            plan_id=Subquery(plans.values("pk")[:1]),
            plan_status=Subquery(plans.values("status")[:1]),
            plan_published_on=Subquery(plans.values("published_on")[:1]),
            plan_late=Subquery(plans.values("late")[:1]),
            reminded_due=Subquery(reminders.filter(stage=YearlyPlanReminder.Stage.DUE).values("sent_at")[:1]),
            reminded_overdue=Subquery(
                reminders.filter(stage=YearlyPlanReminder.Stage.OVERDUE).values("sent_at")[:1]),
        )
        .order_by("division", "code")
    )
    overdue = today > publish_by(year)
    rows = []
    for agency in agencies:
        published = agency.plan_status == YearlyPlan.Status.PUBLISHED
        rows.append({
            "agency": agency, "plan_id": agency.plan_id if published else None, "status": agency.plan_status or "",
            "published_on": agency.plan_published_on, "late": bool(agency.plan_late),
            "missing": not published, "overdue": overdue and not published,
            "reminded_due": agency.reminded_due, "reminded_overdue": agency.reminded_overdue,
        })
    return rows


def yearly_missing_count(rows) -> int:
    return sum(1 for r in rows if r["missing"])


def plans_published_q(year: int) -> Q:
    return Q(year=year, status=YearlyPlan.Status.PUBLISHED)
