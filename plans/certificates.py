"""An expired enforcement certificate takes its officer off the visits still ahead: the daily job's step.

The officer could no longer be named (``accounts.certificates.officer_certified_check``) nor check in
(``User.is_certified_on``); leaving the name on the plan would show the enterprise an officer who may not
inspect. Each batch of (plan, officer) links is claimed by deleting it, in one transaction with its audit
entries, the plan agencies' notifications and, for a fixed visit left with fewer than two certified officers,
the same warning its agencies get at fixing (``plans.fixing._understaffed_warnings``). A fixed number of
statements a batch, whatever its size; a rerun finds nothing left to do.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record_many
from notifications.models import Notification
from notifications.services import notifications_send_many
from yantai_inspect.batches import in_locked_batches

from .fixing import _understaffed_warnings
from .models import JointTask, Plan
from .selectors import tasks_certified_officer_counts

BATCH_SIZE = 2000  # the selection reads the expired officers' links (2-3 s at city scale): few, large batches
OfficerLink = Plan.officers.through


def expired_officer_links(today: dt.date):
    """The (plan, officer) links of plans still editable, on a visit not yet begun (dated today or later) or
    on none yet, whose officer's certificate ended before ``today``. Subqueries, not joins: the batch locks
    only the links (``FOR UPDATE`` on a join would lock the plans and the users too)."""
    # The condition of the partial index ``user_certificate_expiry``: officers holding a certificate.
    expired = (User.objects.filter(role=User.Role.OFFICER, certificate_valid_until__lt=today)
               .exclude(certificate_number="").values("pk"))
    ahead = Plan.objects.filter(status__in=Plan.EDITABLE).filter(
        Q(joint_task__isnull=True, window_end__gte=today)
        | Q(joint_task__visit_date__gte=today,
            joint_task__status__in=(JointTask.Status.SCHEDULED, JointTask.Status.FIXED))
    ).values("pk")
    return OfficerLink.objects.filter(user_id__in=expired, plan_id__in=ahead)


def expired_officers_off_visits(*, today: dt.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Take every officer whose certificate has expired off the plans still ahead. Returns the number of
    links removed by this run (0 on a rerun)."""
    today = today or timezone.localdate()
    return in_locked_batches(expired_officer_links(today), _take_off, batch_size=batch_size)


def _take_off(ids) -> int:
    links = list(
        OfficerLink.objects.filter(pk__in=ids).select_related(
            "plan", "plan__agency", "plan__enterprise", "plan__joint_task", "user"
        )  # the plan's agency and enterprise: its audit entry's repr
    )
    OfficerLink.objects.filter(pk__in=ids).delete()
    by_plan = defaultdict(list)
    for link in links:
        by_plan[link.plan_id].append(link)
    notifications, audited = [], []
    for plan_links in by_plan.values():
        plan = plan_links[0].plan
        names = "、".join(f"{link.user}({link.user.certificate_number})" for link in plan_links)
        until = min(link.user.certificate_valid_until for link in plan_links).isoformat()
        task = plan.joint_task
        notifications.append(Notification(
            dedupe_key=f"plan-officers-expired:{plan.pk}:{'-'.join(str(link.user_id) for link in plan_links)}",
            agency_id=plan.agency_id,
            title=_("Officers taken off a plan: enforcement certificate expired"),
            body=_("%(names)s: certificate expired (%(date)s), taken off your plan for %(enterprise)s%(visit)s. "
                   "Name another certified officer.") % {
                "names": names, "date": until, "enterprise": plan.enterprise.name,
                "visit": _(" (visit of %(date)s)") % {"date": task.visit_date.isoformat()} if task else ""},
            link=f"/agency/plans/{plan.pk}/",
        ))
        audited.append((plan, {
            "officers": [link.user.username for link in plan_links],
            "certificates": {link.user.username: [link.user.certificate_number,
                                                  link.user.certificate_valid_until] for link in plan_links},
            "visit": task.pk if task else None,
        }))
    notifications.extend(_understaffed_after(links))
    notifications_send_many(notifications)
    audit_record_many(actor=None, action="plan.officers_certificate_expired", entries=audited)
    return len(links)


def _understaffed_after(links) -> list[Notification]:
    """The fixed visits these links were on that are now short of certified officers, flagged to their
    agencies as at fixing (the scheduled ones are flagged when they are fixed)."""
    task_ids = {link.plan.joint_task_id for link in links if link.plan.joint_task_id and link.plan.joint_task.fixed}
    if not task_ids:
        return []
    certified = tasks_certified_officer_counts(task_ids)
    tasks = JointTask.objects.filter(pk__in=task_ids).select_related("enterprise")
    live = defaultdict(list)
    for plan in Plan.objects.filter(joint_task_id__in=task_ids, status__in=Plan.LIVE).only("pk", "joint_task",
                                                                                          "agency"):
        live[plan.joint_task_id].append(plan)
    warnings = []
    for task in tasks:
        warnings.extend(_understaffed_warnings(task, live[task.pk], certified.get(task.pk, 0)))
    return warnings
