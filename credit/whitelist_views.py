"""Portal pages of credit: the justice bureau's whitelist candidates, the enterprise's own credit, and the
public whitelist (no login)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import enterprise_required, justice_required
from enterprises.access import require_enterprise
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count

from . import selectors
from .access import candidate_for_user
from .grade_imports import require_grade_importer
from .whitelist import REASON_MAX_CHARS, whitelist_decide

PAGE_SIZE = 30
PUBLIC_PAGE_SIZE = 50


class DecisionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=REASON_MAX_CHARS)


@justice_required
def justice_whitelist(request):
    page = page_without_count(selectors.whitelist_candidates(user=request.user), request.GET.get("page"), PAGE_SIZE)
    try:
        require_grade_importer(request.user)
        may_import = True
    except PermissionDenied:  # a district's bureau decides its candidates; the city's imports the grades
        may_import = False
    return render(request, "credit/justice_whitelist.html",
                  {"candidates": page, "form": DecisionForm(), "may_import": may_import})


@justice_required
def justice_whitelist_export(request):
    def row(entry):
        proposed = entry.proposed_on.isoformat() if entry.proposed_on else ""
        return [entry.enterprise.name, entry.enterprise.uscc, proposed]

    header = [_("Enterprise"), _("Credit code"), _("Proposed on")]
    return csv_response("whitelist-candidates.csv", [str(h) for h in header],
                        rows_of(selectors.whitelist_candidates(user=request.user), row))


@justice_required
@require_POST
def justice_whitelist_decide(request, pk):
    entry = candidate_for_user(user=request.user, entry_id=pk)
    form = DecisionForm(request.POST)
    decision = request.POST.get("decision")
    try:
        if not form.is_valid():
            raise DomainError(" ".join(form.errors.get("reason", [])))
        if decision not in ("confirm", "decline"):
            raise DomainError(_("Choose a decision."))
        whitelist_decide(actor=request.user, entry=entry, confirm=decision == "confirm",
                         reason=form.cleaned_data["reason"])
        messages.success(request, _("Decision recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("justice-whitelist")


@enterprise_required
def enterprise_credit(request):
    enterprise = require_enterprise(request.user)
    return render(request, "credit/enterprise_credit.html", {
        "enterprise": enterprise,
        "credit": selectors.credit_summary(enterprise_id=enterprise.pk),
        "grades": selectors.grade_history(enterprise_id=enterprise.pk),
        "entries": selectors.whitelist_history(enterprise_id=enterprise.pk),
    })


def public_whitelist(request):
    page = page_without_count(selectors.whitelist_public(), request.GET.get("page"), PUBLIC_PAGE_SIZE)
    return render(request, "credit/public_whitelist.html",
                  {"page": page, "rows": [selectors.public_row(e) for e in page]})


urlpatterns = [
    path("whitelist/", public_whitelist, name="public-whitelist"),
    path("justice/whitelist/", justice_whitelist, name="justice-whitelist"),
    path("justice/whitelist/export.csv", justice_whitelist_export, name="justice-whitelist-export"),
    path("justice/whitelist/<int:pk>/decide/", justice_whitelist_decide, name="justice-whitelist-decide"),
    path("enterprise/credit/", enterprise_credit, name="enterprise-credit"),
]
