"""Scheduling the plans of one enterprise into the fewest joint visits (计划匹配, 一家发起、众家响应).

Each live plan has a window [start, end] (dates, inclusive) and is served by exactly one visit whose date lies
in its window. A visit date must be *allowed*: an official working day (``plans.workdays``; 调休 Saturdays
included, public holidays excluded) outside the enterprise's declared busy periods. Some visits are *fixed*
(their date no longer moves and their plans stay on them); every other visit is recomputed here whenever the
set of plans changes.

Pure functions over plain data: no database, so the optimality claims are tested against brute force.
Plan ids only need to be hashable and mutually comparable (ints, UUIDs or strings, not mixed).
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from .workdays import WorkdayCalendar

ONE_DAY = dt.timedelta(days=1)

IsAllowed = Callable[[dt.date], bool]


@dataclass(frozen=True)
class PlanWindow:
    """A plan to be served: the dates its visit may take place on (inclusive)."""

    plan_id: object
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"plan {self.plan_id}: window ends ({self.end}) before it starts ({self.start})")

    def contains(self, d: dt.date) -> bool:
        return self.start <= d <= self.end


@dataclass(frozen=True)
class Visit:
    """A joint visit: one date, the plans it serves (sorted), whether its date is fixed.

    ``visit_id`` is the caller's handle on an existing visit (a fixed visit comes back with it); visits
    created by ``schedule`` have none.
    """

    date: dt.date
    plan_ids: tuple = ()
    fixed: bool = False
    visit_id: object = field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "plan_ids", tuple(sorted(self.plan_ids)))


class DateRange(Protocol):
    """Anything with ``start`` and ``end`` dates, e.g. an ``enterprises.BusyPeriod`` row."""

    start: dt.date
    end: dt.date


class BlockReason(enum.StrEnum):
    HOLIDAY = "holiday"  # a public-holiday day off (even when it falls on a weekend)
    WEEKEND = "weekend"  # Saturday or Sunday that is not a make-up working day
    BUSY = "busy"  # a working day inside a busy period declared by the enterprise


class BlockedDay(NamedTuple):
    date: dt.date
    reason: BlockReason


class NoAllowedDayError(ValueError):
    """Some plans have no allowed day in their window, so no schedule can serve them."""

    def __init__(self, windows: Sequence[PlanWindow]):
        self.windows = tuple(windows)
        parts = [
            f"plan {w.plan_id}: every day of {w.start}..{w.end} is blocked "
            f"({', '.join(d.isoformat() for d in _days(w.start, w.end))})"
            for w in self.windows
        ]
        super().__init__("No allowed visit day; " + "; ".join(parts))


# -- which days are allowed ----------------------------------------------------------------------------


def block_reason(
    d: dt.date, *, calendar: WorkdayCalendar, busy_periods: Iterable[DateRange | tuple[dt.date, dt.date]]
) -> BlockReason | None:
    """Why no visit may take place on ``d``, or None when it may.

    The calendar reason wins over a busy period: it would block the day even without the declaration.
    Years the calendar does not know fall back to Monday-Friday (see ``plans.workdays``).
    """
    if not calendar.is_workday(d):
        return BlockReason.HOLIDAY if calendar.is_holiday(d) else BlockReason.WEEKEND
    if any(start <= d <= end for start, end in _ranges(busy_periods)):
        return BlockReason.BUSY
    return None


def make_is_allowed(
    *, calendar: WorkdayCalendar, busy_periods: Iterable[DateRange | tuple[dt.date, dt.date]]
) -> IsAllowed:
    """The ``is_allowed`` callback for ``schedule``: same rule as ``blocking_days``, one place."""
    ranges = _ranges(busy_periods)

    def is_allowed(d: dt.date) -> bool:
        return block_reason(d, calendar=calendar, busy_periods=ranges) is None

    return is_allowed


def allowed_days(start: dt.date, end: dt.date, *, is_allowed: IsAllowed) -> list[dt.date]:
    """The allowed days of [start, end], in order."""
    return [d for d in _days(start, end) if is_allowed(d)]


def blocking_days(
    start: dt.date,
    end: dt.date,
    *,
    calendar: WorkdayCalendar,
    busy_periods: Iterable[DateRange | tuple[dt.date, dt.date]],
) -> list[BlockedDay]:
    """Every day of [start, end] on which no visit may take place, with the reason, in order.

    Filing refuses a window when this covers all of it; the list is what the refusal message names.
    """
    ranges = _ranges(busy_periods)
    blocked = []
    for d in _days(start, end):
        reason = block_reason(d, calendar=calendar, busy_periods=ranges)
        if reason is not None:
            blocked.append(BlockedDay(d, reason))
    return blocked


# -- scheduling ------------------------------------------------------------------------------------------


def schedule(plans: Iterable[PlanWindow], *, is_allowed: IsAllowed, fixed_visits: Iterable[Visit] = ()) -> list[Visit]:
    """Serve every plan by exactly one visit on an allowed day of its window, with the fewest new visits.

    Returns the fixed visits (same date and ``visit_id``; plans may have been added to them) followed by the new
    visits, all sorted by date (fixed first on a tie), each with sorted ``plan_ids``. Unfixed visits from an
    earlier run are not an input: they are recomputed from scratch, which is what keeps the count minimal
    when a plan joins.

    Rules, in order:

    1. A plan listed on a fixed visit stays there (its window must still contain that date, else
       ``ValueError``: the caller unassigns a plan before changing its window). Pinned plans may be left out
       of ``plans``; they stay on their visit either way.
    2. A plan with no allowed day in its window cannot be served: ``NoAllowedDayError`` lists all of them.
    3. A plan whose window contains the date of a fixed visit on an allowed day joins the earliest such visit.
       A fixed visit on a day that is no longer allowed (a busy period declared after fixing) keeps its plans
       but takes no new ones.
    4. The remaining plans get new visits by interval stabbing over allowed days: shrink each window to
       [first allowed day >= start, last allowed day <= end]; sort by (shrunk end, plan_id); walk the plans and
       open a visit at the shrunk end of each plan the last opened visit does not serve.

    Why rule 3 is optimal. Let R be the plans not pinned by rule 1 and F those of R that an allowed fixed visit
    can serve. Any set of new visit days D that, with the fixed visits, serves R serves R \\ F as well, and
    none of R \\ F can use a fixed visit; so the least |D| for R \\ F is <= the least |D| for R. Rule 3
    achieves exactly the least |D| for R \\ F (by rule 4's optimality), hence the least for R. Serving a
    plan by an existing fixed visit never costs a visit.

    Why rule 4 is optimal. Plan p can be served by exactly the allowed days in [s_p, e_p] (its shrunk window),
    which is an interval of the ordered set A of allowed days; the problem is interval stabbing on A. Let p1
    be the plan of least shrunk end. Any solution has a day x in [s_p1, e_p1]. Moving x to e_p1 (an allowed
    day) loses no plan: a plan q served by x has s_q <= x <= e_p1 <= e_q. So some optimal solution contains
    e_p1, and removing the plans it serves leaves a smaller instance of the same kind; by induction the
    greedy count is optimal. A new visit's date is the last allowed day of a window, never a fixed visit's
    allowed date (that plan would have joined the fixed visit under rule 3).

    O(n log n) in plans, plus one ``is_allowed`` call per day scanned from each window's ends. Deterministic:
    ties are broken by plan_id, and among fixed visits by date then input order.
    """
    plans = list(plans)
    fixed = list(fixed_visits)
    if any(not v.fixed for v in fixed):
        raise ValueError("fixed_visits must all be fixed; unfixed visits are recomputed, not passed in")
    by_id = {}
    for p in plans:
        if p.plan_id in by_id:
            raise ValueError(f"plan {p.plan_id} is listed twice")
        by_id[p.plan_id] = p

    # Rule 1: pinned plans.
    served_by: dict[object, int] = {}  # plan_id -> index into fixed
    for i, v in enumerate(fixed):
        for pid in v.plan_ids:
            if pid in served_by:
                raise ValueError(f"plan {pid} is on two fixed visits")
            window = by_id.get(pid)
            if window is not None and not window.contains(v.date):
                raise ValueError(
                    f"plan {pid} is on the fixed visit of {v.date}, outside its window {window.start}..{window.end}"
                )
            served_by[pid] = i
    free = [p for p in plans if p.plan_id not in served_by]

    # Rule 2: shrink every free window to its allowed days.
    shrunk = {}
    empty = []
    for p in free:
        first = _first_allowed(p.start, p.end, is_allowed, step=ONE_DAY)
        if first is None:
            empty.append(p)
        else:
            shrunk[p.plan_id] = (first, _first_allowed(p.end, first, is_allowed, step=-ONE_DAY))
    if empty:
        raise NoAllowedDayError(sorted(empty, key=lambda p: p.plan_id))

    # Rule 3: join a fixed visit on an allowed day inside the window.
    open_fixed = sorted((v.date, i) for i, v in enumerate(fixed) if is_allowed(v.date))
    open_dates = [d for d, _ in open_fixed]
    added: dict[int, list] = {}
    rest = []
    for p in free:
        start, end = shrunk[p.plan_id]
        k = bisect.bisect_left(open_dates, start)
        if k < len(open_dates) and open_dates[k] <= end:
            added.setdefault(open_fixed[k][1], []).append(p.plan_id)
        else:
            rest.append(p)

    # Rule 4: greedy stabbing at shrunk ends.
    new_visits: list[tuple[dt.date, list]] = []
    for p in sorted(rest, key=lambda p: (shrunk[p.plan_id][1], p.plan_id)):
        start, end = shrunk[p.plan_id]
        if new_visits and new_visits[-1][0] >= start:
            new_visits[-1][1].append(p.plan_id)
        else:
            new_visits.append((end, [p.plan_id]))

    result = [
        Visit(date=v.date, plan_ids=(*v.plan_ids, *added.get(i, ())), fixed=True, visit_id=v.visit_id)
        for i, v in enumerate(fixed)
    ]
    result += [Visit(date=d, plan_ids=ids, fixed=False) for d, ids in new_visits]
    ordered = sorted(enumerate(result), key=lambda iv: (iv[1].date, not iv[1].fixed, iv[0]))
    return [v for _, v in ordered]


def find_joinable_visit(window: PlanWindow, visits: Iterable[Visit], is_allowed: IsAllowed) -> Visit | None:
    """The existing visit a new plan can join without adding a visit, or None.

    Candidates are visits dated inside the window on an allowed day. Fixed visits come first (joining one
    never changes any date), then unfixed ones; the earliest date wins, then input order. None does not prove
    that a new visit is needed: re-running ``schedule`` may move unfixed visits so that the plan fits.
    """
    candidates = [
        (not v.fixed, v.date, i, v) for i, v in enumerate(visits) if window.contains(v.date) and is_allowed(v.date)
    ]
    return min(candidates, key=lambda c: c[:3])[3] if candidates else None


# -- helpers ---------------------------------------------------------------------------------------------


def _first_allowed(begin: dt.date, stop: dt.date, is_allowed: IsAllowed, *, step: dt.timedelta) -> dt.date | None:
    """The first allowed day walking from ``begin`` to ``stop`` (inclusive) by ``step``."""
    d = begin
    while (d <= stop) if step > dt.timedelta(0) else (d >= stop):
        if is_allowed(d):
            return d
        d += step
    return None


def _days(start: dt.date, end: dt.date):
    d = start
    while d <= end:
        yield d
        d += ONE_DAY


def _ranges(periods: Iterable[DateRange | tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    return [p if isinstance(p, tuple) else (p.start, p.end) for p in periods]
