from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from notifications.selectors import notifications_for_user

from . import selectors
from .access import (
    ADMIN,
    AGENCY,
    ENTERPRISE,
    JUSTICE,
    agency_required,
    enterprise_required,
    justice_required,
    portal_of,
)

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
        "accounts/agency_dashboard.html",
        {
            "agency": agency,
            "colleagues": selectors.agency_officers(agency=agency),
            "notifications": notifications_for_user(user=request.user)[:10],
        },
    )


@justice_required
def justice_dashboard(request):
    agency = request.user.agency
    return render(
        request,
        "accounts/justice_dashboard.html",
        {
            "agency": agency,
            "supervised_agencies": selectors.agencies_supervised_by(justice_bureau=agency),
            "notifications": notifications_for_user(user=request.user)[:10],
        },
    )


@enterprise_required
def enterprise_dashboard(request):
    from enterprises.selectors import enterprise_of_user, licences_of_enterprise

    enterprise = enterprise_of_user(user=request.user)
    return render(
        request,
        "accounts/enterprise_dashboard.html",
        {
            "enterprise": enterprise,
            "licences": licences_of_enterprise(enterprise=enterprise) if enterprise else [],
            "notifications": notifications_for_user(user=request.user)[:10],
        },
    )
