"""The oversight figures, as a registry: one definition per figure.

A *source* computes columns in the database for a reader, overall and grouped by one dimension (agency,
theme, district of the enterprise, month of the visit), in a fixed number of queries whatever the rows:

- ``plans``: the statistics' rollup (``plans.statistics.plan_statistics``: plans served, visit shares, joint
  plans, filed 7 days ahead, green channel and its review after the fact, plans inspected and those that
  found a problem), kept exact by the writers;
- ``last_year``: the same rollup over the same period a year earlier (inspection volume year on year);
- ``whitelist``: the enterprises on the whitelist now, by district;
- ``complaints``: complaints received, decided, decided within the reply deadline, still open past it,
  by month and district, and by kind in ``complaints_by_kind``;
- ``remote``: the remote checks (非现场检查) requested in the period, concluded compliant, with problems found,
  closed overdue (``plans.remote.remote_check_figures``), by month of the request, agency and district;
- ``opinions``: the supervision opinions issued in the period, answered, answered on time, overdue, and by kind
  (``supervision.selectors.opinion_counts``), by agency, for the bureau that issued them and the agency
  addressed.

A *figure* names its source, its label, how its value is read from the source's columns, how it is shown
(count, percent, decimal), and its drill-down: the plans (or complaints) behind the number, as a filter
that ``oversight.selectors.drill_rows`` applies to the same rows the source counted (``tests`` check that
the drill-down's count is the figure's numerator for every group).

To add a figure whose data another app keeps (remote checks, satisfaction, service requests, supervision
opinions): write its source (a function ``(reader, by, date_from, date_to) -> {"overall": {...}, "groups":
{key: {...}}}`` computed in the database, keyed like the others: agency id, theme id, division code, first
day of the month) into ``SOURCES`` with the dimensions it supports, then one ``Figure`` per number in
``FIGURES``; the dashboard, its API, the exports, the monthly report and (with ``public=True``) the open
data take it from there.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from complaints.models import Complaint
from credit.models import CreditProfile
from inspections.selectors import plan_found_problem_q, plan_inspected_q
from plans.models import Plan, RemoteCheck
from plans.remote import REMOTE_FIGURES, counted_q, remote_check_figures
from plans.statistics import plan_statistics
from supervision.models import Opinion
from supervision.selectors import opinion_counts

from .access import Reader

DIMENSIONS = ("month", "agency", "theme", "district")
DIMENSION_LABELS = {
    "month": _("month"),
    "agency": _("agency"),
    "theme": _("theme"),
    "district": _("district"),
}


# -- sources -------------------------------------------------------------------------------------------------


def year_before(day: dt.date | None) -> dt.date | None:
    """The same day a year earlier (29 February: the 28th); None when there is none."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        if day.year <= 1:
            return None
        return day.replace(year=day.year - 1, day=28)


def _month_key(key):
    return key.date() if isinstance(key, dt.datetime) else key


def _plans_source(reader: Reader, by, date_from, date_to) -> dict:
    result = plan_statistics(scope=reader.plans, by=by, date_from=date_from, date_to=date_to, keys="ids")
    if by is None:
        return {"overall": result, "groups": {}}
    return {"overall": result["overall"], "groups": {g["key"]: g for g in result["groups"]}}


def _last_year_source(reader: Reader, by, date_from, date_to) -> dict:
    """The plans served in the same period a year earlier; by month, keyed by this year's month."""
    start, end = year_before(date_from), year_before(date_to)
    if (date_from and start is None) or (date_to and end is None):
        return {"overall": {"plans_last_year": 0}, "groups": {}}
    result = plan_statistics(scope=reader.plans, by=by, date_from=start, date_to=end, keys="ids")
    if by is None:
        return {"overall": {"plans_last_year": result["plans"]}, "groups": {}}
    groups = {}
    for g in result["groups"]:
        key = g["key"]
        if by == "month":
            key = key.replace(year=key.year + 1)
        groups[key] = {"plans_last_year": g["plans"]}
    return {"overall": {"plans_last_year": result["overall"]["plans"]}, "groups": groups}


def records_rows(reader: Reader, date_from, date_to):
    """The served plans of ``reader`` whose visit (from ``date_from`` to ``date_to``) has a finalised record."""
    qs = Plan.objects.order_by().filter(
        reader.plans, plan_inspected_q(), status__in=Plan.SERVED, joint_task__isnull=False
    )
    if date_from:
        qs = qs.filter(joint_task__visit_date__gte=date_from)
    if date_to:
        qs = qs.filter(joint_task__visit_date__lte=date_to)
    return qs


PLAN_GROUP = {
    "agency": "agency_id",
    "theme": "theme_id",
    "district": "joint_task__division",
    "month": "joint_task__visit_date",
}


def plan_group_q(by: str, key) -> Q:
    """The plans of one group of the plan figures (the rollup's groups: ``plans.statistics``)."""
    if by == "month":
        return Q(joint_task__visit_date__gte=key, joint_task__visit_date__lt=_next_month(key))
    if by == "theme" and key is None:
        return Q(theme__isnull=True)
    return Q(**{PLAN_GROUP[by]: key})


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def whitelist_rows(reader: Reader):
    return CreditProfile.objects.order_by().filter(reader.division_q("enterprise__division"), whitelisted=True)


def _whitelist_source(reader: Reader, by, date_from, date_to) -> dict:
    qs = whitelist_rows(reader)
    overall = {"whitelist": qs.count()}
    groups = {}
    if by == "district":
        rows = qs.values(key=F("enterprise__division")).annotate(n=Count("pk"))
        groups = {r["key"]: {"whitelist": r["n"]} for r in rows}
    return {"overall": overall, "groups": groups}


def complaint_rows(reader: Reader, date_from, date_to):
    """The complaints ``reader`` counts: received from ``date_from`` to ``date_to`` about the enterprises of
    its divisions; none for an agency."""
    if not reader.complaints:
        return Complaint.objects.none()
    qs = Complaint.objects.order_by().filter(reader.division_q("enterprise__division"))
    if date_from:
        qs = qs.filter(received_on__gte=date_from)
    if date_to:
        qs = qs.filter(received_on__lte=date_to)
    return qs


DECIDED = (Complaint.Status.UPHELD, Complaint.Status.NOT_UPHELD, Complaint.Status.CLOSED)
def _complaint_filters() -> dict:
    return {
        "complaints": Q(),
        "complaints_decided": Q(decided_on__isnull=False),
        "complaints_on_time": Q(decided_on__isnull=False, decided_on__lte=F("reply_due")),
        "complaints_late": Q(decided_on__isnull=False, decided_on__gt=F("reply_due")),
        "complaints_open_overdue": Q(decided_on__isnull=True, overdue_since__isnull=False),
    }


COMPLAINT_GROUP = {"district": "enterprise__division", "month": "received_on"}


def complaint_group_q(by: str, key) -> Q:
    if by == "month":
        return Q(received_on__gte=key, received_on__lt=_next_month(key))
    return Q(**{COMPLAINT_GROUP[by]: key})


def _complaint_counts() -> dict:
    return {name: Count("pk", filter=q) for name, q in _complaint_filters().items()}


def _complaints_source(reader: Reader, by, date_from, date_to) -> dict:
    qs = complaint_rows(reader, date_from, date_to)
    if not reader.complaints:
        return {"overall": {}, "groups": {}}
    overall = qs.aggregate(**_complaint_counts())
    groups = {}
    if by in COMPLAINT_GROUP:
        key = TruncMonth("received_on") if by == "month" else F(COMPLAINT_GROUP[by])
        rows = qs.annotate(key=key).values("key").annotate(**_complaint_counts())
        groups = {_month_key(r.pop("key")): r for r in rows}
    return {"overall": overall, "groups": groups}


def complaints_by_kind(reader: Reader, date_from, date_to) -> list[dict]:
    """The complaint figures by kind (one GROUP BY), every kind listed."""
    if not reader.complaints:
        return []
    rows = {
        r.pop("kind"): r
        for r in complaint_rows(reader, date_from, date_to).values("kind").annotate(**_complaint_counts())
    }
    zero = dict.fromkeys(_complaint_filters(), 0)
    return [{"kind": kind, "label": label, **rows.get(kind, zero)} for kind, label in Complaint.Kind.choices]


def remote_rows(reader: Reader, date_from, date_to):
    """The remote checks ``reader`` counts: requested from ``date_from`` to ``date_to`` by the agencies of its
    plans' scope (a remote check carries its plan's agency)."""
    qs = RemoteCheck.objects.order_by().filter(reader.plans).filter(counted_q())  # as remote_check_counts
    if date_from:
        qs = qs.filter(requested_on__gte=date_from)
    if date_to:
        qs = qs.filter(requested_on__lte=date_to)
    return qs


def _remote_filters() -> dict:
    """The drill-down of each remote-check column: the checks ``remote_check_counts`` counts in it."""
    status = RemoteCheck.Status
    return {
        "requested": Q(),
        "compliant": Q(status=status.COMPLIANT),
        "problems": Q(status=status.PROBLEMS),
        "overdue": Q(status=status.OVERDUE),
        "open": Q(status__in=RemoteCheck.OPEN_FOR_SUBMISSION),
    }


REMOTE_GROUP = {"agency": "agency_id", "district": "division", "month": "requested_on"}


def remote_group_q(by: str, key) -> Q:
    if by == "month":
        return Q(requested_on__gte=key, requested_on__lt=_next_month(key))
    return Q(**{REMOTE_GROUP[by]: key})


def _remote_source(reader: Reader, by, date_from, date_to) -> dict:
    """``plans.remote.remote_check_figures`` keyed like the other sources (the agency's id, the month's first
    day): its one GROUP BY, and with ``by=agency`` one query for the agencies' ids of their codes."""
    result = remote_check_figures(scope=reader.plans, by=by if by in REMOTE_GROUP else None, start=date_from,
                                  end=date_to)
    overall = {f"remote_{name}": result["overall"][name] or 0 for name in REMOTE_FIGURES}
    rows = result["groups"] or []
    ids = {}
    if by == "agency" and rows:
        ids = dict(Agency.objects.filter(code__in=[r["agency"]["code"] for r in rows]).values_list("code", "pk"))
    groups = {}
    for row in rows:
        if by == "month":
            key = dt.date.fromisoformat(row["month"] + "-01")
        elif by == "agency":
            key = ids[row["agency"]["code"]]
        else:
            key = row["district"]
        groups[key] = {f"remote_{name}": row[name] for name in REMOTE_FIGURES}
    return {"overall": overall, "groups": groups}


OPINION_COLUMNS = ("opinions", "opinions_opinion", "opinions_correction", "opinions_answered", "opinions_on_time",
                   "opinions_overdue")
ANSWERED = (Opinion.Status.ANSWERED, Opinion.Status.ACCEPTED)


def opinion_rows(reader: Reader, date_from, date_to):
    """The supervision opinions ``reader`` counts (``Reader.opinions``), issued from ``date_from`` to
    ``date_to``; none for the public."""
    if reader.opinions is None:
        return Opinion.objects.none()
    qs = Opinion.objects.order_by().filter(**dict(reader.opinions))
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    return qs


def _opinion_filters() -> dict:
    """The drill-down of each opinion column: the opinions counted in it from ``opinion_counts``' cells (an
    answer is on time when the opinion was never flagged overdue for its current deadline; overdue: flagged and
    still awaited)."""
    return {
        "opinions": Q(),
        "opinions_opinion": Q(kind=Opinion.Kind.OPINION),
        "opinions_correction": Q(kind=Opinion.Kind.CORRECTION),
        "opinions_answered": Q(status__in=ANSWERED),
        "opinions_on_time": Q(status__in=ANSWERED, overdue_since__isnull=True),
        "opinions_overdue": Q(status__in=Opinion.AWAITING_ANSWER, overdue_since__isnull=False),
    }


def _opinion_cell(cell: dict) -> dict:
    answered = cell["status"] in ANSWERED
    return {
        "opinions": cell["count"],
        "opinions_opinion": cell["count"] if cell["kind"] == Opinion.Kind.OPINION else 0,
        "opinions_correction": cell["count"] if cell["kind"] == Opinion.Kind.CORRECTION else 0,
        "opinions_answered": cell["count"] if answered else 0,
        "opinions_on_time": cell["count"] - cell["late"] if answered else 0,
        "opinions_overdue": cell["overdue"],
    }


def _opinions_source(reader: Reader, by, date_from, date_to) -> dict:
    """``supervision.selectors.opinion_counts`` (one GROUP BY by agency, kind and status) summed into the
    columns, overall and by agency."""
    if reader.opinions is None:
        return {"overall": {}, "groups": {}}
    overall = dict.fromkeys(OPINION_COLUMNS, 0)
    groups = {}
    for cell in opinion_counts(**dict(reader.opinions), issued_from=date_from, issued_until=date_to):
        values = _opinion_cell(cell)
        group = groups.setdefault(cell["agency_id"], dict.fromkeys(OPINION_COLUMNS, 0)) if by == "agency" else None
        for name, n in values.items():
            overall[name] += n
            if group is not None:
                group[name] += n
    return {"overall": overall, "groups": groups}


@dataclass(frozen=True)
class Source:
    compute: Callable
    dimensions: tuple
    readers: Callable = lambda reader: True  # noqa: E731 - whether the reader sees this source at all


SOURCES = {
    "plans": Source(_plans_source, DIMENSIONS),
    "last_year": Source(_last_year_source, DIMENSIONS),
    "whitelist": Source(_whitelist_source, ("district",)),
    "complaints": Source(_complaints_source, ("month", "district"), readers=lambda reader: reader.complaints),
    "remote": Source(_remote_source, ("month", "agency", "district")),
    "opinions": Source(_opinions_source, ("agency",), readers=lambda reader: reader.opinions is not None),
}


# -- figures -------------------------------------------------------------------------------------------------


def _ratio(numerator: str, denominator: str):
    def value(row: dict):
        d = row.get(denominator) or 0
        return round((row.get(numerator) or 0) / d, 4) if d else None

    return value


def _column(name: str):
    return lambda row: row.get(name) or 0


def _change(row: dict):
    before = row.get("plans_last_year") or 0
    return round((row.get("plans") or 0) / before - 1, 4) if before else None


@dataclass(frozen=True)
class Figure:
    """One number of the dashboard. ``sources``: the sources whose columns ``value`` reads; ``unit``: count,
    percent (a ratio shown as %), decimal; ``drill``: what the drill-down lists (``plans`` served, ``records``:
    the plans of inspected visits, ``complaints``) and ``drill_q``, the filter of the number's rows within it;
    ``public``: published in the open data."""

    key: str
    label: str
    sources: tuple
    value: Callable
    unit: str = "count"
    drill: str | None = None
    drill_q: Callable = field(default=lambda: Q())
    public: bool = True
    chart: bool = True


FIGURES = [
    Figure("plans", _("Inspections (plans served)"), ("plans",), _column("plans"), drill="plans"),
    Figure(
        "plans_last_year",
        _("Same period last year"),
        ("last_year",),
        _column("plans_last_year"),
        drill="plans_last_year",
    ),
    Figure("volume_change", _("Change against last year"), ("plans", "last_year"), _change, unit="percent"),
    Figure(
        "joint_share",
        _("Joint-inspection share"),
        ("plans",),
        _ratio("joint_plans", "plans"),
        unit="percent",
        drill="plans",
        drill_q=lambda: Q(joint_task__n_agencies__gte=2),
    ),
    Figure("visits", _("Visits"), ("plans",), _column("visits"), unit="decimal", chart=False),
    Figure(
        "visits_avoided",
        _("Visits avoided"),
        ("plans",),
        _column("visits_avoided"),
        unit="decimal",
        drill="plans",
        drill_q=lambda: Q(joint_task__n_plans__gte=2),
    ),
    Figure(
        "filed_ahead_rate",
        _("Filed 7 days ahead"),
        ("plans",),
        _ratio("filed_ahead", "plans"),
        unit="percent",
        drill="plans",
        drill_q=Plan.filed_ahead_q,
    ),
    Figure(
        "green_channel_share",
        _("Green-channel share"),
        ("plans",),
        _ratio("green_channel", "plans"),
        unit="percent",
        drill="plans",
        drill_q=lambda: Q(urgent=True),
    ),
    Figure(
        "green_channel_justified",
        _("Green channel found justified"),
        ("plans",),
        _column("green_channel_justified"),
        drill="plans",
        drill_q=lambda: Q(urgent=True, post_review=Plan.PostReview.JUSTIFIED),
    ),
    Figure(
        "green_channel_unjustified",
        _("Green channel found not justified"),
        ("plans",),
        _column("green_channel_unjustified"),
        drill="plans",
        drill_q=lambda: Q(urgent=True, post_review=Plan.PostReview.UNJUSTIFIED),
    ),
    Figure("missed", _("Visits missed"), ("plans",), _column("missed"), chart=False),
    Figure("inspected", _("Inspections with a finalised record"), ("plans",), _column("inspected"),
           drill="records", chart=False),
    Figure(
        "problem_share",
        _("Inspections that found a problem"),
        ("plans",),
        _ratio("found_problem", "inspected"),
        unit="percent",
        drill="records",
        drill_q=plan_found_problem_q,
    ),
    Figure("whitelist", _("Whitelist size"), ("whitelist",), _column("whitelist")),
    Figure("complaints", _("Complaints"), ("complaints",), _column("complaints"), drill="complaints",
           public=False),
    Figure(
        "complaints_on_time",
        _("Complaints answered within the deadline"),
        ("complaints",),
        _ratio("complaints_on_time", "complaints_decided"),
        unit="percent",
        drill="complaints",
        drill_q=lambda: _complaint_filters()["complaints_on_time"],
        public=False,
    ),
    Figure(
        "complaints_open_overdue",
        _("Complaints open past the deadline"),
        ("complaints",),
        _column("complaints_open_overdue"),
        drill="complaints",
        drill_q=lambda: _complaint_filters()["complaints_open_overdue"],
        public=False,
    ),
    Figure("remote_requested", _("Remote checks requested"), ("remote",), _column("remote_requested"),
           drill="remote_checks"),
    Figure(
        "remote_compliant",
        _("Remote checks concluded compliant"),
        ("remote",),
        _column("remote_compliant"),
        drill="remote_checks",
        drill_q=lambda: _remote_filters()["compliant"],
    ),
    Figure(
        "remote_problems",
        _("Remote checks that found problems"),
        ("remote",),
        _column("remote_problems"),
        drill="remote_checks",
        drill_q=lambda: _remote_filters()["problems"],
    ),
    Figure(
        "remote_overdue",
        _("Remote checks overdue"),
        ("remote",),
        _column("remote_overdue"),
        drill="remote_checks",
        drill_q=lambda: _remote_filters()["overdue"],
    ),
    Figure("opinions", _("Opinions and correction notices issued"), ("opinions",), _column("opinions"),
           drill="opinions", public=False),
    Figure(
        "opinions_opinion",
        _("Supervision opinions issued"),
        ("opinions",),
        _column("opinions_opinion"),
        drill="opinions",
        drill_q=lambda: _opinion_filters()["opinions_opinion"],
        public=False,
        chart=False,
    ),
    Figure(
        "opinions_correction",
        _("Correction notices issued"),
        ("opinions",),
        _column("opinions_correction"),
        drill="opinions",
        drill_q=lambda: _opinion_filters()["opinions_correction"],
        public=False,
        chart=False,
    ),
    Figure(
        "opinions_on_time",
        _("Opinions answered on time"),
        ("opinions",),
        _ratio("opinions_on_time", "opinions_answered"),
        unit="percent",
        drill="opinions",
        drill_q=lambda: _opinion_filters()["opinions_on_time"],
        public=False,
    ),
    Figure(
        "opinions_overdue",
        _("Opinions overdue"),
        ("opinions",),
        _column("opinions_overdue"),
        drill="opinions",
        drill_q=lambda: _opinion_filters()["opinions_overdue"],
        public=False,
    ),
]
FIGURE_OF = {f.key: f for f in FIGURES}
