"""Matching plans into joint visits (计划云匹配): the database side of ``plans.scheduling``.

Everything here runs under a row lock on the enterprise, taken by the caller's service, so two officers
filing for the same enterprise at the same moment are serialised and end in one consistent schedule.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from yantai_inspect.errors import DomainError

from .calendar import visit_day_rule
from .fixing import joint_tasks_fix
from .models import JointTask, Plan
from .scheduling import NoAllowedDayError, PlanWindow, Visit, schedule

# The visits whose plans can still change (a visit under way or carried out keeps its plans).
OPEN_STATUSES = (JointTask.Status.SCHEDULED, JointTask.Status.FIXED)


def lock_enterprise(enterprise_id: int):
    """Serialise scheduling per enterprise (a row lock on PostgreSQL; SQLite serialises all writers)."""
    from enterprises.models import Enterprise

    return Enterprise.objects.select_for_update().get(pk=enterprise_id)


def enterprise_reschedule(*, actor, enterprise_id: int, today: dt.date | None = None) -> list[JointTask]:
    """Re-optimise the unfixed visits of one enterprise so that its live plans need the fewest visits.

    Plans on fixed visits stay; a live plan joins a fixed visit when its window allows; the other plans are
    placed by ``plans.scheduling.schedule`` (optimal interval stabbing over allowed days). Existing unfixed
    task rows are reused where they keep most of their plans, so ids stay stable for the apps.
    Raises DomainError when some plan can no longer be served (no allowed day left in its window).
    """
    today = today or timezone.localdate()
    due = JointTask.objects.filter(
        enterprise_id=enterprise_id,
        fixed=False,
        status=JointTask.Status.SCHEDULED,
        visit_date__lte=today + dt.timedelta(days=fix_days_before()),
    )
    for task_id in due.values_list("pk", flat=True):
        joint_task_fix(actor=actor, task_id=task_id, today=today)
    plans, visits = compute_schedule(enterprise_id=enterprise_id, today=today)
    if not plans:
        _drop_empty_unfixed(enterprise_id, keep=set())
        touched = []
    else:
        touched = _apply(actor=actor, enterprise_id=enterprise_id, plans=plans, visits=visits)
    joint_task_counts_refresh(JointTask.objects.filter(enterprise_id=enterprise_id, status__in=OPEN_STATUSES))
    return touched


def joint_task_counts_refresh(tasks) -> int:
    """Recount, for each visit of the queryset ``tasks``, the served plans and their distinct agencies (the
    per-visit figures the statistics read: a visit serving k plans avoids k - 1 visits; it is joint when two
    agencies or more take part). One UPDATE; run it in the transaction that changed the visits' plans, so
    the stored figures always equal a recount (``tests/test_statistics_recount.py`` holds that)."""
    served = Plan.objects.filter(joint_task=OuterRef("pk"), status__in=Plan.SERVED).order_by().values("joint_task")
    return tasks.update(
        n_plans=Coalesce(Subquery(served.annotate(n=Count("pk")).values("n")), 0),
        n_agencies=Coalesce(Subquery(served.annotate(n=Count("agency", distinct=True)).values("n")), 0),
    )


def compute_schedule(*, enterprise_id: int, today: dt.date | None = None, extra: PlanWindow | None = None):
    """The live plans of the enterprise and the visits that serve them best, computed without writing.
    ``extra`` adds a hypothetical plan (the filing page's preview). A visit within its fixing period counts
    as fixed even if the daily job has not fixed it yet."""
    today = today or timezone.localdate()
    plans = list(
        Plan.objects.filter(enterprise_id=enterprise_id, status__in=Plan.LIVE, urgent=False)
        .select_related("joint_task", "agency", "theme")
        .order_by("id")
    )
    fix_until = today + dt.timedelta(days=fix_days_before())
    fixed_tasks = {
        t.pk: t
        for t in JointTask.objects.filter(
            enterprise_id=enterprise_id, urgent=False, status__in=[JointTask.Status.FIXED, JointTask.Status.SCHEDULED]
        ).filter(Q(fixed=True) | Q(visit_date__lte=fix_until))
    }
    on_fixed = defaultdict(list)
    windows = [extra] if extra is not None else []
    for plan in plans:
        if plan.joint_task_id in fixed_tasks:
            on_fixed[plan.joint_task_id].append(plan.pk)
            windows.append(PlanWindow(plan.pk, plan.window_start, plan.window_end))
        else:
            start = max(plan.window_start, today + dt.timedelta(days=1))
            if start > plan.window_end:
                raise DomainError(
                    _("The window of plan %(id)s has passed; it can no longer be scheduled.") % {"id": plan.pk}
                )
            windows.append(PlanWindow(plan.pk, start, plan.window_end))
    if not windows:
        return plans, []
    lo = min(w.start for w in windows)
    hi = max(w.end for w in windows)
    is_allowed = visit_day_rule(enterprise_id=enterprise_id, start=lo, end=hi, not_before=today + dt.timedelta(days=1))
    fixed_visits = [
        Visit(t.visit_date, tuple(on_fixed.get(pk, ())), fixed=True, visit_id=pk)
        for pk, t in fixed_tasks.items()
        if t.visit_date > today or on_fixed.get(pk)
    ]
    try:
        return plans, schedule(windows, is_allowed=is_allowed, fixed_visits=fixed_visits)
    except NoAllowedDayError as exc:
        ids = ", ".join(str(w.plan_id) for w in exc.windows)
        raise DomainError(
            _("No working day outside the busy periods is left in the window of plan(s) %(ids)s.") % {"ids": ids}
        ) from exc


def _apply(*, actor, enterprise_id, plans, visits):
    """Write the computed visits: reuse the unfixed row that already holds most of a visit's plans (ids stay
    stable for the apps), create the others, and touch a row only when its date, lead or theme changed."""
    by_id = {p.pk: p for p in plans}
    unfixed = {
        t.pk: t
        for t in JointTask.objects.filter(enterprise_id=enterprise_id, fixed=False, status=JointTask.Status.SCHEDULED)
    }
    fixed = {t.pk: t for t in JointTask.objects.filter(pk__in=[v.visit_id for v in visits if v.fixed])}
    used, touched, moves = set(), [], []
    for visit in visits:
        members = sorted((by_id[pid] for pid in visit.plan_ids), key=lambda p: (p.filed_at, p.pk))
        lead, theme = lead_of(members)
        if visit.fixed:
            task, dirty = fixed[visit.visit_id], []
        else:
            counts = defaultdict(int)
            for plan in members:
                if plan.joint_task_id in unfixed and plan.joint_task_id not in used:
                    counts[plan.joint_task_id] += 1
            tid = max(counts, key=lambda k: (counts[k], -k)) if counts else None
            if tid is None:
                task = JointTask.objects.create(
                    enterprise_id=enterprise_id, visit_date=visit.date, lead_agency=lead, theme=theme
                )
                dirty = []
            else:
                task, dirty = unfixed[tid], []
                used.add(tid)
                if task.visit_date != visit.date:
                    moves.append({"task": task.pk, "from": task.visit_date, "to": visit.date})
                    task.visit_date = visit.date
                    dirty.append("visit_date")
        if (task.lead_agency_id, task.theme_id) != (lead.pk if lead else None, theme.pk if theme else None):
            task.lead_agency, task.theme = lead, theme
            dirty += ["lead_agency", "theme"]
        if dirty:
            task.save(update_fields=[*dirty, "updated_at"])
        changed = [plan for plan in members if plan.joint_task_id != task.pk]
        for plan in changed:
            plan.joint_task = task
        Plan.objects.bulk_update(changed, ["joint_task"])
        touched.append(task)
    _drop_empty_unfixed(enterprise_id, keep={t.pk for t in touched})
    if moves:
        audit_record(actor=actor, action="joint_task.reschedule", obj=touched[0].enterprise, details={"moves": moves})
    return touched


def _drop_empty_unfixed(enterprise_id, *, keep):
    JointTask.objects.filter(
        enterprise_id=enterprise_id, fixed=False, status=JointTask.Status.SCHEDULED, plans__isnull=True
    ).exclude(pk__in=keep).delete()


def lead_of(plans: list[Plan]):
    """A visit's lead agency and theme: the theme's lead agency when it takes part, else the first filer.
    ``plans`` are the visit's plans in filing order, with their agency and theme loaded."""
    if not plans:
        return None, None
    themes = [p.theme for p in plans if p.theme_id]
    for theme in themes:
        lead = next((p.agency for p in plans if p.agency.department_id == theme.lead_department_id), None)
        if lead is not None:
            return lead, theme
    return plans[0].agency, (themes[0] if themes else None)


@transaction.atomic
def joint_task_fix(*, actor, task_id: int, today: dt.date | None = None) -> bool:
    """Fix one visit: its date no longer moves and the enterprise is notified. Rerunnable: only the caller
    whose conditional UPDATE flips ``fixed`` does the rest (``plans.fixing``, shared with the daily job)."""
    return joint_tasks_fix(actor=actor, task_ids=[task_id]) == 1


def fix_days_before() -> int:
    return settings.VISIT_FIX_DAYS_BEFORE
