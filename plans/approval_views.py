"""Portal pages of 检查审批: the agency head's queue and decision. Thin: ``plans.approval`` reads,
``plans.services.approval`` decides."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import agency_head_required
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count

from .access import plan_for_user
from .approval import approval_queue
from .forms import ReasonForm
from .services import plan_head_decide

APPROVAL_PAGE_SIZE = 30


@agency_head_required
def approval_queue_page(request):
    return render(
        request,
        "plans/approval_queue.html",
        {"page": page_without_count(approval_queue(user=request.user), request.GET.get("page"), APPROVAL_PAGE_SIZE)},
    )


@agency_head_required
def approval_queue_export(request):
    def row(plan):
        filed = timezone.localtime(plan.filed_at).strftime("%Y-%m-%d %H:%M") if plan.filed_at else ""
        urgent = f"{plan.get_urgent_category_display()}:{plan.urgent_reason}" if plan.urgent else ""
        return [filed, str(plan.filed_by) if plan.filed_by_id else "", plan.enterprise.name, plan.enterprise.uscc,
                plan.window_start.isoformat(), plan.window_end.isoformat(),
                "、".join(m.name for m in plan.matters.all()), urgent]

    header = [_("Filed"), _("Filed by"), _("Enterprise"), _("Credit code"), _("From"), _("To"), _("Matters"),
              _("Green channel")]
    return csv_response("plans-awaiting-approval.csv", [str(h) for h in header],
                        rows_of(approval_queue(user=request.user), row))


@agency_head_required
@require_POST
def plan_head_decision(request, pk):
    plan = plan_for_user(user=request.user, plan_id=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    decision = request.POST.get("decision")
    try:
        if decision not in ("approve", "reject"):
            raise DomainError(_("Choose a decision."))
        plan_head_decide(actor=request.user, plan=plan, approve=decision == "approve",
                         note=form.cleaned_data.get("note", ""))
        messages.success(request, _("Approval recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.POST.get("next") == "plan":
        return redirect("agency-plan-detail", pk=pk)
    return redirect("agency-approvals")
