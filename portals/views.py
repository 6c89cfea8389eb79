"""The portals' landing pages: each dashboard puts together what the lower apps hold for its reader."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.access import (
    ADMIN,
    AGENCY,
    ENTERPRISE,
    JUSTICE,
    agency_required,
    enterprise_required,
    justice_required,
    portal_of,
)
from accounts.selectors import agencies_supervised_by, agency_officers
from enterprises.selectors import enterprise_of_user, licences_of_enterprise
from notifications.selectors import notifications_for_user
from plans.approval import approval_queue
from plans.listing import add_links, visit_details, visit_values
from plans.selectors import (
    capped_count,
    invitations_for_user,
    plan_scope_q,
    post_review_queue,
    review_queue,
    upcoming_visits,
)
from plans.statistics import plan_statistics
from yantai_inspect.replica import replica_reads

SUPERVISED_SHOWN = 20

PORTAL_HOME = {
    AGENCY: "agency-dashboard",
    JUSTICE: "justice-dashboard",
    ENTERPRISE: "enterprise-dashboard",
    ADMIN: "admin:index",
}


@login_required
def home(request):
    """After login each role lands on its own portal."""
    portal = portal_of(request.user)
    if portal is None:
        return render(request, "accounts/no_portal.html", status=403)
    return redirect(PORTAL_HOME[portal])


@agency_required
def agency_dashboard(request):
    agency = request.user.agency
    return render(
        request,
        "portals/agency_dashboard.html",
        {
            "agency": agency,
            "upcoming": add_links(  # date, enterprise, fixed: one query
                list(visit_values(upcoming_visits(user=request.user))[:8]), detail_url="agency-task-detail"
            ),
            "open_invitations": capped_count(invitations_for_user(user=request.user).filter(status="open")),
            # 检查审批: the head's queue (plans.approval), for the head alone.
            "pending_approvals": capped_count(approval_queue(user=request.user)) if request.user.is_agency_head else 0,
            "colleagues": agency_officers(agency=agency),
            "notifications": notifications_for_user(user=request.user)[:10],
        },
    )


@justice_required
def justice_dashboard(request):
    agency = request.user.agency
    supervised = agencies_supervised_by(justice_bureau=agency)
    with replica_reads():
        figures = plan_statistics(scope=plan_scope_q(user=request.user))
    return render(
        request,
        "portals/justice_dashboard.html",
        {
            "agency": agency,
            "pending_reviews": capped_count(review_queue(user=request.user)),
            "pending_post_reviews": capped_count(post_review_queue(user=request.user)),
            "figures": figures,
            # The city bureau supervises hundreds of agencies: the dashboard names the first few.
            "supervised_agencies": supervised[:SUPERVISED_SHOWN],
            "supervised_total": supervised.count(),
            "notifications": notifications_for_user(user=request.user)[:10],
        },
    )


@enterprise_required
def enterprise_dashboard(request):
    enterprise = enterprise_of_user(user=request.user)
    visits = visit_details(list(visit_values(upcoming_visits(user=request.user))[:5]))
    return render(
        request,
        "portals/enterprise_dashboard.html",
        {
            "enterprise": enterprise,
            "visits": visits,
            "licences": licences_of_enterprise(enterprise=enterprise) if enterprise else [],
            "notifications": notifications_for_user(user=request.user)[:10],
        },
    )
