"""Background work of the inspections app, run by the outbox (enqueued by record_finalise and the signing
services)."""

import logging

from outbox.registry import outbox_handler

from .models import InspectionRecord
from .pdf import store_record_pdf

log = logging.getLogger(__name__)


@outbox_handler("inspections.render_record_pdf")
def render_record_pdf(*, record_id: int) -> None:
    """Render and store the record's PDF as the record is now. Rerunnable: a second run replaces the file."""
    record = InspectionRecord.objects.filter(pk=record_id).first()
    if record is None:
        log.warning("record %s no longer exists; no PDF to render", record_id)
        return
    store_record_pdf(record)


@outbox_handler("inspections.render_paper_pdf")
def render_paper_pdf(*, paper_id: int) -> None:
    """Render and store an enforcement paper's PDF. Rerunnable: a second run replaces the file."""
    from .models import Paper
    from .paper_pdf import store_paper_pdf

    paper = Paper.objects.filter(pk=paper_id).first()
    if paper is None:
        log.warning("paper %s no longer exists; no PDF to render", paper_id)
        return
    store_paper_pdf(paper)


@outbox_handler("inspections.issue_approval_form")
def issue_approval_form(*, plan_id: int, actor_id: int) -> None:
    """The inspection approval form (检查审批表) of a plan its agency's head approved (plans.services.approval):
    numbered, hashed and rendered like the other papers. Rerunnable: the paper's subject issues it once."""
    from accounts.models import User
    from plans.approval import approval_of
    from plans.models import Plan

    from .services.papers import approval_form_issue

    plan = (
        Plan.objects.select_related("agency", "enterprise", "head_approval_by", "joint_task")
        .prefetch_related("matters", "officers")
        .filter(pk=plan_id)
        .first()
    )
    approval = approval_of(plan) if plan is not None else None
    if approval is None or approval.state != Plan.HeadApproval.APPROVED:
        log.warning("plan %s has no head approval; no approval form", plan_id)
        return
    approver = approval.by
    approval_form_issue(
        actor=User.objects.filter(pk=actor_id).first() or approver,
        agency=plan.agency,
        enterprise=plan.enterprise,
        subject=f"plan-approval:{plan.pk}",
        content={
            "plan": plan.pk,
            "visit_window": [plan.window_start.isoformat(), plan.window_end.isoformat()],
            "matters": [m.name for m in plan.matters.all()],
            "officers": [str(o) for o in plan.officers.all()],
            "reason": plan.urgent_reason if plan.urgent else "",
            "approver": str(approver) if approver else "",
            "opinion": approval.opinion,
            "approved_at": approval.at.isoformat() if approval.at else "",
        },
    )
