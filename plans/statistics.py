"""The platform's headline figures, computed from the plans and visits themselves.

- joint share: plans served by a visit with two or more agencies / plans served (联合检查比例)
- visits avoided: plans served - visits (减少入企次数); in a breakdown each plan of a visit serving k plans
  is credited (k - 1) / k, so the groups add up to the total
- 7-day rate: plans filed 7 days ahead (``Plan.ahead_from``, the filing check's rule) / all plans served
  (提前7天备案率); green-channel plans count as not filed ahead
- green channel: urgent plans, and how many were found justified after the fact
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Q

from .models import JointTask, Plan

DIMENSIONS = ("agency", "theme", "district", "month")


def plan_statistics(
    *, plans_qs, by: str | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict:
    """Figures over the plans of ``plans_qs`` (already scoped to the reader), overall or grouped ``by`` one of
    agency, theme, district (of the enterprise) or month (of the visit)."""
    qs = plans_qs.filter(joint_task__isnull=False, status__in=[*Plan.LIVE, Plan.Status.DONE])
    if date_from:
        qs = qs.filter(joint_task__visit_date__gte=date_from)
    if date_to:
        qs = qs.filter(joint_task__visit_date__lte=date_to)
    rows = qs.values(
        "id",
        "joint_task_id",
        "urgent",
        "ahead_from",
        "post_review",
        "agency__name",
        "theme__name",
        "enterprise__division",
        visit_date=F("joint_task__visit_date"),
    )
    task_ids = {r["joint_task_id"] for r in rows}
    served = Q(plans__status__in=[*Plan.LIVE, Plan.Status.DONE])
    per_task = JointTask.objects.filter(pk__in=task_ids).annotate(
        n_agencies=Count("plans__agency", filter=served, distinct=True),
        n_plans=Count("plans", filter=served, distinct=True),
    )
    agencies_per_task, plans_per_task = {}, {}
    for pk, n_agencies, n_plans in per_task.values_list("pk", "n_agencies", "n_plans"):
        agencies_per_task[pk], plans_per_task[pk] = n_agencies, n_plans
    groups = defaultdict(list)
    for r in rows:
        groups[_key(r, by)].append(r)
    result = {
        key: _figures(items, agencies_per_task, plans_per_task)
        for key, items in sorted(groups.items(), key=lambda kv: str(kv[0]))
    }
    if by is None:
        return result.get("all", _figures([], {}, {}))
    return {"by": by, "groups": [{"key": k, **v} for k, v in result.items()]}


def _key(row, by):
    if by is None:
        return "all"
    if by == "agency":
        return row["agency__name"]
    if by == "theme":
        return row["theme__name"] or "—"
    if by == "district":
        from accounts.divisions import division_name

        return division_name(row["enterprise__division"])
    if by == "month":
        return row["visit_date"].strftime("%Y-%m")
    raise ValueError(by)


def _figures(rows, agencies_per_task, plans_per_task) -> dict:
    served = len(rows)
    # A visit serving k plans avoids k - 1 visits; each of its plans is credited (k - 1) / k of that, so the
    # groups (by agency, theme ...) add up to the total.
    avoided = sum((plans_per_task[r["joint_task_id"]] - 1) / plans_per_task[r["joint_task_id"]] for r in rows)
    visits = len({r["joint_task_id"] for r in rows})
    joint = sum(1 for r in rows if agencies_per_task.get(r["joint_task_id"], 0) >= 2)
    # Plan.filed_ahead_q, on rows already loaded (this module computes in Python until it moves to SQL)
    ahead = sum(1 for r in rows if r["ahead_from"] is not None and r["visit_date"] >= r["ahead_from"])
    urgent = [r for r in rows if r["urgent"]]
    return {
        "plans": served,
        "visits": visits,
        "visits_avoided": _tidy(avoided),
        "joint_plans": joint,
        "joint_share": round(joint / served, 4) if served else None,
        "filed_ahead": ahead,
        "filed_ahead_rate": round(ahead / served, 4) if served else None,
        "green_channel": len(urgent),
        "green_channel_justified": sum(1 for r in urgent if r["post_review"] == "justified"),
        "green_channel_unjustified": sum(1 for r in urgent if r["post_review"] == "unjustified"),
        "green_channel_pending": sum(1 for r in urgent if r["post_review"] == "pending"),
    }


def _tidy(value: float) -> float | int:
    """Two decimals, and a whole number shown as one."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value
