"""Matching plans into joint visits (计划云匹配): the database side of ``plans.scheduling``.

Everything here runs under a row lock on the enterprise, taken by the caller's service, so two officers
filing for the same enterprise at the same moment are serialised and end in one consistent schedule.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, connections, router, transaction
from django.db.models import BigIntegerField, Count, OuterRef, Subquery, sql
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from enterprises.models import BusyPeriod, Enterprise
from yantai_inspect.errors import DomainError
from yantai_inspect.prepared import SENTINEL_DAY, SENTINEL_ID, prepared, prepared_queryset

from .fixing import joint_tasks_fix
from .models import JointTask, Plan, fixing_horizon
from .participation import participation_refresh, participation_refresh_ctes
from .scheduling import NoAllowedDayError, PlanWindow, Visit, make_is_allowed, schedule
from .statistics import cells_compact_after_commit, cells_dirty_sql, cells_refresh_for_visits
from .workdays import default_calendar

# The visits whose plans can still change (a visit under way or carried out keeps its plans).
OPEN_STATUSES = (JointTask.Status.SCHEDULED, JointTask.Status.FIXED)


def lock_enterprise(enterprise_id: int):
    """Serialise scheduling per enterprise (a row lock on PostgreSQL; SQLite serialises all writers)."""
    return Enterprise.objects.select_for_update().get(pk=enterprise_id)


def lock_enterprise_within(enterprise_id: int, enterprises) -> bool:
    """``lock_enterprise`` and an access check in one statement: lock the enterprise's row (its row only) if it
    is one of ``enterprises`` (a queryset, e.g. ``enterprises_for_user``); False, and nothing locked, if not."""
    locked = enterprises.select_related(None).select_for_update(of=("self",)).filter(pk=enterprise_id).order_by()
    return bool(list(locked.values_list("pk", flat=True)[:1]))


@dataclass
class EnterpriseState:
    """What scheduling one enterprise reads: its live routine plans (with the visit each is on), its future
    fixed and unfixed visits, and its busy periods from tomorrow on. Loaded for many enterprises at once by
    ``load_states`` (a rematch batch) or for one by ``compute_schedule``."""

    enterprise_id: int
    plans: list = field(default_factory=list)
    future_tasks: dict = field(default_factory=dict)
    busy: list = field(default_factory=list)


@dataclass
class Schedule:
    """The visits that serve an enterprise's plans best, computed without writing. ``left_out`` holds the plans
    that cannot be served (``"passed"``: no day of the window is left; ``"no_day"``: no allowed day is left);
    they keep their row untouched until the daily job closes them as not carried out."""

    state: EnterpriseState
    visits: list
    left_out: dict
    today: dt.date

    @property
    def plans(self) -> list:
        return self.state.plans


# What scheduling reads of a plan (a rematch batch loads thousands: the rest stays deferred).
PLAN_FIELDS = [
    "id",
    "enterprise_id",
    "window_start",
    "window_end",
    "filed_at",
    "status",
    "joint_task__id",
    "joint_task__status",
    "joint_task__visit_date",
    "joint_task__fixed",
    "enterprise__id",
    "enterprise__division",
    "agency__id",
    "agency__name",
    "agency__department_id",
    "theme__id",
    "theme__lead_department_id",
]


def _state_querysets(enterprise_ids, today: dt.date) -> tuple:
    """What ``load_states`` reads: the live routine plans, the future visits, the busy periods from tomorrow."""
    plans = (
        Plan.objects.filter(enterprise_id__in=enterprise_ids, status__in=Plan.LIVE, urgent=False)
        .select_related("joint_task", "agency", "theme", "enterprise")
        .only(*PLAN_FIELDS)
        .order_by("id")
    )
    tasks = JointTask.objects.filter(
        enterprise_id__in=enterprise_ids,
        urgent=False,
        status__in=[JointTask.Status.FIXED, JointTask.Status.SCHEDULED],
        visit_date__gt=today,
    )
    busy = BusyPeriod.objects.filter(enterprise_id__in=enterprise_ids, end__gt=today).values_list(
        "enterprise_id", "start", "end"
    )
    return plans, tasks, busy


def _one_state_querysets(enterprise_id: int, today: dt.date) -> list:
    """``_state_querysets`` for one enterprise (filing, a busy period), compiled once per process."""
    plans = prepared_queryset(
        "plans.matching.load_states.plans",
        Plan,
        lambda enterprise_id: _state_querysets([enterprise_id], SENTINEL_DAY)[0],  # the plans need no day
        enterprise_id=SENTINEL_ID,
    )(enterprise_id=enterprise_id)
    tasks, busy = (
        prepared_queryset(
            f"plans.matching.load_states.{i}",
            model,
            lambda enterprise_id, today, i=i: _state_querysets([enterprise_id], today)[i],
            enterprise_id=SENTINEL_ID,
            today=SENTINEL_DAY,
        )(enterprise_id=enterprise_id, today=today)
        for i, model in ((1, JointTask), (2, BusyPeriod))
    )
    return [plans, tasks, busy]


def load_states(*, enterprise_ids, today: dt.date) -> dict[int, EnterpriseState]:
    """Three queries for any number of enterprises."""
    states = {pk: EnterpriseState(pk) for pk in enterprise_ids}
    if len(states) == 1:
        plans, tasks, busy = _one_state_querysets(next(iter(states)), today)
    else:
        plans, tasks, busy = _state_querysets(list(states), today)
    for plan in plans:
        states[plan.enterprise_id].plans.append(plan)
    for task in tasks:
        states[task.enterprise_id].future_tasks[task.pk] = task
    for enterprise_id, start, end in busy:
        states[enterprise_id].busy.append((start, end))
    return states


def _is_fixed(task: JointTask, today: dt.date) -> bool:
    """A future visit whose date no longer moves: fixed, or within its fixing period (due for fixing)."""
    return task.status == JointTask.Status.FIXED or task.visit_date <= fixing_horizon(today)


def is_fact(task: JointTask | None, today: dt.date) -> bool:
    """A visit in progress or done, or a planned visit on its day or before it (today's visit may still start;
    a past one is marked missed by the daily job): the scheduler works around it and never moves its plans."""
    if task is None:
        return False
    if task.status in JointTask.CARRIED_OUT:
        return True
    return task.status in (JointTask.Status.FIXED, JointTask.Status.SCHEDULED) and task.visit_date <= today


def compute_schedule(
    *,
    enterprise_id: int,
    today: dt.date | None = None,
    extra: PlanWindow | None = None,
    must_serve=(),
    state: EnterpriseState | None = None,
) -> Schedule:
    """The live plans of the enterprise and the visits that serve them best, computed without writing.

    Plans on a visit that is a fact (``is_fact``) are left where they are and are no input. Plans on a future
    fixed visit, or on one due for fixing, stay on it. The other plans are free: their window starts tomorrow
    at the earliest; one with no day left is left out rather than failing the operation (the daily job closes
    it as not carried out, and its agency may refile it). ``must_serve`` names the plans the caller is acting
    on (the filer's plan, the approved plan, the plans a busy period must not strand): DomainError when one of
    them would be left out. ``extra`` adds a hypothetical plan (the filing page's preview)."""
    today = today or timezone.localdate()
    if state is None:
        state = load_states(enterprise_ids=[enterprise_id], today=today)[enterprise_id]
    tomorrow = today + dt.timedelta(days=1)
    fixed_tasks = {pk: t for pk, t in state.future_tasks.items() if _is_fixed(t, today)}
    on_fixed = defaultdict(list)
    windows = [extra] if extra is not None else []
    left_out = {}
    for plan in state.plans:
        if is_fact(plan.joint_task, today):
            continue
        if plan.joint_task_id in fixed_tasks:
            on_fixed[plan.joint_task_id].append(plan.pk)
            windows.append(PlanWindow(plan.pk, plan.window_start, plan.window_end))
            continue
        start = max(plan.window_start, tomorrow)
        if start > plan.window_end:
            left_out[plan.pk] = "passed"
        else:
            windows.append(PlanWindow(plan.pk, start, plan.window_end))
    allowed = make_is_allowed(calendar=default_calendar(), busy_periods=state.busy)

    def is_allowed(d):
        return d >= tomorrow and allowed(d)

    fixed_visits = [
        Visit(t.visit_date, tuple(on_fixed.get(pk, ())), fixed=True, visit_id=pk) for pk, t in fixed_tasks.items()
    ]
    try:
        visits = schedule(windows, is_allowed=is_allowed, fixed_visits=fixed_visits)
    except NoAllowedDayError as exc:
        bad = {w.plan_id for w in exc.windows}
        left_out.update(dict.fromkeys(bad, "no_day"))
        visits = schedule(
            [w for w in windows if w.plan_id not in bad], is_allowed=is_allowed, fixed_visits=fixed_visits
        )
    refused = [pid for pid in must_serve if pid in left_out]
    if refused:
        if any(left_out[pid] == "passed" for pid in refused):
            raise DomainError(
                _("The window of %(plan)s has passed; it can no longer be scheduled.")
                % {"plan": _plans_named(state, refused[:1])}
            )
        raise DomainError(
            _("No working day outside the busy periods is left in the window of %(plans)s.")
            % {"plans": _plans_named(state, refused)}
        )
    return Schedule(state=state, visits=visits, left_out=left_out, today=today)


def _plans_named(state, plan_ids) -> str:
    """Plans as a user knows them (the agency's plan for its window), never by their database ids."""
    by_id = {plan.pk: plan for plan in state.plans}
    names = []
    for pid in plan_ids:
        plan = by_id.get(pid)
        if plan is None:
            names.append(_("the plan being filed"))
        else:
            names.append(
                _("the plan of %(agency)s for %(start)s to %(end)s")
                % {"agency": plan.agency.name, "start": f"{plan.window_start:%m-%d}", "end": f"{plan.window_end:%m-%d}"}
            )
    return "、".join(names)


def served_plan_ids(result: Schedule) -> set:
    return {pid for visit in result.visits for pid in visit.plan_ids}


def enterprise_reschedule(
    *,
    actor,
    enterprise_id: int,
    today: dt.date | None = None,
    must_serve=(),
    state: EnterpriseState | None = None,
    enterprise: Enterprise | None = None,
) -> dict:
    """Re-optimise the unfixed visits of one enterprise so that its live plans need the fewest visits, then fix
    the visits due for fixing. The caller holds the enterprise's row lock (``lock_enterprise``).

    Plans on fixed visits and on visits that are facts stay; the other plans are placed by
    ``plans.scheduling.schedule`` (optimal interval stabbing over allowed days). Existing unfixed task rows
    are reused where they keep most of their plans, so ids stay stable for the apps. Raises DomainError only
    when a plan of ``must_serve`` cannot be served. ``state``: the enterprise's ``EnterpriseState`` when the
    caller has read it under the lock already (filing, a busy period), so it is not read twice; the plan
    instances in it get their new ``joint_task``. ``enterprise``: its row, for the audit entry. The returned
    changes also list under ``"fixed"`` the ids of the visits fixed here."""
    today = today or timezone.localdate()
    result = compute_schedule(enterprise_id=enterprise_id, today=today, must_serve=must_serve, state=state)
    days_before = visit_days(result.state)
    changes = schedule_apply(actor=actor, enterprise_id=enterprise_id, result=result, enterprise=enterprise)
    # Also after a withdrawal or review that changed no visit: a plan may have left or joined one.
    due = open_visits_refresh(enterprise_id=enterprise_id, today=today, left=days_before)
    if due:
        joint_tasks_fix(actor=actor, task_ids=due)
    changes["fixed"] = due
    return changes


def _counts():
    """A visit's served plans and their distinct agencies, as the UPDATE's values."""
    served = Plan.objects.filter(joint_task=OuterRef("pk"), status__in=Plan.SERVED).order_by().values("joint_task")
    return {
        "n_plans": Coalesce(Subquery(served.annotate(n=Count("pk")).values("n")), 0),
        "n_agencies": Coalesce(Subquery(served.annotate(n=Count("agency", distinct=True)).values("n")), 0),
    }


def joint_task_counts_refresh(tasks, *, left=()) -> int:
    """Recount, for each visit of the queryset ``tasks``, the served plans and their distinct agencies (the
    per-visit figures the statistics read: a visit serving k plans avoids k - 1 visits; it is joint when two
    agencies or more take part), then the statistics' cells of their days and of the (division, day)
    pairs ``left`` (the days the visits were on before the change: ``visit_days``). One UPDATE and the cells'
    refresh; run it in the transaction that changed the visits' plans, so the stored figures always equal a
    recount (``tests/test_statistics_recount.py`` holds that)."""
    n = tasks.update(**_counts())
    cells_refresh_for_visits(tasks, left=left)
    return n


def open_visits_refresh(*, enterprise_id: int, today: dt.date, left=()) -> list[int]:
    """What follows a change to one enterprise's visits, in its transaction: the counts of its open visits and
    their statistics' days (``joint_task_counts_refresh``, with the days ``left``), their participation rows
    (``participation_refresh``); returns the ids of its visits due for fixing (``due_for_fixing``). On
    PostgreSQL one statement (the same statements as data-modifying CTEs: they touch different tables, and
    every read in it sees the rows as the plans' writes before it left them), elsewhere five."""
    if connection.vendor != "postgresql":
        open_tasks, due = _open_visits(enterprise_id=enterprise_id, today=today)
        joint_task_counts_refresh(open_tasks, left=left)
        participation_refresh(open_tasks)
        return list(due)
    bind = prepared(
        "plans.matching.open_visits_refresh",
        _open_visits_statement,
        enterprise_id=SENTINEL_ID,
        today=SENTINEL_DAY,
        horizon=fixing_horizon(SENTINEL_DAY),
    )
    statement, params = bind(enterprise_id=enterprise_id, today=today, horizon=fixing_horizon(today))
    moved = cells_dirty_sql(JointTask.objects.none(), left=left)  # the days visits left, known only here
    if moved is not None:
        statement, params = f"moved AS ({moved[0]}), {statement}", [*moved[1], *params]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {statement}", params)
        ids = [row[0] for row in cursor.fetchall()]
    cells_compact_after_commit()
    return ids


def _open_visits(*, enterprise_id: int, today: dt.date):
    """An enterprise's open visits, and those of them due for fixing (ids)."""
    open_tasks = JointTask.objects.filter(enterprise_id=enterprise_id, status__in=OPEN_STATUSES)
    due = JointTask.objects.due_for_fixing(today).filter(enterprise_id=enterprise_id).values_list("pk", flat=True)
    return open_tasks, due


def _open_visits_statement(*, enterprise_id: int, today: dt.date, horizon: dt.date) -> tuple[str, list]:
    """``open_visits_refresh``'s statement on PostgreSQL, without its leading WITH: the counts' UPDATE, the
    statistics' dirty days of the open visits and the participation rows as CTEs, then the visits due for
    fixing. Compiled from the querysets of the SQLite path (``yantai_inspect.prepared``)."""
    del horizon  # derived from today by the querysets (``fixing_horizon``); bound by name
    open_tasks, due = _open_visits(enterprise_id=enterprise_id, today=today)
    query = open_tasks.query.chain(sql.UpdateQuery)
    query.add_update_values(_counts())
    ctes, params = [query.get_compiler(open_tasks.db).as_sql(), cells_dirty_sql(open_tasks)], []
    participation, participation_params = participation_refresh_ctes(open_tasks)
    bodies = [statement for statement, _params in ctes] + participation
    for _statement, ps in ctes:
        params.extend(ps)
    params.extend(participation_params)
    due_sql, due_params = due.query.sql_with_params()
    return ", ".join(f"w{i} AS ({body})" for i, body in enumerate(bodies)) + f" {due_sql}", [*params, *due_params]


def visit_days(*states: EnterpriseState) -> set:
    """The (division, day) of the future visits of ``states``, read before their schedule is written
    (``schedule_changes`` moves the loaded visits): a visit moved or dropped leaves its day's statistics."""
    return {(t.division, t.visit_date) for s in states for t in s.future_tasks.values()}


@dataclass
class Writes:
    """What ``schedule_changes`` found to write for one enterprise; ``writes_flush`` writes any number of them
    in a fixed number of statements (a rematch batch flushes its enterprises together)."""

    enterprise_id: int
    create: list = field(default_factory=list)  # (new JointTask, its member plans)
    update: list = field(default_factory=list)  # (JointTask, changed field names)
    assign: list = field(default_factory=list)  # plans whose joint_task changed (set on the instance)
    drop: set = field(default_factory=set)  # unfixed visits that may have lost their last plan
    enterprise: Enterprise | None = None  # its row when the caller has it (the audit entry's object)
    changes: dict = field(default_factory=lambda: {"moves": [], "leads": [], "reassigned": [], "created": []})


def schedule_changes(*, enterprise_id: int, result: Schedule) -> Writes:
    """Compare the computed visits with the stored ones, without writing: reuse the unfixed row that already
    holds most of a visit's plans (ids stay stable for the apps), create the others, and touch a row only when
    its date, lead or theme changes."""
    today = result.today
    by_id = {p.pk: p for p in result.plans}
    unfixed = {pk: t for pk, t in result.state.future_tasks.items() if not _is_fixed(t, today)}
    fixed = result.state.future_tasks
    writes = Writes(enterprise_id)
    changes = writes.changes
    used = set()
    for visit in result.visits:
        members = sorted((by_id[pid] for pid in visit.plan_ids), key=lambda p: (p.filed_at, p.pk))
        lead, theme = lead_of(members)
        if visit.fixed:
            task = fixed[visit.visit_id]
            if not members:
                writes.drop.add(task.pk)  # due for fixing but emptied (its plans withdrawn): not a visit any more
                continue
            dirty = []
        else:
            counts = defaultdict(int)
            for plan in members:
                if plan.joint_task_id in unfixed and plan.joint_task_id not in used:
                    counts[plan.joint_task_id] += 1
            tid = max(counts, key=lambda k: (counts[k], -k)) if counts else None
            if tid is None:
                task = JointTask(
                    enterprise_id=enterprise_id,
                    division=members[0].enterprise.division,
                    visit_date=visit.date,
                    lead_agency=lead,
                    theme=theme,
                )
                writes.create.append((task, members))
                continue
            task, dirty = unfixed[tid], []
            used.add(tid)
            if task.visit_date != visit.date:
                changes["moves"].append({"task": task.pk, "from": task.visit_date, "to": visit.date})
                task.visit_date = visit.date
                dirty.append("visit_date")
        if (task.lead_agency_id, task.theme_id) != (lead.pk, theme.pk if theme else None):
            changes["leads"].append({"task": task.pk, "from": task.lead_agency_id, "to": lead.pk})
            task.lead_agency, task.theme = lead, theme
            dirty += ["lead_agency", "theme"]
        if dirty:
            writes.update.append((task, dirty))
        for plan in members:
            if plan.joint_task_id != task.pk:
                if plan.joint_task_id is not None:
                    changes["reassigned"].append({"plan": plan.pk, "from": plan.joint_task_id, "to": task.pk})
                plan.joint_task = task
                writes.assign.append(plan)
    # A plan left out (no allowed day left, e.g. a new holiday calendar) leaves the unfixed visit it was on, so
    # that visit does not take place on a day that is no longer allowed; the daily job closes the plan.
    for plan in result.plans:
        if plan.pk in result.left_out and plan.joint_task_id in unfixed:
            changes["reassigned"].append({"plan": plan.pk, "from": plan.joint_task_id, "to": None})
            plan.joint_task = None
            writes.assign.append(plan)
    writes.drop |= set(unfixed) - used
    return writes


def writes_flush(*, actor, writes: list[Writes]) -> None:
    """Write the changes of one or many enterprises: one INSERT for the new visits, one UPDATE per changed
    field set, one for the plans' visits (on PostgreSQL part of the INSERT when one new visit takes them
    all: a filing with no visit to join), one DELETE for the visits left empty; then one
    ``joint_task.reschedule`` audit entry per enterprise where an existing visit moved, changed its lead, lost
    its last plan or a plan changed visit. Nothing at all when nothing changed."""
    new = [task for w in writes for task, _members in w.create]
    alone = _one_new_visit_alone(writes)
    if alone is not None:  # a filing on an enterprise with no visit to join: the visit and its plans at once
        _visit_insert_assigning(*alone)
    elif new:
        JointTask.objects.bulk_create(new)
    assign = []
    for w in writes:
        for task, members in w.create:
            w.changes["created"].append({"task": task.pk, "date": task.visit_date})
            for plan in members:
                if plan.joint_task_id is not None:
                    w.changes["reassigned"].append({"plan": plan.pk, "from": plan.joint_task_id, "to": task.pk})
                plan.joint_task = task
                assign.append(plan)
        assign += w.assign
    by_fields = defaultdict(list)
    for w in writes:
        for task, dirty in w.update:
            by_fields[tuple(dirty)].append(task)
    for dirty, tasks in by_fields.items():
        now = timezone.now()
        for task in tasks:
            task.updated_at = now
        JointTask.objects.bulk_update(tasks, [*dirty, "updated_at"], batch_size=1000)
    targets = {plan.joint_task_id for plan in assign}
    if alone is not None:  # assigned by the visit's INSERT
        pass
    elif len(targets) == 1:  # a filing: its plan (and those that join it) onto one visit, a plain UPDATE
        Plan.objects.filter(pk__in=[plan.pk for plan in assign]).update(joint_task_id=targets.pop())
    elif assign:
        Plan.objects.bulk_update(assign, ["joint_task"], batch_size=1000)
    drop = {pk for w in writes for pk in w.drop}
    dropped = set()
    if drop:
        stale = JointTask.objects.filter(
            pk__in=drop, fixed=False, status=JointTask.Status.SCHEDULED, plans__isnull=True
        ).values_list("pk", flat=True)
        dropped = set(stale)
        if dropped:
            JointTask.objects.filter(pk__in=dropped).delete()
    audited = []
    for w in writes:
        w.changes["dropped"] = sorted(w.drop & dropped)
        if w.changes["moves"] or w.changes["leads"] or w.changes["reassigned"] or w.changes["dropped"]:
            audited.append(w)
    missing = [w.enterprise_id for w in audited if w.enterprise is None]
    enterprises = Enterprise.objects.in_bulk(missing) if missing else {}
    enterprises.update({w.enterprise_id: w.enterprise for w in audited if w.enterprise is not None})
    for w in audited:
        audit_record(
            actor=actor,
            action="joint_task.reschedule",
            obj=enterprises[w.enterprise_id],
            details={k: v for k, v in w.changes.items() if v},
        )


def _one_new_visit_alone(writes: list[Writes]):
    """``(visit, plans)`` when the only plans changing visit are the members of one new visit (a filing on an
    enterprise with nothing to join), on PostgreSQL; else None."""
    if connection.vendor != "postgresql" or len(writes) != 1:
        return None
    w = writes[0]
    if len(w.create) != 1 or w.assign:
        return None
    return w.create[0]


def _visit_insert_assigning(task: JointTask, members: list) -> None:
    """The new visit's INSERT (as Django compiles it, RETURNING its id) and its plans' UPDATE onto it as one
    statement of a data-modifying CTE (2 -> 1); the instance then holds its id as after ``bulk_create``."""
    meta = JointTask._meta
    using = router.db_for_write(JointTask)
    query = sql.InsertQuery(JointTask)
    query.insert_values([f for f in meta.local_concrete_fields if f is not meta.auto_field], [task])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    [(insert, params)] = compiler.as_sql()
    update = Plan.objects.filter(pk__in=[plan.pk for plan in members]).query.chain(sql.UpdateQuery)
    update.add_update_values({"joint_task": RawSQL("(SELECT id FROM t)", [], output_field=BigIntegerField())})
    update_sql, update_params = update.get_compiler(using).as_sql()
    with connections[using].cursor() as cursor:
        statement = f"WITH t AS ({insert}), a AS ({update_sql}) SELECT id FROM t"  # noqa: S608 (compiled by Django)
        cursor.execute(statement, [*params, *update_params])
        task.pk = cursor.fetchone()[0]
    task._state.adding, task._state.db = False, using


def schedule_apply(*, actor, enterprise_id: int, result: Schedule, enterprise: Enterprise | None = None) -> dict:
    """Write the computed visits of one enterprise (``schedule_changes`` then ``writes_flush``). Returns what
    changed: ``moves``, ``leads``, ``reassigned``, ``created`` and ``dropped``."""
    writes = schedule_changes(enterprise_id=enterprise_id, result=result)
    writes.enterprise = enterprise
    writes_flush(actor=actor, writes=[writes])
    return writes.changes


def visits_changed(changes: dict) -> int:
    """How many visits a ``schedule_apply`` created, dropped, moved or gave another lead."""
    existing = {c["task"] for c in changes["moves"]} | {c["task"] for c in changes["leads"]}
    return len(existing) + len(changes["created"]) + len(changes["dropped"])


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
