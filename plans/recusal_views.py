"""Portal pages of recusal (回避): the officer's declared conflicts, the enterprise's requests, the agency's
decisions. Thin: forms parse, ``plans.recusal`` decides."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import agency_required, enterprise_required
from enterprises.access import enterprise_for_user, require_enterprise
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count

from . import recusal


class ConflictForm(forms.Form):
    enterprise = forms.CharField(label=gettext_lazy("Enterprise (credit code)"), max_length=18)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=recusal.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RecusalRequestForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Officer of a planned visit"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=recusal.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = choices


class RecusalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", gettext_lazy("Grant")), ("refuse", gettext_lazy("Refuse"))])
    reason = forms.CharField(label=gettext_lazy("Reason (required to refuse)"), required=False,
                             max_length=recusal.REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


@agency_required
def conflict_list(request):
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_for_user(user=request.user, uscc=form.cleaned_data["enterprise"].upper())
        except Http404:
            form.add_error("enterprise", _("No enterprise with this credit code in your agency's area."))
        else:
            try:
                recusal.conflict_declare(actor=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Conflict declared: you will not be named on this enterprise's plans."))
                return redirect("agency-conflicts")
    conflicts = recusal.conflicts_of_officer(officer=request.user)
    return render(request, "plans/conflicts.html", {"form": form, "conflicts": conflicts})


@agency_required
def agency_recusal_list(request):
    page = page_without_count(recusal.recusals_for_agency(agency=request.user.agency), request.GET.get("page"), 30)
    return render(request, "plans/recusal_list.html", {"page": page, "view_as": "agency"})


def _recusals_csv(requests, *, view_as: str):
    """The list's columns: the enterprise for the agency's list, the agency for the enterprise's."""

    def row(r):
        party = r.enterprise.name if view_as == "agency" else r.agency.name
        requested = timezone.localtime(r.requested_at).strftime("%Y-%m-%d %H:%M")
        return [requested, party, str(r.officer), r.reason, r.get_status_display(), r.decision_reason]

    party = _("Enterprise") if view_as == "agency" else _("Agency")
    header = [_("Requested at"), party, _("Officer"), _("Reason"), _("Status"), _("Decision")]
    return csv_response("recusal-requests.csv", [str(h) for h in header], rows_of(requests, row))


@agency_required
def agency_recusal_export(request):
    return _recusals_csv(recusal.recusals_for_agency(agency=request.user.agency), view_as="agency")


@enterprise_required
def enterprise_recusal_export(request):
    enterprise = require_enterprise(request.user)
    return _recusals_csv(recusal.recusals_for_enterprise(enterprise=enterprise), view_as="enterprise")


@agency_required
def agency_recusal_detail(request, pk):
    item = recusal.recusal_for_user(user=request.user, request_id=pk)
    form = RecusalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recusal.recusal_decide(actor=request.user, request=item, grant=form.cleaned_data["decision"] == "grant",
                                   reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Decision recorded; the enterprise is told."))
            return redirect("agency-recusal-detail", pk=pk)
    return render(request, "plans/recusal_detail.html", {"item": item, "form": form})


def _targets(enterprise):
    plans = recusal.plans_open_to_recusal(enterprise=enterprise, today=timezone.localdate())
    not_fixed = _("date not fixed")  # outside the f-string, where makemessages finds it
    return [
        (f"{plan.pk}:{officer.pk}",
         f"{plan.joint_task.visit_date.isoformat() if plan.joint_task_id else not_fixed} · "
         f"{plan.agency.name} · {officer}({officer.certificate_number})")
        for plan in plans for officer in plan.officers.all()
    ]


@enterprise_required
def enterprise_recusal_list(request):
    enterprise = require_enterprise(request.user)
    choices = _targets(enterprise)
    form = RecusalRequestForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        plan_id, officer_id = (int(x) for x in form.cleaned_data["target"].split(":"))
        plan = recusal.plan_of_enterprise(enterprise=enterprise, plan_id=plan_id)
        officer = plan.officers.get(pk=officer_id)
        try:
            recusal.recusal_request(actor=request.user, plan=plan, officer=officer, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Request sent; the officer's agency decides before the visit."))
            return redirect("enterprise-recusals")
    page = page_without_count(recusal.recusals_for_enterprise(enterprise=enterprise), request.GET.get("page"), 30)
    return render(request, "plans/recusal_list.html", {"page": page, "view_as": "enterprise", "form": form})
