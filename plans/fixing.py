"""Fixing visits in batches: the daily job's first step, set-based.

A visit is fixed ``VISIT_FIX_DAYS_BEFORE`` days before its date: its date no longer moves, the enterprise is
notified, and when it has fewer than two certified officers its agencies are told to name another. At city
scale thousands of visits reach their fixing day together; each batch costs a fixed number of statements
(claim, read, notify, audit), whatever its size, instead of some sixteen per visit.

Rerunnable: a visit is claimed by a conditional UPDATE (``fixed=False`` → ``True``) under a row lock skipped
by concurrent runs, and only the run that claimed it notifies and audits; notifications carry dedupe keys.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record_many
from notifications.models import Notification
from notifications.services import notifications_send_many
from yantai_inspect.batches import in_locked_batches

from .models import JointTask, Plan
from .selectors import tasks_certified_officer_counts, understaffed

FIX_BATCH_SIZE = 500


def joint_tasks_fix_due(*, today: dt.date, batch_size: int = FIX_BATCH_SIZE) -> int:
    """Fix every scheduled visit dated up to ``VISIT_FIX_DAYS_BEFORE`` days after ``today``, a batch per
    transaction. Returns how many this run fixed (0 on a rerun)."""
    due = JointTask.objects.due_for_fixing(today)
    return in_locked_batches(due, lambda ids: joint_tasks_fix(actor=None, task_ids=ids), batch_size=batch_size)


@transaction.atomic
def joint_tasks_fix(*, actor, task_ids) -> int:
    """Fix the given visits (those still scheduled and unfixed): claim them with one conditional UPDATE,
    then notify each enterprise, audit each visit and warn the agencies of understaffed ones, in one
    statement each. Returns how many were claimed by this call."""
    now = timezone.now()
    claimed = JointTask.objects.filter(pk__in=task_ids, fixed=False, status=JointTask.Status.SCHEDULED).update(
        fixed=True, fixed_at=now, status=JointTask.Status.FIXED
    )
    if not claimed:
        return 0
    # ``fixed_at=now`` tells the rows this call claimed from those fixed meanwhile by another run.
    tasks = list(JointTask.objects.filter(pk__in=task_ids, fixed_at=now).select_related("enterprise"))
    ids = [t.pk for t in tasks]
    agency_names = defaultdict(set)
    live_plans = defaultdict(list)
    for plan in Plan.objects.filter(joint_task_id__in=ids).select_related("agency").only(
        "pk", "joint_task", "status", "agency", "agency__name"
    ):
        agency_names[plan.joint_task_id].add(plan.agency.name)
        if plan.status in Plan.LIVE:
            live_plans[plan.joint_task_id].append(plan)
    certified = tasks_certified_officer_counts(ids)
    notifications, audited = [], []
    for task in tasks:
        agencies = "、".join(sorted(agency_names[task.pk]))
        notifications.append(
            Notification(
                dedupe_key=f"joint-task-fixed:{task.pk}",
                enterprise=task.enterprise,
                title=_("Inspection visit fixed for %(date)s") % {"date": task.visit_date.isoformat()},
                body=_("Agencies: %(agencies)s. The matters to be checked and their standards are in your portal.")
                % {"agencies": agencies},
                link=f"/enterprise/visits/{task.pk}/",
            )
        )
        audited.append((task, {"visit_date": task.visit_date, "agencies": agencies}))
        notifications.extend(_understaffed_warnings(task, live_plans[task.pk], certified.get(task.pk, 0)))
    notifications_send_many(notifications)
    audit_record_many(actor=actor, action="joint_task.fix", entries=audited)
    return len(tasks)


def _understaffed_warnings(task: JointTask, live_plans: list[Plan], certified: int) -> list[Notification]:
    """An on-site inspection needs two certified officers (行政处罚法 art. 42, 55): when a fixed visit has
    fewer in total, its agencies are told to name another before the day (check-in enforces it on site)."""
    if not understaffed(task, certified=certified):
        return []
    return [
        Notification(
            dedupe_key=f"joint-task-understaffed:{task.pk}:{plan.agency_id}",
            agency_id=plan.agency_id,
            title=_("Visit of %(date)s has fewer than two certified officers") % {"date": task.visit_date.isoformat()},
            body=_("%(name)s: name a second officer on your plan before the visit.") % {"name": task.enterprise.name},
            link=f"/agency/plans/{plan.pk}/",
        )
        for plan in live_plans
    ]
