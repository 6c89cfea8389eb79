from django.http import Http404

from .models import Invitation, JointTask, Plan
from .selectors import invitations_for_user, joint_tasks_for_user, plans_for_user


def plan_for_user(*, user, plan_id: int) -> Plan:
    """The plan if the user may see it; 404 otherwise (another agency cannot learn it exists)."""
    plan = plans_for_user(user=user).select_related("filed_by").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def joint_task_for_user(*, user, task_id: int) -> JointTask:
    task = joint_tasks_for_user(user=user).filter(pk=task_id).first()
    if task is None:
        raise Http404
    return task


def invitation_for_user(*, user, invitation_id: int) -> Invitation:
    invitation = invitations_for_user(user=user).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation
