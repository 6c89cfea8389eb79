"""Reads on plans and joint tasks, each scoped to what the user may see."""

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts.divisions import CITY_CODE
from accounts.models import User, certified_officers_q
from accounts.selectors import divisions_supervised_by
from catalogue.models import Matter
from enterprises.name_search import clean_query, enterprise_match_q
from yantai_inspect.prepared import SENTINEL_DAY, SENTINEL_ID, prepared_queryset

from .models import Invitation, JointTask, Participation, Plan


def plans_for_user(*, user):
    """An officer sees the plans of the agency; a justice bureau those it is responsible for
    (``accounts.selectors.divisions_supervised_by``: a district bureau its district's agencies, the city
    bureau the city-level agencies and those of divisions without a bureau); admins all; enterprises none
    (they see visits, not the plans behind them). The scope itself is ``plan_scope_q``."""
    qs = Plan.objects.select_related("agency", "enterprise", "theme", "joint_task")
    scope = plan_scope_q(user=user)
    return qs.none() if scope is None else qs.filter(scope)


def plan_scope_q(*, user) -> Q | None:
    """The plans ``user`` may see, as a filter on the plans' ``agency`` (so that the statistics' cells, which
    have an agency too, take the very same filter); None: none at all."""
    if not user.is_authenticated:
        return None
    if user.is_platform_admin:
        return Q()
    if user.is_officer and user.agency_id:
        return Q(agency_id=user.agency_id)
    if user.is_justice and user.agency_id:
        return Q(agency__division__in=divisions_supervised_by(user.agency))
    return None


def plan_list(*, user, status: str = "", enterprise: str = "", urgent=None, date_from=None, date_to=None):
    qs = plans_for_user(user=user)
    if status:
        qs = qs.filter(status=status)
    enterprise = clean_query(enterprise)
    if enterprise:  # the enterprise search's rule and index, through the join
        match = enterprise_match_q(enterprise, via="enterprise__")
        qs = qs.filter(match) if match is not None else qs.none()
    if urgent is not None:
        qs = qs.filter(urgent=urgent)
    if date_from:
        qs = qs.filter(window_end__gte=date_from)
    if date_to:
        qs = qs.filter(window_start__lte=date_to)
    return qs.prefetch_related("matters")


QUEUE_COUNT_CAP = 99


def capped_count(qs, *, cap: int = QUEUE_COUNT_CAP) -> int | str:
    """A queue's size for a dashboard: exact up to ``cap``, then "99+". The count stops after cap + 1 rows,
    so a city-sized queue costs what a small one does."""
    n = qs.select_related(None).order_by()[: cap + 1].count()
    return f"{cap}+" if n > cap else n


def review_queue(*, user):
    """Plans on whitelisted enterprises waiting for this justice bureau."""
    return (
        plans_for_user(user=user)
        .filter(status=Plan.Status.PENDING_REVIEW)
        .prefetch_related("matters")
        .order_by("window_start", "id")
    )


def post_review_queue(*, user):
    """Green-channel plans waiting for review after the fact (only a green-channel plan is ever filed pending
    it: ``plan_file``). Filtered on ``post_review`` alone, without ``urgent``: the planner takes the two for
    independent, estimates a handful of rows in a bureau's scope and sorts every pending plan of the city
    (130 ms at city size) instead of reading ``plan_post_review_filed`` in order up to the page (1-10 ms)."""
    return (
        plans_for_user(user=user)
        .filter(post_review=Plan.PostReview.PENDING)
        .prefetch_related("matters")
        .order_by("filed_at", "id")
    )


def joint_tasks_for_user(*, user):
    """Visits the user may see: an officer those its agency takes part in, the enterprise its own, the city
    justice bureau all, a district justice bureau those in its district or with its district's agencies."""
    qs = JointTask.objects.select_related("enterprise", "lead_agency", "theme")
    if not user.is_authenticated:
        return qs.none()
    if user.is_platform_admin:
        return qs
    # EXISTS, not a join with DISTINCT: one probe of the participation table's unique index per visit. The
    # lists in date order read that table in its own index order instead (``visits_in_date_order``).
    if user.is_officer and user.agency_id:
        return qs.filter(Exists(Participation.objects.filter(joint_task=OuterRef("pk"), agency_id=user.agency_id)))
    if user.is_justice and user.agency_id:
        if user.agency.division == CITY_CODE:
            return qs
        divisions = divisions_supervised_by(user.agency)  # its district's, none once the bureau is inactive
        return qs.filter(
            Q(enterprise__division__in=divisions)
            | Exists(Plan.objects.filter(joint_task=OuterRef("pk"), agency__division__in=divisions))
        )
    if user.is_enterprise:
        from enterprises.selectors import enterprise_of_user

        enterprise = enterprise_of_user(user=user)
        return qs.filter(enterprise=enterprise) if enterprise else qs.none()
    return qs.none()


def visits_in_date_order(*, user, since=None, until=None, newest_first: bool = False):
    """The visits of ``joint_tasks_for_user`` dated from ``since`` to ``until`` (each optional), in date order
    (then id; newest first when asked), read in an index's order whoever the reader: an officer's through its
    agency's participation rows (``participation_agency_date``: one agency's visits are a range of it, where
    the visit-date index would be walked across every agency's visits), everybody else's through
    ``jointtask_visit_date_id``. Callers add filters but keep this order (re-ordering loses the index)."""
    if user.is_authenticated and user.is_officer and user.agency_id:
        # One filter() call, so that the date range and the order use the join the agency filter made.
        window = {"participations__agency_id": user.agency_id}
        if since:
            window["participations__visit_date__gte"] = since
        if until:
            window["participations__visit_date__lte"] = until
        qs = JointTask.objects.select_related("enterprise", "lead_agency", "theme").filter(**window)
        order = ["participations__visit_date", "participations__joint_task_id"]
    else:
        qs = joint_tasks_for_user(user=user)
        if since:
            qs = qs.filter(visit_date__gte=since)
        if until:
            qs = qs.filter(visit_date__lte=until)
        order = ["visit_date", "id"]
    return qs.order_by(*(f"-{key}" for key in order) if newest_first else order)


def with_task_details(qs, *, officers: bool = True):
    """Prefetch what a visit shows (its live plans with agencies, officers and matters) in a fixed number of
    queries, whatever the number of visits. ``officers=False``: without the officers (a reader that shows
    only agencies and matters saves their query)."""
    details = [Prefetch("matters", queryset=Matter.objects.select_related("department"))]
    if officers:
        # in id order, as ``plans.listing`` reads them (the database's own order differs between engines)
        details.append(Prefetch("officers", queryset=User.objects.select_related("agency").order_by("pk")))
    live_plans = (
        Plan.objects.filter(status__in=[*Plan.LIVE, Plan.Status.DONE])
        .select_related("agency")
        .prefetch_related(*details)
    )
    return qs.prefetch_related(Prefetch("plans", queryset=live_plans, to_attr="live_plans"))


def task_with_details(task_id: int) -> JointTask:
    """One visit with everything its pages show, in a fixed number of queries (access is checked before)."""
    return (
        with_task_details(JointTask.objects.filter(pk=task_id))
        .select_related("enterprise", "lead_agency", "theme")
        .get()
    )


def task_context(task) -> dict:
    """What the visit summary template shows: agencies (lead first), officers, whether the visit is short of
    certified officers, the combined checklist."""
    return {
        "task": task,
        "agencies": task_agencies(task),
        "officers": task_officers(task),
        "understaffed": task_understaffed(task),
        "checklist": task_checklist(task),
    }


def task_agencies(task) -> list:
    seen = {}
    for plan in getattr(task, "live_plans", None) or task.plans.filter(status__in=Plan.LIVE):
        seen.setdefault(plan.agency_id, plan.agency)
    return sorted(seen.values(), key=lambda a: (a.pk != task.lead_agency_id, a.code))


def task_officers(task) -> list:
    seen = {}
    for plan in getattr(task, "live_plans", None) or task.plans.filter(status__in=Plan.LIVE):
        for officer in plan.officers.all():
            seen.setdefault(officer.pk, officer)
    return list(seen.values())


def task_certified_officers(task) -> list:
    """The officers of a visit who may inspect on its day (``User.is_certified_on(task.visit_date)``): the
    visit's staffing for the two-officer rule, counted the same way by its pages, the warning at fixing and
    ``plan_officers_set``."""
    return [officer for officer in task_officers(task) if officer.is_certified_on(task.visit_date)]


def tasks_certified_officer_counts(task_ids) -> dict[int, int]:
    """``len(task_certified_officers(task))`` for many visits in one query (the daily fixing job), by id;
    visits without a certified officer are absent."""
    return dict(
        Plan.officers.through.objects.filter(
            certified_officers_q("user", on=F("plan__joint_task__visit_date")),
            plan__joint_task_id__in=task_ids,
            plan__status__in=Plan.LIVE,
        )
        .values("plan__joint_task_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("plan__joint_task_id", "n")
    )


def understaffed(task, *, certified: int) -> bool:
    """A visit still ahead with fewer than ``JointTask.MIN_CERTIFIED_OFFICERS`` certified officers."""
    ahead = task.status in (JointTask.Status.SCHEDULED, JointTask.Status.FIXED)
    return ahead and certified < JointTask.MIN_CERTIFIED_OFFICERS


def task_understaffed(task) -> bool:
    return understaffed(task, certified=len(task_certified_officers(task)))


def task_checklist(task) -> list:
    """The combined checklist of a visit: every plan's matters, duplicates merged, in catalogue order."""
    seen = {}
    for plan in getattr(task, "live_plans", None) or task.plans.filter(status__in=Plan.LIVE):
        for matter in plan.matters.all():
            seen.setdefault(matter.pk, matter)
    return sorted(seen.values(), key=lambda m: m.code)


def upcoming_visits(*, user, today: dt.date | None = None):
    """The visits from today on that still serve a live plan, in date order; without their details (a list
    adds what it shows: ``plans.listing.visit_details``)."""
    today = today or timezone.localdate()
    qs = visits_in_date_order(user=user, since=today).exclude(status=JointTask.Status.CANCELLED)
    live = Plan.objects.filter(joint_task=OuterRef("pk"), status__in=Plan.LIVE)
    return qs.filter(Exists(live))


# 首查结果负责制 shows what earlier visits found; findings are recorded by a later app (inspections), which
# plans must not import. That app hands its reader in when it loads (InspectionsConfig.ready), the way
# Django's admin is handed models: the arrow runs from inspections down to plans, and the filing page, the
# plan page and POST /api/v1/plans/ keep calling this one function.
_findings_readers: list = []


def visit_findings_reader_register(reader) -> None:
    """Add ``reader(*, task_ids) -> dict[int, list[dict]]``, the findings of visits that took place by visit
    id (a fixed number of queries for any number of visits), to the first-inspection view. Registering the
    same reader twice (a second ready()) keeps one."""
    if reader not in _findings_readers:
        _findings_readers.append(reader)


def findings_by_task(*, task_ids) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for reader in _findings_readers:
        for task_id, findings in reader(task_ids=task_ids).items():
            found.setdefault(task_id, []).extend(findings)
    return found


EARLIER_RECORDS_SPAN = dt.timedelta(days=365)


def _earlier_visits(*, enterprise_id: int, today: dt.date, since: dt.date):
    return with_task_details(
        JointTask.objects.filter(enterprise_id=enterprise_id, visit_date__gte=since, visit_date__lte=today)
        .exclude(status=JointTask.Status.CANCELLED)
        .select_related("lead_agency"),
        officers=False,  # the pop-up names agencies and matters
    ).order_by("-visit_date")


def earlier_records(*, enterprise_id: int, today: dt.date | None = None) -> list[dict]:
    """首查结果负责制: what was inspected at this enterprise in the last 12 months, so that nobody re-inspects
    what was just inspected. Visits that took place (date passed, or carried out), with their agencies and
    matters, and the findings of their on-site records with the state of each rectification."""
    today = today or timezone.localdate()
    bind = prepared_queryset(  # on every filing: compiled once per process
        "plans.selectors.earlier_records",
        JointTask,
        _earlier_visits,
        enterprise_id=SENTINEL_ID,
        today=SENTINEL_DAY,
        since=SENTINEL_DAY - EARLIER_RECORDS_SPAN,
    )
    tasks = list(bind(enterprise_id=enterprise_id, today=today, since=today - EARLIER_RECORDS_SPAN))
    findings = findings_by_task(task_ids=[task.pk for task in tasks]) if tasks else {}
    records = []
    for task in tasks:
        records.append(
            {
                "joint_task": task.pk,
                "visit_date": task.visit_date.isoformat(),
                "status": task.status,
                "agencies": [a.name for a in task_agencies(task)],
                "matters": [{"code": m.code, "name": m.name} for m in task_checklist(task)],
                "findings": findings.get(task.pk, []),
            }
        )
    return records


def invitations_for_user(*, user):
    if not (user.is_authenticated and user.is_officer and user.agency_id):
        return Invitation.objects.none()
    return Invitation.objects.filter(agency_id=user.agency_id).select_related(
        "lead_plan__agency", "lead_plan__enterprise", "lead_plan__theme", "lead_plan__joint_task"
    )


def duplicate_plans(*, agency_id: int, enterprise_id: int, window_start: dt.date, window_end: dt.date, matter_codes):
    """The agency's plans that a new one would repeat: for the same enterprise, still editable (filed, awaiting
    review or approved), with a window that overlaps ``window_start``..``window_end`` and the same matters.
    Shown before filing (the filing page's preview), not refused: two inspections of the same matters in one
    window are rarely meant, but a re-check can be."""
    codes = sorted(set(matter_codes))
    if not codes:
        return []
    candidates = list(
        Plan.objects.filter(
            agency_id=agency_id,
            enterprise_id=enterprise_id,
            status__in=Plan.EDITABLE,
            window_start__lte=window_end,
            window_end__gte=window_start,
        )
        .prefetch_related(Prefetch("matters", queryset=Matter.objects.only("id", "code")))
        .order_by("window_start", "pk")[:20]
    )
    return [plan for plan in candidates if sorted(m.code for m in plan.matters.all()) == codes]


def officers_to_preselect(*, user) -> list:
    """The officers the filing form ticks for ``user``: the active officers of the last plan they filed (a team
    usually inspects together), with themselves when they are an officer; on a first plan, themselves."""
    last = (
        Plan.objects.filter(agency_id=user.agency_id, filed_by=user).order_by("-filed_at", "-id").only("id").first()
    )
    officers = list(last.officers.filter(is_active=True, agency_id=user.agency_id)) if last else []
    if user.is_officer and user not in officers:
        officers.insert(0, user)
    return officers
