"""Reads of the oversight dashboard: the figures of a reader over a period, overall and by one dimension, and
the rows behind each number (the drill-down). Every figure comes from ``oversight.figures``."""

import datetime as dt

from django.utils import timezone

from accounts.divisions import division_name
from accounts.models import Agency
from catalogue.models import Theme
from plans.models import Plan

from .access import Reader
from .figures import (
    DIMENSIONS,
    FIGURE_OF,
    FIGURES,
    SOURCES,
    complaint_group_q,
    complaint_rows,
    complaints_by_kind,
    opinion_rows,
    plan_group_q,
    records_rows,
    remote_group_q,
    remote_rows,
    year_before,
)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current calendar year."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def month_period(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def figures_for(reader: Reader, *, public: bool = False) -> list:
    return [
        f for f in FIGURES if all(SOURCES[s].readers(reader) for s in f.sources) and (f.public or not public)
    ]


def dashboard(
    *, reader: Reader, by: str | None, date_from: dt.date | None, date_to: dt.date | None, public: bool = False
) -> dict:
    """The reader's figures: ``overall`` {figure: value}, and with ``by`` the ``groups`` [{key, label,
    values: {figure: value or None where the figure is not broken down by ``by``}}] in the dimension's
    order. Each source runs once (a fixed number of queries: the rollup's three or four, one or two for each
    other source, one for the groups' names)."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(by)
    figures = figures_for(reader, public=public)
    needed = {s for f in figures for s in f.sources}
    results = {name: SOURCES[name].compute(reader, by, date_from, date_to) for name in sorted(needed)}
    overall_row = {}
    for result in results.values():
        overall_row.update(result["overall"])
    overall = {f.key: f.value(overall_row) for f in figures}
    groups = []
    if by is not None:
        keys = set()
        for result in results.values():
            keys |= set(result["groups"])
        labels = group_labels(by, keys)
        for key in sorted(keys, key=lambda k: _sort_key(by, k, labels)):
            row, values = {}, {}
            for result in results.values():
                row.update(result["groups"].get(key, {}))
            for f in figures:
                broken_down = all(by in SOURCES[s].dimensions for s in f.sources)
                values[f.key] = f.value(row) if broken_down else None
            groups.append({"key": key, "param": key_param(by, key), "label": labels.get(key, "—"), "values": values})
    return {
        "by": by,
        "date_from": date_from,
        "date_to": date_to,
        "figures": figures,
        "overall": overall,
        "groups": groups,
        "complaints_by_kind": complaints_by_kind(reader, date_from, date_to) if not public else [],
    }


def _sort_key(by, key, labels):
    if by == "month":
        return str(key)
    return str(labels.get(key, ""))


def group_labels(by: str, keys) -> dict:
    """The names of the groups' keys (one query for agencies or themes)."""
    if by == "agency":
        return dict(Agency.objects.filter(pk__in=[k for k in keys if k is not None]).values_list("pk", "name"))
    if by == "theme":
        names = dict(Theme.objects.filter(pk__in=[k for k in keys if k is not None]).values_list("pk", "name"))
        return {**names, None: "—"}
    if by == "district":
        return {k: division_name(k) for k in keys}
    return {k: k.strftime("%Y-%m") for k in keys}


def key_param(by: str, key) -> str:
    """A group's key as a query-string value (the drill-down's ``key``)."""
    if key is None:
        return "none"
    if by == "month":
        return key.strftime("%Y-%m")
    return str(key)


def parse_key(by: str, raw: str):
    """The inverse of ``key_param``; ValueError when it is not one."""
    if raw == "none" and by == "theme":
        return None
    if by == "month":
        return dt.date.fromisoformat(raw + "-01")
    if by in ("agency", "theme"):
        number = int(raw)
        if not 0 < number < 2**63:
            raise ValueError(raw)
        return number
    if by == "district":
        if not raw.isdigit() or len(raw) != 6:
            raise ValueError(raw)
        return raw
    raise ValueError(by)


def drill_rows(*, reader: Reader, figure: str, by: str | None, key, date_from, date_to):
    """The rows behind ``figure`` (in the group ``key`` of ``by``): a queryset of plans, complaints, remote
    checks or supervision opinions, newest first (by primary key: an index whatever the filter). None when the
    figure has no drill-down."""
    spec = FIGURE_OF[figure]
    if spec.drill is None:
        return None
    if spec.drill == "complaints":
        qs = complaint_rows(reader, date_from, date_to).filter(spec.drill_q())
        if by is not None:
            qs = qs.filter(complaint_group_q(by, key)) if by in ("month", "district") else qs.none()
        return qs.select_related("enterprise").order_by("-pk")
    if spec.drill == "remote_checks":
        qs = remote_rows(reader, date_from, date_to).filter(spec.drill_q())
        if by is not None:
            qs = qs.filter(remote_group_q(by, key)) if by in ("month", "agency", "district") else qs.none()
        return qs.select_related("enterprise", "agency").order_by("-pk")
    if spec.drill == "opinions":
        qs = opinion_rows(reader, date_from, date_to).filter(spec.drill_q())
        if by is not None:
            qs = qs.filter(agency_id=key) if by == "agency" else qs.none()
        return qs.select_related("agency", "justice_bureau").order_by("-pk")
    if spec.drill == "records":
        qs = records_rows(reader, date_from, date_to)
    else:
        start, end = date_from, date_to
        if spec.drill == "plans_last_year":
            start, end = year_before(date_from), year_before(date_to)
            if by == "month" and key is not None:
                key = year_before(key)
        qs = Plan.objects.filter(reader.plans, status__in=Plan.SERVED, joint_task__isnull=False)
        if start:
            qs = qs.filter(joint_task__visit_date__gte=start)
        if end:
            qs = qs.filter(joint_task__visit_date__lte=end)
    qs = qs.filter(spec.drill_q())
    if by is not None:
        qs = qs.filter(plan_group_q(by, key))
    return qs.select_related("enterprise", "agency", "joint_task").order_by("-pk")


def drill_page(qs, *, offset: int, limit: int) -> tuple[list, bool]:
    """One page of a drill-down, and whether there is a next one (one query, no count)."""
    rows = list(qs[offset : offset + limit + 1])
    return rows[:limit], len(rows) > limit

