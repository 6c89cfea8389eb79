"""The platform's headline figures, computed in the database from the plans and visits themselves.

- joint share: plans served by a visit with two or more agencies / plans served (联合检查比例)
- visits avoided: plans served - visits (减少入企次数); in a breakdown each plan of a visit serving k plans
  is credited (k - 1) / k, so the groups add up to the total
- 7-day rate: plans filed 7 days ahead (``Plan.filed_ahead_q``, the filing check's rule) / all plans served
  (提前7天备案率); green-channel plans count as not filed ahead
- green channel: urgent plans, and how many were found justified after the fact
- missed: visits that did not take place (the enterprise was closed, nobody came ...)

A plan is *served* when it is on a visit and live or carried out (``Plan.SERVED``). The per-visit figures
(k plans, how many agencies) are stored on the visit by the writers (``JointTask.n_plans``, ``n_agencies``),
so each call is one GROUP BY over the plans in the reader's scope joined to their visits: no row comes back
to Python but one per group. docs/performance.md ("Statistics at city scale") has the measurements.
"""

import datetime as dt

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast, TruncMonth

from accounts.divisions import division_name

from .models import JointTask, Plan

DIMENSIONS = ("agency", "theme", "district", "month")

# A visit nobody carried out (``plans.missed``); its plans are closed as not carried out.
MISSED = JointTask.Status.MISSED

_GROUP_FIELD = {
    "agency": F("agency__name"),
    "theme": F("theme__name"),
    "district": F("enterprise__division"),
    "month": TruncMonth("joint_task__visit_date"),
}


def plan_statistics(
    *, plans_qs, by: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict:
    """Figures over the plans of ``plans_qs`` (already scoped to the reader), overall or grouped ``by`` one of
    agency, theme, district (of the enterprise) or month (of the visit). One query either way."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(by)
    qs = plans_qs.select_related(None).prefetch_related(None).order_by().filter(joint_task__isnull=False)
    if date_from:
        qs = qs.filter(joint_task__visit_date__gte=date_from)
    if date_to:
        qs = qs.filter(joint_task__visit_date__lte=date_to)
    if by is None:
        return _figures(qs.aggregate(**_aggregates()))
    rows = qs.annotate(key=_GROUP_FIELD[by]).values("key").annotate(**_aggregates())
    groups = [{"key": _label(by, row.pop("key")), **_figures(row)} for row in rows]
    groups = [g for g in groups if g["plans"] or g["missed"]]
    return {"by": by, "groups": sorted(groups, key=lambda g: str(g["key"]))}


def _aggregates() -> dict:
    served = Q(status__in=Plan.SERVED)
    urgent = served & Q(urgent=True)
    k = F("joint_task__n_plans")
    # (k - 1) / k for the plan's visit; a visit's stored k is at least 1 for a served plan.
    credit = Case(
        When(served & Q(joint_task__n_plans__gt=0), then=Cast(k - 1, FloatField()) / Cast(k, FloatField())),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return {
        "plans": Count("pk", filter=served),
        "visits": Count("joint_task", filter=served, distinct=True),
        "credit": Sum(credit),
        "joint_plans": Count("pk", filter=served & Q(joint_task__n_agencies__gte=2)),
        "filed_ahead": Count("pk", filter=served & Plan.filed_ahead_q()),
        "green_channel": Count("pk", filter=urgent),
        "green_channel_justified": Count("pk", filter=urgent & Q(post_review=Plan.PostReview.JUSTIFIED)),
        "green_channel_unjustified": Count("pk", filter=urgent & Q(post_review=Plan.PostReview.UNJUSTIFIED)),
        "green_channel_pending": Count("pk", filter=urgent & Q(post_review=Plan.PostReview.PENDING)),
        "missed": Count("joint_task", filter=Q(joint_task__status=MISSED), distinct=True),
    }


def _label(by: str, key):
    if by == "theme":
        return key or "—"
    if by == "district":
        return division_name(key)
    if by == "month":
        return key.strftime("%Y-%m")
    return key


def _figures(row: dict) -> dict:
    served = row["plans"]
    return {
        "plans": served,
        "visits": row["visits"],
        "visits_avoided": _tidy(row["credit"] or 0),
        "joint_plans": row["joint_plans"],
        "joint_share": round(row["joint_plans"] / served, 4) if served else None,
        "filed_ahead": row["filed_ahead"],
        "filed_ahead_rate": round(row["filed_ahead"] / served, 4) if served else None,
        "green_channel": row["green_channel"],
        "green_channel_justified": row["green_channel_justified"],
        "green_channel_unjustified": row["green_channel_unjustified"],
        "green_channel_pending": row["green_channel_pending"],
        "missed": row["missed"],
    }


def _tidy(value: float) -> float | int:
    """Two decimals, and a whole number shown as one."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value
