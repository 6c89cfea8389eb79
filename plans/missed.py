"""Visits that did not happen, and plans that can no longer be served (the daily job's first step).

A fixed visit whose day has passed with no check-in (its status never left FIXED) is *missed*: its live plans
are closed as not carried out, each of its agencies and the justice bureau of the agency's level are told,
and the agency may refile the plan with a new window (``plans.refile.plan_refile``). A live plan whose window
has passed while it was on no visit that took place (its visit was cancelled, or it was left out because no
day was left: ``plans.matching.compute_schedule``) is closed the same way. So no plan stays live with a
window in the past, and no state leaves an enterprise unschedulable.

Set-based: each batch (locked, ``yantai_inspect.batches``) costs a fixed number of statements whatever its
size: the claim, the plans' UPDATE, the reads, one INSERT of notifications and one of audit entries.
Rerunnable: a second run finds nothing to claim, and notifications carry dedupe keys.
"""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record_many
from notifications.models import Notification
from notifications.services import notifications_send_many
from yantai_inspect.batches import in_locked_batches

from .matching import joint_task_counts_refresh
from .models import JointTask, Plan

BATCH_SIZE = 500
PLANNED = (JointTask.Status.FIXED, JointTask.Status.SCHEDULED)


def visits_missed_close(*, today: dt.date, batch_size: int = BATCH_SIZE) -> dict:
    """Mark the visits missed whose day is before ``today`` and where nobody checked in; close their plans and
    the live plans whose window has passed. Returns the counts."""
    closed = [0]

    def missed_batch(ids):
        tasks, plans = _missed_batch(ids)
        closed[0] += plans
        return tasks

    missed = in_locked_batches(missed_candidates(today=today), missed_batch, batch_size=batch_size)
    stranded = in_locked_batches(stranded_plans(today=today), _stranded_batch, batch_size=batch_size)
    return {"missed": missed, "not_carried_out": closed[0] + stranded}


def missed_candidates(*, today: dt.date):
    """Planned visits (fixed, or never fixed) dated before ``today`` that still serve a live plan."""
    live = Plan.objects.filter(joint_task=OuterRef("pk"), status__in=Plan.LIVE)
    return JointTask.objects.filter(status__in=PLANNED, visit_date__lt=today).filter(Exists(live))


def stranded_plans(*, today: dt.date):
    """Live plans whose window ended before ``today`` and whose visit did not take place."""
    carried_out = JointTask.objects.filter(pk=OuterRef("joint_task_id"), status__in=JointTask.CARRIED_OUT)
    return Plan.objects.filter(status__in=Plan.LIVE, window_end__lt=today).filter(~Exists(carried_out))


def _bureaus(divisions) -> dict:
    """The responsible justice bureau of each division among ``divisions`` (one query per distinct division,
    a dozen at most, whatever the batch size)."""
    return {d: bureau for d in set(divisions) if (bureau := justice_bureau_for_division(d)) is not None}


def _missed_batch(ids) -> tuple[int, int]:
    claimed = JointTask.objects.filter(pk__in=ids, status__in=PLANNED).update(status=JointTask.Status.MISSED)
    if not claimed:
        return 0, 0
    plans = list(
        Plan.objects.filter(joint_task_id__in=ids, status__in=Plan.LIVE)
        .select_related("agency")
        .only("id", "joint_task_id", "agency__id", "agency__name", "agency__division")
    )
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(status=Plan.Status.NOT_CARRIED_OUT)
    joint_task_counts_refresh(JointTask.objects.filter(pk__in=ids))
    by_task = {}
    for plan in plans:
        by_task.setdefault(plan.joint_task_id, []).append(plan)
    bureaus = _bureaus(p.agency.division for p in plans)
    notifications, entries = [], []
    for task in JointTask.objects.filter(pk__in=ids, status=JointTask.Status.MISSED).select_related("enterprise"):
        members = by_task.get(task.pk, [])
        agencies = "、".join(sorted({p.agency.name for p in members}))
        date = task.visit_date.isoformat()
        entries.append((task, {"visit_date": task.visit_date, "plans": [p.pk for p in members], "agencies": agencies}))
        for plan in members:
            notifications.append(
                Notification(
                    dedupe_key=f"joint-task-missed:{task.pk}:plan:{plan.pk}",
                    agency=plan.agency,
                    title=_("Visit of %(date)s to %(name)s was not carried out")
                    % {"date": date, "name": task.enterprise},
                    body=_(
                        "No officer checked in on the day. Your plan is closed as not carried out; refile it with "
                        "a new window if the inspection is still needed."
                    ),
                    link=f"/agency/plans/{plan.pk}/",
                )
            )
        for bureau in {bureaus[p.agency.division] for p in members if p.agency.division in bureaus}:
            notifications.append(
                Notification(
                    dedupe_key=f"joint-task-missed:{task.pk}:justice:{bureau.pk}",
                    agency=bureau,
                    title=_("Missed inspection visit: %(name)s, %(date)s") % {"date": date, "name": task.enterprise},
                    body=_("Agencies: %(agencies)s. Nobody checked in on the day of the fixed visit.")
                    % {"agencies": agencies},
                    link=f"/justice/tasks/{task.pk}/",
                )
            )
    notifications_send_many(notifications)
    audit_record_many(actor=None, action="joint_task.missed", entries=entries)
    return claimed, len(plans)


def _stranded_batch(ids) -> int:
    Plan.objects.filter(pk__in=ids, status__in=Plan.LIVE).update(status=Plan.Status.NOT_CARRIED_OUT)
    joint_task_counts_refresh(JointTask.objects.filter(plans__pk__in=ids))
    plans = list(
        Plan.objects.filter(pk__in=ids, status=Plan.Status.NOT_CARRIED_OUT).select_related("agency", "enterprise")
    )
    notifications_send_many(
        Notification(
            dedupe_key=f"plan-not-carried-out:{plan.pk}",
            agency=plan.agency,
            title=_("Plan for %(name)s not carried out") % {"name": plan.enterprise.name},
            body=_(
                "Its window ended on %(end)s without a visit. Refile it with a new window if the inspection is "
                "still needed."
            )
            % {"end": plan.window_end.isoformat()},
            link=f"/agency/plans/{plan.pk}/",
        )
        for plan in plans
    )
    audit_record_many(
        actor=None,
        action="plan.not_carried_out",
        entries=[
            (plan, {"window": [plan.window_start, plan.window_end], "joint_task": plan.joint_task_id}) for plan in plans
        ],
    )
    return len(plans)
