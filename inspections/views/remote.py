"""非现场检查 on the portals: each side's list (with CSV) and a check's page; the enterprise sends documents or
photos there by the deadline, the agency concludes there, the justice bureau reads. Thin views: the forms parse,
``plans.remote`` finds the check (another side's check is a 404), the services of ``inspections.services.remote``
decide, as they do for the API."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import (
    AGENCY,
    ENTERPRISE,
    JUSTICE,
    agency_required,
    enterprise_required,
    justice_required,
    portal_required,
)
from plans.models import RemoteCheck
from plans.remote import (
    remote_check_evidence,
    remote_check_for_user,
    remote_check_list,
    remote_check_withdraw,
    remote_evidence_for_user,
)
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count

from ..api.remote import remote_evidence_response
from ..forms_enterprise import MultipleImageField, MultipleImageInput
from ..models import Finding
from ..services.remote import remote_check_conclude, remote_check_submit

PAGE_SIZE = 20


class RemoteSubmitForm(forms.Form):
    matter = forms.ChoiceField(label=gettext_lazy("For the matter"), required=False)
    files = MultipleImageField(
        label=gettext_lazy("Documents or photos"),
        max_files=settings.REMOTE_EVIDENCE_MAX_FILES,
        widget=MultipleImageInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp",
                                         "multiple": True}),
        help_text=gettext_lazy("PDF documents, or photos (JPEG, PNG or WebP)."),
    )
    note = forms.CharField(label=gettext_lazy("Note to the agency"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, check: RemoteCheck, **kwargs):
        super().__init__(*args, **kwargs)
        self.matters = {m.code: m for m in check.plan.matters.order_by("code")}
        self.fields["matter"].choices = [("", _("All the matters"))] + [(c, m.name) for c, m in self.matters.items()]

    def clean_matter(self):
        code = self.cleaned_data.get("matter")
        return self.matters.get(code) if code else None


class RemoteConcludeForm(forms.Form):
    """The conclusion, and for each of the check's matters the problem found on it, if any, with its severity:
    each problem becomes a finding to rectify (``inspections.services.remote``)."""

    outcome = forms.ChoiceField(label=gettext_lazy("Conclusion"), widget=forms.RadioSelect,
                                choices=[(s, s.label) for s in RemoteCheck.CONCLUSIONS])
    conclusion = forms.CharField(label=gettext_lazy("Remarks"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, check: RemoteCheck, **kwargs):
        super().__init__(*args, **kwargs)
        self.matters = list(check.plan.matters.order_by("code"))
        self.problem_fields = []
        for m in self.matters:
            self.fields[f"problem_{m.pk}"] = forms.CharField(
                label=_("Problem found on %(matter)s") % {"matter": m.name}, required=False, max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"severity_{m.pk}"] = forms.ChoiceField(
                label=_("Severity"), choices=Finding.Severity.choices, initial=Finding.Severity.MINOR,
                required=False)  # minor unless said (the service's default)
            self.problem_fields.append((self[f"problem_{m.pk}"], self[f"severity_{m.pk}"]))

    def clean(self):
        data = super().clean()
        data["problems"] = [
            {"matter": m, "description": data.get(f"problem_{m.pk}", ""),
             "severity": data.get(f"severity_{m.pk}") or Finding.Severity.MINOR}
            for m in self.matters if (data.get(f"problem_{m.pk}") or "").strip()
        ]
        return data

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("outcome", "conclusion", "problems")}


class RemoteWithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is it withdrawn?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


def _attach(form, exc: DomainError) -> None:
    field = {"photo": "files", "file": "files", "problems": None}.get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))


def _list(request, *, portal: str):
    qs = remote_check_list(user=request.user, status=request.GET.get("status", ""))
    page = page_without_count(qs, request.GET.get("page"), PAGE_SIZE)
    return render(request, "inspections/remote_list.html", {
        "page": page, "portal": portal, "statuses": RemoteCheck.Status.choices,
        "status": request.GET.get("status", ""),
    })


def _export(request):
    def row(c):
        return [c.requested_on.isoformat(), c.enterprise.name, c.enterprise.uscc, c.agency.name,
                c.deadline.isoformat(), c.get_status_display(),
                c.concluded_at.date().isoformat() if c.concluded_at else "", c.conclusion]

    header = [_("Requested on"), _("Enterprise"), _("Credit code"), _("Agency"), _("Documents due by"), _("Status"),
              _("Concluded on"), _("Conclusion")]
    qs = remote_check_list(user=request.user, status=request.GET.get("status", ""))
    return csv_response("remote-checks.csv", header, rows_of(qs, row))


def _detail(request, pk, *, portal: str, submit_form=None, conclude_form=None, withdraw_form=None, status=200):
    check = remote_check_for_user(user=request.user, remote_check_id=pk)
    context = {"check": check, "plan": check.plan, "portal": portal, "evidence": remote_check_evidence(check),
               "matters": check.plan.matters.order_by("code"),
               # the problems found, rectified like those found on site (inspections.services.rectification)
               "findings": check.findings.select_related("matter").order_by("id")}
    if portal == ENTERPRISE and check.open_for_submission:
        context["submit_form"] = submit_form or RemoteSubmitForm(check=check)
    if portal == AGENCY and check.awaits_conclusion:
        context["conclude_form"] = conclude_form or RemoteConcludeForm(check=check)
    if portal == AGENCY and check.open_for_submission and check.agency_id == request.user.agency_id:
        context["withdraw_form"] = withdraw_form or RemoteWithdrawForm()
    return render(request, "inspections/remote_detail.html", context, status=status)


@agency_required
def agency_list(request):
    return _list(request, portal=AGENCY)


@justice_required
def justice_list(request):
    return _list(request, portal=JUSTICE)


@enterprise_required
def enterprise_list(request):
    return _list(request, portal=ENTERPRISE)


@portal_required(AGENCY, JUSTICE, ENTERPRISE)
def export(request):
    return _export(request)


@agency_required
def agency_detail(request, pk):
    return _detail(request, pk, portal=AGENCY)


@justice_required
def justice_detail(request, pk):
    return _detail(request, pk, portal=JUSTICE)


@enterprise_required
def enterprise_detail(request, pk):
    return _detail(request, pk, portal=ENTERPRISE)


@enterprise_required
@require_POST
def enterprise_submit(request, pk):
    check = remote_check_for_user(user=request.user, remote_check_id=pk)
    form = RemoteSubmitForm(request.POST, request.FILES, check=check)
    if form.is_valid():
        try:
            remote_check_submit(actor=request.user, remote_check=check, files=form.cleaned_data["files"],
                                note=form.cleaned_data["note"], matter=form.cleaned_data["matter"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Sent. The agency will conclude on your documents."))
            return redirect("enterprise-remote-check", pk=check.pk)
    return _detail(request, pk, portal=ENTERPRISE, submit_form=form, status=400)


@agency_required
@require_POST
def agency_conclude(request, pk):
    check = remote_check_for_user(user=request.user, remote_check_id=pk)
    form = RemoteConcludeForm(request.POST, check=check)
    if form.is_valid():
        try:
            remote_check_conclude(actor=request.user, remote_check=check, **form.service_arguments())
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Remote check concluded; the enterprise has been told."))
            return redirect("agency-remote-check", pk=check.pk)
    return _detail(request, pk, portal=AGENCY, conclude_form=form, status=400)


@agency_required
@require_POST
def agency_withdraw(request, pk):
    check = remote_check_for_user(user=request.user, remote_check_id=pk)
    form = RemoteWithdrawForm(request.POST)
    if form.is_valid():
        try:
            remote_check_withdraw(actor=request.user, remote_check=check, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Remote check withdrawn; the enterprise has been told."))
            return redirect("agency-remote-check", pk=check.pk)
    return _detail(request, pk, portal=AGENCY, withdraw_form=form, status=400)


@login_required
def evidence_file(request, pk):
    return remote_evidence_response(remote_evidence_for_user(user=request.user, evidence_id=pk))


urlpatterns = [
    path("agency/remote-checks/", agency_list, name="agency-remote-checks"),
    path("agency/remote-checks/<int:pk>/", agency_detail, name="agency-remote-check"),
    path("agency/remote-checks/<int:pk>/conclude/", agency_conclude, name="agency-remote-check-conclude"),
    path("agency/remote-checks/<int:pk>/withdraw/", agency_withdraw, name="agency-remote-check-withdraw"),
    path("justice/remote-checks/", justice_list, name="justice-remote-checks"),
    path("justice/remote-checks/<int:pk>/", justice_detail, name="justice-remote-check"),
    path("enterprise/remote-checks/", enterprise_list, name="enterprise-remote-checks"),
    path("enterprise/remote-checks/<int:pk>/", enterprise_detail, name="enterprise-remote-check"),
    path("enterprise/remote-checks/<int:pk>/submit/", enterprise_submit, name="enterprise-remote-check-submit"),
    path("remote-checks/export.csv", export, name="remote-checks-export"),
    path("remote-checks/evidence/<int:pk>/", evidence_file, name="remote-evidence"),
]
