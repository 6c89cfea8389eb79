"""Re-match every enterprise's unfixed visits from scratch, in batches.

Needed when the scheduling inputs change for everybody at once: the State Council publishes next year's
holiday calendar (until then, days in that year fall back to Monday-Friday), or the fixing period changes.
Filing re-matches one enterprise under its row lock; this does the same for all of them, a batch of
enterprises per transaction, with the batch's enterprise rows locked so it never races a filing.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from enterprises.models import BusyPeriod, Enterprise

from .matching import OPEN_STATUSES, fix_days_before, joint_task_counts_refresh
from .models import JointTask, Plan
from .scheduling import NoAllowedDayError, PlanWindow, Visit, make_is_allowed, schedule
from .workdays import default_calendar


def enterprises_with_live_plans():
    return (
        Plan.objects.filter(status__in=Plan.LIVE, urgent=False)
        .values_list("enterprise_id", flat=True)
        .distinct()
        .order_by("enterprise_id")
    )


def rematch_all(*, actor=None, batch_size: int = 2000, today: dt.date | None = None, progress=None) -> dict:
    """Recompute the unfixed visits of every enterprise with live plans. Returns counts. ``progress`` is
    called with the number of enterprises done after each batch (for a progress bar)."""
    today = today or timezone.localdate()
    totals = {"enterprises": 0, "plans": 0, "visits": 0, "changed": 0, "unschedulable": 0}
    last_id = 0
    while True:
        ids = list(enterprises_with_live_plans().filter(enterprise_id__gt=last_id)[:batch_size])
        if not ids:
            break
        last_id = ids[-1]
        counts = _rematch_batch(actor=actor, enterprise_ids=ids, today=today)
        for key, value in counts.items():
            totals[key] += value
        if progress:
            progress(len(ids))
    return totals


@transaction.atomic
def _rematch_batch(*, actor, enterprise_ids: list[int], today: dt.date) -> dict:
    list(Enterprise.objects.select_for_update().filter(pk__in=enterprise_ids).values_list("pk", flat=True))
    fix_until = today + dt.timedelta(days=fix_days_before())
    plans_by_enterprise = defaultdict(list)
    plan_rows = Plan.objects.filter(enterprise_id__in=enterprise_ids, status__in=Plan.LIVE, urgent=False).values(
        "id",
        "enterprise_id",
        "window_start",
        "window_end",
        "joint_task_id",
        "agency_id",
        "agency__department_id",
        "theme_id",
        "theme__lead_department_id",
        "filed_at",
    )
    for row in plan_rows:
        plans_by_enterprise[row["enterprise_id"]].append(row)
    fixed = {
        t["id"]: t
        for t in JointTask.objects.filter(
            enterprise_id__in=enterprise_ids,
            urgent=False,
            status__in=[JointTask.Status.FIXED, JointTask.Status.SCHEDULED],
        )
        .filter(Q(fixed=True) | Q(visit_date__lte=fix_until))
        .values("id", "enterprise_id", "visit_date")
    }
    # Unfixed visits are reused where they keep most of their plans, so the apps' visit ids stay stable.
    unfixed_by_enterprise = defaultdict(dict)
    for t in JointTask.objects.filter(
        enterprise_id__in=enterprise_ids, fixed=False, status=JointTask.Status.SCHEDULED, visit_date__gt=fix_until
    ).values("id", "enterprise_id", "visit_date", "lead_agency_id", "theme_id"):
        unfixed_by_enterprise[t["enterprise_id"]][t["id"]] = t
    busy = defaultdict(list)
    for b in BusyPeriod.objects.filter(enterprise_id__in=enterprise_ids, end__gt=today).values(
        "enterprise_id", "start", "end"
    ):
        busy[b["enterprise_id"]].append((b["start"], b["end"]))
    calendar = default_calendar()
    tomorrow = today + dt.timedelta(days=1)

    new_tasks, reused, to_update, assignments, served, unschedulable = [], set(), [], [], 0, 0
    for enterprise_id, rows in plans_by_enterprise.items():
        allowed = make_is_allowed(calendar=calendar, busy_periods=busy.get(enterprise_id, []))
        on_fixed = defaultdict(list)
        windows = []
        for row in rows:
            if row["joint_task_id"] in fixed:
                on_fixed[row["joint_task_id"]].append(row["id"])
                windows.append(PlanWindow(row["id"], row["window_start"], row["window_end"]))
            elif max(row["window_start"], tomorrow) <= row["window_end"]:
                windows.append(PlanWindow(row["id"], max(row["window_start"], tomorrow), row["window_end"]))
        fixed_visits = [
            Visit(t["visit_date"], tuple(on_fixed.get(pk, ())), fixed=True, visit_id=pk)
            for pk, t in fixed.items()
            if t["enterprise_id"] == enterprise_id and (t["visit_date"] > today or on_fixed.get(pk))
        ]
        try:
            visits = schedule(
                windows, is_allowed=lambda d, a=allowed: d >= tomorrow and a(d), fixed_visits=fixed_visits
            )
        except NoAllowedDayError as exc:
            unschedulable += len(exc.windows)
            bad = {w.plan_id for w in exc.windows}
            windows = [w for w in windows if w.plan_id not in bad]
            visits = schedule(
                windows, is_allowed=lambda d, a=allowed: d >= tomorrow and a(d), fixed_visits=fixed_visits
            )
        by_id = {r["id"]: r for r in rows}
        unfixed = unfixed_by_enterprise.get(enterprise_id, {})
        for visit in visits:
            members = sorted((by_id[pid] for pid in visit.plan_ids), key=lambda r: (r["filed_at"], r["id"]))
            served += len(members)
            if visit.fixed:
                assignments.extend((r["id"], visit.visit_id) for r in members if r["joint_task_id"] != visit.visit_id)
                continue
            lead = next(
                (r for r in members if r["theme_id"] and r["agency__department_id"] == r["theme__lead_department_id"]),
                None,
            )
            lead_agency_id = (lead or members[0])["agency_id"]
            theme_id = (lead or next((r for r in members if r["theme_id"]), members[0]))["theme_id"]
            overlap = defaultdict(int)
            for r in members:
                if r["joint_task_id"] in unfixed and r["joint_task_id"] not in reused:
                    overlap[r["joint_task_id"]] += 1
            if overlap:
                tid = max(overlap, key=lambda k: (overlap[k], -k))
                reused.add(tid)
                old = unfixed[tid]
                if (old["visit_date"], old["lead_agency_id"], old["theme_id"]) != (
                    visit.date,
                    lead_agency_id,
                    theme_id,
                ):
                    to_update.append(
                        JointTask(pk=tid, visit_date=visit.date, lead_agency_id=lead_agency_id, theme_id=theme_id)
                    )
                assignments.extend((r["id"], tid) for r in members if r["joint_task_id"] != tid)
            else:
                task = JointTask(
                    enterprise_id=enterprise_id, visit_date=visit.date, lead_agency_id=lead_agency_id, theme_id=theme_id
                )
                new_tasks.append((task, [r["id"] for r in members]))

    JointTask.objects.bulk_create([t for t, _ in new_tasks])
    JointTask.objects.bulk_update(to_update, ["visit_date", "lead_agency", "theme"], batch_size=1000)
    for task, plan_ids in new_tasks:
        assignments.extend((pid, task.pk) for pid in plan_ids)
    Plan.objects.bulk_update(
        [Plan(pk=pid, joint_task_id=tid) for pid, tid in assignments], ["joint_task"], batch_size=1000
    )
    stale = [tid for unfixed in unfixed_by_enterprise.values() for tid in unfixed if tid not in reused]
    if stale:
        Plan.objects.filter(joint_task__in=stale).update(joint_task=None)
        JointTask.objects.filter(pk__in=stale).delete()
    joint_task_counts_refresh(JointTask.objects.filter(enterprise_id__in=enterprise_ids, status__in=OPEN_STATUSES))
    counts = {
        "enterprises": len(plans_by_enterprise),
        "plans": served,
        "visits": len(new_tasks) + len(reused),
        "changed": len(to_update),
        "unschedulable": unschedulable,
    }
    first = Enterprise.objects.get(pk=enterprise_ids[0])
    audit_record(
        actor=actor,
        action="joint_task.rematch_batch",
        obj=first,
        details={**counts, "first_enterprise": enterprise_ids[0], "last_enterprise": enterprise_ids[-1]},
    )
    return counts
