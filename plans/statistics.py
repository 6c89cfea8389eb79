"""The platform's headline figures, read from a rollup kept exact by the writers.

- joint share: plans served by a visit with two or more agencies / plans served (联合检查比例)
- visits: the plans' share of their visits, each plan of a visit serving k plans credited 1 / k; a visit
  counts once overall, and in a breakdown its share is split among the groups of its plans, so the groups
  add up to the total (two decimals, like visits avoided). It was COUNT(DISTINCT visit) until issue 8: a
  visit serving two agencies counted once for each, and no breakdown added up to its total.
- visits avoided: plans served - visits (减少入企次数): each plan credited (k - 1) / k
- 7-day rate: plans filed 7 days ahead (``Plan.filed_ahead_q``, the filing check's rule) / all plans served
  (提前7天备案率); green-channel plans count as not filed ahead
- green channel: urgent plans, and how many were found justified after the fact
- missed: visits that did not take place (the enterprise was closed, nobody came ...), counted whole in each
  group that has a plan on them
- problem share: of the plans whose visit has a finalised record (inspected), those on whose record the plan's
  agency recorded a finding (found_problem), handed in by ``inspections`` (``record_filters_register``)

A plan is *served* when it is on a visit and live or carried out (``Plan.SERVED``). The additive figures are
summed per (visit day, enterprise's division, agency, theme) in ``StatisticsCell``; a reader sums the cells
of its scope (``plans.selectors.plan_scope_q``: the same filter on the agency as its plan lists), so the
city's year is a sum over some hundred thousand small rows instead of a join over a million plans. Missed
visits are few: they are counted from the visits directly, through a partial index.

The writers do not recompute the cells: every writer that changes a figure's input logs the (division, day)
pairs it touched into ``StatisticsDirty`` (``cells_refresh_for_visits``: one INSERT ... SELECT, no lock) in
its transaction — ``plans.matching.joint_task_counts_refresh`` (the recount of a visit's plans that filing,
withdrawal, review, re-matching and the missed-visit job already run) and the few writers that change a plan
without changing which plans a visit serves (the green-channel visit, the review after the fact). A reader
sums the cells of the pairs not logged UNION ALL the logged pairs' cells computed from the plans
(``cells_source``), so the figures are exact at once. ``cells_compact`` (``plans.tasks.statistics_cells_compact``,
enqueued on commit, and every minute by the beat) deletes the logged rows and recomputes their cells with
``cells_refresh`` (set-based: one DELETE, one INSERT ... SELECT ... GROUP BY whatever the number of pairs).
``tests/test_statistics_recount.py`` holds the figures equal to a recount after a random mix of writes, and
the cells themselves after compaction; ``manage.py statistics_rebuild`` rebuilds them from scratch.

The month grain (``StatisticsMonthCell``: the day cells summed per month, 86,000 rows for the city's year
against 514,000) is rewritten from the day cells wherever day cells are (``_months_write``, in the same
transaction and under a lock per (division, month)), so it always equals its days. A reader sums the month
cells of the whole months of its range, the day cells of the edge months' days and of every (division,
month) holding a dirty day, and the dirty days from the plans: one parallel scan of the day cells per request
became a plain scan of a sixth of the rows (issue 8's third pass). The (agency, month) grain
(``StatisticsAgencyMonth``: the month cells summed over divisions and themes, 12,639 rows for the city's year)
is rewritten from the month cells wherever month cells are (``_agency_months_write``: the whole month, under
the month's lock), and serves the readers grouping by nothing, agency or month: the city bureau's dashboard
sums 66 agencies' 12 months instead of 34,000 month cells (issue 8, the session of 2 December); a month with a
dirty day in any division is read from its month and day cells instead.
docs/performance.md ("Statistics at city scale") has the measurements.
"""

import datetime as dt
import logging
import time
from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, Count, F, FloatField, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Cast, TruncMonth

from accounts.divisions import DIVISION_CODES, division_name

from .models import JointTask, Plan, StatisticsAgencyMonth, StatisticsCell, StatisticsDirty, StatisticsMonthCell

log = logging.getLogger(__name__)

DIMENSIONS = ("agency", "theme", "district", "month")

# A visit nobody carried out (``plans.missed``); its plans are closed as not carried out.
MISSED = JointTask.Status.MISSED

# The cells' additive columns, in the order the refresh's SELECT gives them.
COUNTS = (
    "plans",
    "visit_share",
    "joint_plans",
    "filed_ahead",
    "green_channel",
    "green_channel_justified",
    "green_channel_unjustified",
    "green_channel_pending",
    "inspected",
    "found_problem",
)
KEY = ("agency_id", "theme_id", "day", "division")

# What the inspections app hands in when it loads (``inspections.apps``): filters over plans for "the plan's
# visit has a finalised record" and "the plan's agency recorded a finding on it" (plans cannot name the
# records). Until then both count nothing. A writer that finalises a record logs its visit's day dirty.
_record_filters: dict = {}


def record_filters_register(*, inspected, found_problem) -> None:
    """Hand in ``inspected()`` and ``found_problem()``, each returning a Q over plans."""
    _record_filters.update(inspected=inspected, found_problem=found_problem)

_CELL_GROUP = {
    "agency": F("agency__name"),
    "theme": F("theme__name"),
    "district": F("division"),
    "month": TruncMonth("day"),
}
_MONTH_GROUP = {
    "agency": F("agency__name"),
    "theme": F("theme__name"),
    "district": F("division"),
    "month": F("month"),
}
# The coarsest grain (``StatisticsAgencyMonth``) serves the readers grouping by nothing, agency or month.
_AGENCY_MONTH_GROUP = {"agency": F("agency__name"), "month": F("month")}
_PLAN_GROUP = {
    "agency": F("agency__name"),
    "theme": F("theme__name"),
    "district": F("joint_task__division"),
    "month": TruncMonth("joint_task__visit_date"),
}
# The same groups by id (``keys="ids"``: the oversight dashboard names them itself and drills down by id).
_CELL_GROUP_IDS = {**_CELL_GROUP, "agency": F("agency_id"), "theme": F("theme_id")}
_MONTH_GROUP_IDS = {**_MONTH_GROUP, "agency": F("agency_id"), "theme": F("theme_id")}
_AGENCY_MONTH_GROUP_IDS = {**_AGENCY_MONTH_GROUP, "agency": F("agency_id")}
_PLAN_GROUP_IDS = {**_PLAN_GROUP, "agency": F("agency_id"), "theme": F("theme_id")}


def plan_statistics(
    *,
    scope: Q | None,
    by: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    keys: str = "labels",
) -> dict:
    """Figures over the plans of ``scope`` (``plans.selectors.plan_scope_q`` of the reader: a filter on the
    plans' agency; None sees nothing), overall or grouped ``by`` one of agency, theme, district (of the
    enterprise) or month (of the visit), for the visits from ``date_from`` to ``date_to``. Three queries
    overall: the dirty pairs, the sum of the cells (the month cells of the whole months in the range, UNION ALL
    the day cells of the edge months' days and of the months holding a dirty day, UNION ALL the dirty pairs'
    cells from the plans), and the missed visits. Grouped, also the ``overall`` figures: the cells'
    groups add up to them, only the missed visits are counted once more (a visit is missed once however many
    groups it has plans in), so a page showing both scans the cells once. ``keys="ids"``: the groups' keys are
    the agency's and the theme's ids (None: no theme), the division's code and the month's first day,
    unlabelled (the oversight dashboard names them and drills down by them)."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(by)
    by_ids = keys == "ids"
    cell_group, month_group, plan_group, agency_month_group = (
        (_CELL_GROUP_IDS, _MONTH_GROUP_IDS, _PLAN_GROUP_IDS, _AGENCY_MONTH_GROUP_IDS)
        if by_ids
        else (_CELL_GROUP, _MONTH_GROUP, _PLAN_GROUP, _AGENCY_MONTH_GROUP)
    )
    cells, missed = StatisticsCell.objects.order_by(), Plan.objects.order_by().filter(joint_task__status=MISSED)
    months = StatisticsMonthCell.objects.order_by()
    if scope is None:
        cells, missed, months = cells.none(), missed.none(), months.none()
    else:
        cells, missed, months = cells.filter(scope), missed.filter(scope), months.filter(scope)
    if date_from:
        cells, missed = cells.filter(day__gte=date_from), missed.filter(joint_task__visit_date__gte=date_from)
    if date_to:
        cells, missed = cells.filter(day__lte=date_to), missed.filter(joint_task__visit_date__lte=date_to)
    sums = {name: Sum(name) for name in COUNTS}
    n_missed = Count("joint_task", distinct=True)
    # The cells of the (division, day) pairs a writer logged since the last compaction may be stale: those
    # pairs are summed from the plans instead, in the same query (UNION ALL), so a write shows at once; the
    # month cells of their (division, month) are left out too, those months read from their day cells.
    dirty = _pairs_q(StatisticsDirty.objects.order_by("division", "day").values_list("division", "day").distinct())
    dirty_months = _months_of(dirty) if dirty is not None else None
    agency_months = None
    whole = _whole_months(date_from, date_to)
    if whole is None:
        months = months.none()
    else:
        first, last = whole
        whole_q = Q(**({"month__gte": first} if first else {}), **({"month__lte": last} if last else {}))
        months = months.filter(whole_q)
        # the day cells of the whole months are read from their month cells, but for the dirty months'
        in_whole = _within(first, last)
        cells = cells.filter(~in_whole | _days_of_months_q(dirty_months)) if in_whole is not None else (
            cells.filter(_days_of_months_q(dirty_months)) if dirty_months else cells.none()
        )
        if dirty_months:
            months = months.exclude(_months_q(dirty_months))
        if by is None or by in agency_month_group:
            # the whole months with no dirty day in any division from the (agency, month) grain; the others'
            # month cells, but for the dirty (division, month)s (read from their days, above)
            dirty_any = sorted({month for ms in (dirty_months or {}).values() for month in ms})
            agency_months = StatisticsAgencyMonth.objects.order_by().filter(whole_q).exclude(month__in=dirty_any)
            agency_months = agency_months.none() if scope is None else agency_months.filter(scope)
            months = months.filter(month__in=dirty_any) if dirty_any else months.none()
    live = None
    if dirty is not None:
        cells = cells.exclude(_cells_q(dirty))
        live = Plan.objects.order_by().filter(_plans_q(dirty), status__in=Plan.SERVED, joint_task__isnull=False)
        live = live.none() if scope is None else live.filter(scope)
        if date_from:
            live = live.filter(joint_task__visit_date__gte=date_from)
        if date_to:
            live = live.filter(joint_task__visit_date__lte=date_to)
    key_cells, key_months, key_plans = (
        (Value(0), Value(0), Value(0)) if by is None else (cell_group[by], month_group[by], plan_group[by])
    )
    qs = cells.annotate(key=key_cells).values("key").annotate(**sums)
    parts = [months.annotate(key=key_months).values("key").annotate(**sums)]
    if agency_months is not None:
        key_agency_months = Value(0) if by is None else agency_month_group[by]
        parts.append(agency_months.annotate(key=key_agency_months).values("key").annotate(**sums))
    if live is not None:
        parts.append(live.annotate(key=key_plans).values("key").annotate(**_source_counts()))
    qs = qs.union(*parts, all=True)
    rows = {}
    for row in qs:
        key = row.pop("key")
        into = rows.setdefault(key, dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            into[name] += row[name] or 0
    if by is None:
        return _figures({**rows.get(0, {}), "missed": missed.aggregate(n=n_missed)["n"]})
    total = {name: sum(row[name] for row in rows.values()) for name in COUNTS}
    for key, n in missed.annotate(key=plan_group[by]).values("key").annotate(n=n_missed).values_list("key", "n"):
        rows.setdefault(key, {})["missed"] = n
    total["missed"] = missed.aggregate(n=n_missed)["n"]
    groups = [{"key": _month_key(key) if by_ids else _label(by, key), **_figures(row)} for key, row in rows.items()]
    groups = [g for g in groups if g["plans"] or g["missed"]]
    return {"by": by, "groups": sorted(groups, key=lambda g: str(g["key"])), "overall": _figures(total)}


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _whole_months(date_from: dt.date | None, date_to: dt.date | None):
    """The whole months of the range as (first month, last month), each the first day of its month or None
    for an open end; None when the range holds no whole month."""
    try:
        first = None if date_from is None else (date_from if date_from.day == 1 else _next_month(date_from))
        last = None
        if date_to is not None:
            month = _month_start(date_to)
            last = month if _next_month(date_to) == date_to + dt.timedelta(days=1) else _previous_month(month)
    except OverflowError:  # a range reaching year 1 or 9999: the days are summed one by one
        return None
    if first is not None and last is not None and first > last:
        return None
    return first, last


def _previous_month(month: dt.date) -> dt.date:
    return _month_start(month - dt.timedelta(days=1))


def _within(first: dt.date | None, last: dt.date | None) -> Q | None:
    """The days of the months from ``first`` to ``last`` (None: open end; None for both: every day)."""
    q = Q()
    if first:
        q &= Q(day__gte=first)
    if last:
        q &= Q(day__lt=_next_month(last))
    return q if (first or last) else None


def _months_of(days: dict) -> dict:
    """{division: sorted days} as {division: sorted firsts of their months}."""
    return {division: sorted({_month_start(day) for day in ds}) for division, ds in days.items()}


def _months_q(months: dict) -> Q:
    q = Q(pk__in=[])
    for division, ms in months.items():
        q |= Q(division=division, month__in=ms)
    return q


def _days_of_months_q(months: dict | None) -> Q:
    q = Q(pk__in=[])
    for division, ms in (months or {}).items():
        for month in ms:
            q |= Q(division=division, day__gte=month, day__lt=_next_month(month))
    return q


def _month_key(key):
    """A month's key as a date (SQLite's TruncMonth over a date column answers a datetime)."""
    return key.date() if isinstance(key, dt.datetime) else key


def _label(by: str, key):
    if by == "theme":
        return key or "—"
    if by == "district":
        return division_name(key)
    if by == "month":
        return key.strftime("%Y-%m")
    return key


def _figures(row: dict) -> dict:
    served = row.get("plans") or 0
    share = row.get("visit_share") or 0.0
    joint, ahead = row.get("joint_plans") or 0, row.get("filed_ahead") or 0
    return {
        "plans": served,
        "visits": _tidy(share),
        "visits_avoided": _tidy(served - share),
        "joint_plans": joint,
        "joint_share": round(joint / served, 4) if served else None,
        "filed_ahead": ahead,
        "filed_ahead_rate": round(ahead / served, 4) if served else None,
        "green_channel": row.get("green_channel") or 0,
        "green_channel_justified": row.get("green_channel_justified") or 0,
        "green_channel_unjustified": row.get("green_channel_unjustified") or 0,
        "green_channel_pending": row.get("green_channel_pending") or 0,
        "missed": row.get("missed") or 0,
        "inspected": row.get("inspected") or 0,
        "found_problem": row.get("found_problem") or 0,
        "problem_share": round(row["found_problem"] / row["inspected"], 4) if row.get("inspected") else None,
    }


def _tidy(value: float) -> float | int:
    """Two decimals, and a whole number shown as one."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


# -- the rollup ----------------------------------------------------------------------------------------------


def cells_source(plans: Q):
    """The cells of the served plans matching ``plans`` (a filter over plans), computed from scratch: one
    GROUP BY, the columns in ``KEY + COUNTS`` order."""
    qs = (
        Plan.objects.order_by()
        .filter(plans, status__in=Plan.SERVED, joint_task__isnull=False)
        .values("agency_id", "theme_id", day=F("joint_task__visit_date"), division=F("joint_task__division"))
        .annotate(**_source_counts())
    )
    assert (*qs.query.values_select, *qs.query.annotation_select) == KEY + COUNTS
    return qs


def _source_counts() -> dict:
    """The cells' additive columns computed from the served plans, in ``COUNTS`` order."""
    k = F("joint_task__n_plans")
    urgent = Q(urgent=True)
    return {
        "plans": Count("pk"),
        # 1 / k for the plan's visit; the stored k is at least 1 for a served plan (joint_task_counts_refresh).
        "visit_share": Sum(
            Case(
                When(joint_task__n_plans__gt=0, then=Value(1.0) / Cast(k, FloatField())),
                default=Value(0.0),
                output_field=FloatField(),
            )
        ),
        "joint_plans": Count("pk", filter=Q(joint_task__n_agencies__gte=2)),
        "filed_ahead": Count("pk", filter=Plan.filed_ahead_q()),
        "green_channel": Count("pk", filter=urgent),
        "green_channel_justified": Count("pk", filter=urgent & Q(post_review=Plan.PostReview.JUSTIFIED)),
        "green_channel_unjustified": Count("pk", filter=urgent & Q(post_review=Plan.PostReview.UNJUSTIFIED)),
        "green_channel_pending": Count("pk", filter=urgent & Q(post_review=Plan.PostReview.PENDING)),
        "inspected": Count("pk", filter=_record_filter("inspected")),
        "found_problem": Count("pk", filter=_record_filter("inspected") & _record_filter("found_problem")),
    }


def _record_filter(name: str) -> Q:
    make = _record_filters.get(name)
    return make() if make else Q(pk__in=[])


def _pairs_q(pairs) -> dict | None:
    """(division, day) pairs as {division: sorted days}; None when there are none."""
    days = defaultdict(set)
    for division, day in pairs:
        days[division].add(day)
    return {division: sorted(ds) for division, ds in days.items()} or None


def _plans_q(days: dict) -> Q:
    q = Q(pk__in=[])
    for division, ds in days.items():
        q |= Q(joint_task__division=division, joint_task__visit_date__in=ds)
    return q


def _cells_q(days: dict) -> Q:
    q = Q(pk__in=[])
    for division, ds in days.items():
        q |= Q(division=division, day__in=ds)
    return q


def _cells_write(*, plans: Q, cells: Q) -> None:
    """Replace the cells matching ``cells`` by those computed from the plans matching ``plans`` (the same set
    of cells): one DELETE and one INSERT ... SELECT."""
    StatisticsCell.objects.filter(cells).delete()
    _insert_select(StatisticsCell, cells_source(plans))


def _insert_select(model, qs) -> None:
    """INSERT INTO ``model``'s table the rows of the values queryset ``qs`` (its columns named as the model's
    fields), in one statement."""
    query = qs.query
    names = [*query.values_select, *query.annotation_select]
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) {sql}", params)


def month_cells_source(cells: Q):
    """The month cells of the day cells matching ``cells`` (whole months of them), computed from the day
    cells: one GROUP BY."""
    return (
        StatisticsCell.objects.order_by()
        .filter(cells)
        .annotate(month=TruncMonth("day"))
        .values("agency_id", "theme_id", "division", "month")
        .annotate(**{name: Sum(name) for name in COUNTS})
    )


def _months_write(months: dict) -> None:
    """Recompute the month cells of the (division, month) ``months`` ({division: firsts of months}) from
    their day cells, in the caller's transaction (which holds their locks): one DELETE, one INSERT ... SELECT.
    Called wherever day cells are written, so the month grain always equals the sum of its days."""
    if not months:
        return
    StatisticsMonthCell.objects.filter(_months_q(months)).delete()
    _insert_select(StatisticsMonthCell, month_cells_source(_days_of_months_q(months)))
    _agency_months_write(sorted({month for ms in months.values() for month in ms}))


def agency_months_source(months: Q):
    """The (agency, month) rows of the month cells matching ``months`` (whole months of them), computed from
    the month cells: one GROUP BY."""
    return (
        StatisticsMonthCell.objects.order_by()
        .filter(months)
        .values("agency_id", "month")
        .annotate(**{name: Sum(name) for name in COUNTS})
    )


def _agency_months_write(months: list) -> None:
    """Recompute every agency's row of the ``months`` (firsts of months) from their month cells, in the
    caller's transaction (which holds the months' locks: ``_lock``): one DELETE, one INSERT ... SELECT. The
    whole month, every division: a division's month cells changed, and the agencies whose rows it moved are
    those of its old cells as well as its new ones."""
    if not months:
        return
    StatisticsAgencyMonth.objects.filter(month__in=months).delete()
    _insert_select(StatisticsAgencyMonth, agency_months_source(Q(month__in=months)))


def cells_refresh(pairs) -> None:
    """Recompute the cells of the (enterprise's division, visit day) ``pairs`` from the plans and visits, in
    the caller's transaction (the compaction and the rebuild). Two callers refreshing one pair wait for
    each other (an advisory lock per pair on PostgreSQL, taken in order; SQLite has one writer), so neither
    deletes the other's cells unseen."""
    days = _pairs_q(pairs)
    if days is None:
        return
    months = _months_of(days)
    _lock(
        [(division, day) for division, ds in days.items() for day in ds],
        months=[(division, month) for division, ms in months.items() for month in ms],
    )
    _cells_write(plans=_plans_q(days), cells=_cells_q(days))
    _months_write(months)


def cells_refresh_for_visits(tasks, *, left=()) -> None:
    """Log the days of the visits of the queryset ``tasks`` and the (division, day) pairs ``left`` (the days
    visits left: moved from, dropped, which only the writer knows) as dirty, in the caller's transaction: one
    INSERT ... SELECT, no lock, no recompute (the readers compute a dirty pair from the plans). The compaction
    (``cells_compact``) is enqueued once the transaction commits; the beat runs it every minute as well."""
    statement = cells_dirty_sql(tasks, left=left)
    if statement is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(*statement)
    cells_compact_after_commit()


def cells_dirty_sql(tasks, *, left=()) -> tuple[str, list] | None:
    """The INSERT of ``cells_refresh_for_visits``, not run (None when there is nothing to log): a writer may
    send it as part of a larger statement (``plans.matching.open_visits_refresh``); it then calls
    ``cells_compact_after_commit`` itself."""
    table = connection.ops.quote_name(StatisticsDirty._meta.db_table)
    selects, params = [], []
    try:
        sql, ps = tasks.order_by().values_list("division", "visit_date").distinct().query.sql_with_params()
        selects.append(sql)
        params.extend(ps)
    except EmptyResultSet:
        pass
    for division, day in sorted(set(left)):
        selects.append("SELECT %s, %s")
        params.extend([division, day])
    if not selects:
        return None
    return f"INSERT INTO {table} (division, day) {' UNION ALL '.join(selects)}", params


def cells_compact_after_commit() -> None:
    """Enqueue the compaction once the transaction commits (once per transaction)."""
    if not any(getattr(entry[1], "__name__", "") == "_compact_soon" for entry in connection.run_on_commit):
        transaction.on_commit(_compact_soon)


# A process enqueues the compaction at most once in this many seconds, to run that much later: it then
# covers every commit of the window (a filing enqueued one of its own until issue 8's third pass, a Redis
# round trip and 1.7k Python calls on each; the dirty rows read exact meanwhile, and the beat runs it anyway).
COMPACT_WINDOW_SECONDS = 2.0
_compact_enqueued_at = [float("-inf")]


def _compact_soon() -> None:
    from .tasks import statistics_cells_compact

    eager = statistics_cells_compact.app.conf.task_always_eager  # tests and a laptop: at once, every time
    now = time.monotonic()
    if not eager and now - _compact_enqueued_at[0] < COMPACT_WINDOW_SECONDS:
        return
    _compact_enqueued_at[0] = now
    try:
        statistics_cells_compact.apply_async(countdown=None if eager else COMPACT_WINDOW_SECONDS)
    except Exception:  # the broker is down: the dirty rows wait for the beat's run
        log.warning("statistics: broker unavailable, compaction left for the beat", exc_info=True)


def cells_compact(*, batch_pairs: int = 500) -> int:
    """Recompute the cells of the dirty (division, day) pairs and clear them, ``batch_pairs`` pairs per
    transaction (select the pairs, delete their dirty rows, then ``cells_refresh``: its advisory locks keep two
    compactions apart). A writer that commits after the DELETE leaves its row for the next run, so nothing is
    lost; rerunnable, and a no-op (one query) when nothing is dirty. Returns the pairs recomputed."""
    done = 0
    while True:
        with transaction.atomic():
            pairs = list(
                StatisticsDirty.objects.order_by("division", "day")
                .values_list("division", "day")
                .distinct()[:batch_pairs]
            )
            if not pairs:
                return done
            days = _pairs_q(pairs)
            StatisticsDirty.objects.filter(_cells_q(days)).delete()
            cells_refresh(pairs)
        done += len(pairs)
        if len(pairs) < batch_pairs:
            return done


def months_rebuild() -> None:
    """Every month cell recomputed from the day cells (the migration that added the month grain); in the
    caller's transaction, under the lock of every (division, month) it rewrites."""
    months = list(
        StatisticsCell.objects.order_by().annotate(month=TruncMonth("day")).values_list("division", "month").distinct()
    )
    by_division = defaultdict(set)
    for division, month in [*months, *StatisticsMonthCell.objects.values_list("division", "month").distinct()]:
        by_division[division].add(month)
    _lock([], months=[(division, month) for division, ms in by_division.items() for month in ms])
    StatisticsMonthCell.objects.all().delete()
    _insert_select(StatisticsMonthCell, month_cells_source(Q()))
    agency_months_rebuild()


def agency_months_rebuild() -> None:
    """Every (agency, month) row recomputed from the month cells (the migration that added that grain), in the
    caller's transaction, under the lock of every month it rewrites."""
    months = {*StatisticsMonthCell.objects.order_by().values_list("month", flat=True).distinct(),
              *StatisticsAgencyMonth.objects.order_by().values_list("month", flat=True).distinct()}
    _lock([], whole_months=months)
    StatisticsAgencyMonth.objects.all().delete()
    _insert_select(StatisticsAgencyMonth, agency_months_source(Q()))


def cells_rebuild_span() -> tuple[dt.date, dt.date] | None:
    """The days a rebuild covers: every visit's, and every cell's (a cell of a day with no visit any more)."""
    visits = JointTask.objects.aggregate(lo=Min("visit_date"), hi=Max("visit_date"))
    cells = StatisticsCell.objects.aggregate(lo=Min("day"), hi=Max("day"))
    spans = [visits, cells]
    for model in (StatisticsMonthCell, StatisticsAgencyMonth):  # a month whose days all went
        months = model.objects.aggregate(lo=Min("month"), hi=Max("month"))
        spans.append({"lo": months["lo"], "hi": months["hi"] and _next_month(months["hi"]) - dt.timedelta(days=1)})
    los = [b["lo"] for b in spans if b["lo"]]
    his = [b["hi"] for b in spans if b["hi"]]
    return (min(los), max(his)) if los else None


def cells_rebuild(*, batch_days: int = 7, progress=None) -> int:
    """Rebuild every cell from the plans and visits, ``batch_days`` days of visits per transaction (one
    DELETE and one INSERT each); idempotent, and safe beside the writers (each batch takes the locks of
    ``cells_refresh``). Returns the number of days covered; ``progress`` is called with each batch's days."""
    span = cells_rebuild_span()
    if span is None:
        return 0
    day, end = span
    while day <= end:
        last = min(day + dt.timedelta(days=batch_days - 1), end)
        with transaction.atomic():
            _rebuild_batch(day, last)
        if progress:
            progress((last - day).days + 1)
        day = last + dt.timedelta(days=1)
    return (end - span[0]).days + 1


def _rebuild_batch(first: dt.date, last: dt.date) -> None:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    months = sorted({_month_start(day) for day in days})
    _lock(
        [(division, day) for division in DIVISION_CODES for day in days],
        months=[(division, month) for division in DIVISION_CODES for month in months],
    )
    _cells_write(plans=Q(joint_task__visit_date__range=(first, last)), cells=Q(day__range=(first, last)))
    # every division's months of the batch, also those whose day cells all went (a month with no visit left)
    _months_write(dict.fromkeys(DIVISION_CODES, months))


def _lock(pairs, *, months=(), whole_months=()) -> None:
    """Wait for the other writers of these (division, day) cells, (division, month) month cells and months of
    (agency, month) rows until the transaction ends (PostgreSQL; one statement, the locks taken in one order so
    that two writers never wait for each other). A month's key is its first day's ordinal negated, apart from
    every day's; a whole month's (every agency's row of it, rewritten with any of its month cells: ``months``
    implies it) has the division 0, which no division's code is."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        {(int(division), day.toordinal()) for division, day in pairs}
        | {(int(division), -month.toordinal()) for division, month in months}
        | {(0, -month.toordinal()) for month in {*whole_months, *(month for _division, month in months)}}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(d, n) FROM unnest(%s::int[], %s::int[]) AS k(d, n) ORDER BY d, n",
            [[d for d, _n in keys], [n for _d, n in keys]],
        )
