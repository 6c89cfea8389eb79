"""Pages of special inspection campaigns (专项检查): the agency requests; the level above (the parent agency's
head, or the city justice bureau) approves or not with its opinion; the city justice bureau keeps the yearly
quota table. Thin: forms parse, ``plans.special`` decides and reads. The public pages are ``portals.public``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import agency_required, justice_required
from accounts.divisions import CITY_CODE, DIVISIONS
from accounts.models import Agency, inspecting_agencies_q
from accounts.selectors import justice_bureau_for_division
from catalogue.models import Matter, Theme
from enterprises.industries import INDUSTRIES
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.inputs import query_int
from yantai_inspect.pagination import page_without_count
from yantai_inspect.widgets import DateInput

from . import special


class SpecialCampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Campaign title"), max_length=200)
    basis = forms.CharField(label=gettext_lazy("Reason and legal basis"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    matters = forms.ModelMultipleChoiceField(label=gettext_lazy("Supervision matters"), queryset=Matter.objects.none(),
                                             widget=forms.CheckboxSelectMultiple, to_field_name="code")
    division = forms.ChoiceField(label=gettext_lazy("Inspected population: division"), required=False,
                                 choices=[("", gettext_lazy("All of your area"))] + list(DIVISIONS))
    industry = forms.ChoiceField(label=gettext_lazy("Inspected population: industry"), required=False,
                                 choices=[("", gettext_lazy("All industries"))] + list(INDUSTRIES))
    population_theme = forms.ModelChoiceField(
        label=gettext_lazy("Inspected population: theme"), queryset=Theme.objects.all(), required=False,
        empty_label=gettext_lazy("Any"), to_field_name="code",
    )
    window_start = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    window_end = forms.DateField(label=gettext_lazy("To"), widget=DateInput())

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matters"].queryset = Matter.objects.filter(
            department_id=agency.department_id, active=True
        ).order_by("code")
        self.fields["matters"].label_from_instance = (
            lambda m: f"{m.name}({m.code}," + _("version %(v)d") % {"v": m.version} + ")"
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=[
        ("approve", gettext_lazy("Approve and publish")), ("reject", gettext_lazy("Do not approve"))])
    opinion = forms.CharField(label=gettext_lazy("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is it withdrawn?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class QuotaForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2199)
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"), required=False, to_field_name="code",
        queryset=Agency.objects.filter(inspecting_agencies_q()).order_by("division", "code"),
        empty_label=gettext_lazy("Every agency (the default)"),
    )
    quota = forms.IntegerField(label=gettext_lazy("Special inspections a year"), min_value=0,
                               max_value=special.MAX_QUOTA)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _quota_state(agency, year: int) -> dict:
    row = special.quota_in_force(agency=agency, year=year)
    return {"year": year, "quota": row.quota if row else None, **special.quota_used(agency=agency, year=year)}


def _list(request, portal: str):
    qs = special.campaigns_for_user(user=request.user)
    page = page_without_count(qs, request.GET.get("page"), 30)
    context = {"page": page, "view_as": portal}
    if portal == "agency":
        context["quota"] = _quota_state(request.user.agency, timezone.localdate().year)
    return render(request, "plans/special_list.html", context)


def _export(request):
    def row(c):
        return [c.code, c.name, c.agency.name, c.year, c.window_start.isoformat(), c.window_end.isoformat(),
                c.get_status_display(), c.approver.name, c.decided_at.date().isoformat() if c.decided_at else "",
                c.opinion]

    header = [_("Code"), _("Special inspection campaign"), _("Agency"), _("Year"), _("From"), _("To"), _("Status"),
              _("Approved by (the level above)"), _("Decided on"), _("Opinion")]
    return csv_response("special-inspections.csv", [str(h) for h in header],
                        rows_of(special.campaigns_for_user(user=request.user), row))


def _may_decide(user, campaign) -> bool:
    if campaign.status != campaign.Status.PENDING:
        return False
    try:
        special.require_approver(user, campaign)
    except PermissionDenied:
        return False
    return True


def _may_withdraw(user, campaign, portal: str) -> bool:
    """The form is offered to the campaign's own agency while ``special.withdrawal_refusal`` allows it."""
    if portal != "agency" or campaign.agency_id != user.agency_id:
        return False
    return campaign.status in special.COUNTED and special.withdrawal_refusal(
        campaign, today=timezone.localdate()) is None


def _detail(request, campaign, portal: str, form=None, withdraw_form=None, status=200):
    may_decide = _may_decide(request.user, campaign)
    may_withdraw = _may_withdraw(request.user, campaign, portal)
    return render(request, "plans/special_detail.html", {
        "campaign": campaign, "view_as": portal, "matters": list(campaign.matters.order_by("code")),
        "population": special.population_text(campaign), "may_decide": may_decide,
        "form": form or (DecisionForm() if may_decide else None),
        "withdraw_form": withdraw_form or (WithdrawForm() if may_withdraw else None),
        "plans_filed": campaign.plans.count() if portal != "public" else None,
    }, status=status)


def _decide(request, code: str, portal: str):
    campaign = special.campaign_for_user(user=request.user, code=code)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            special.special_campaign_decide(actor=request.user, campaign=campaign,
                                            approve=form.cleaned_data["decision"] == "approve",
                                            opinion=form.cleaned_data["opinion"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(f"{portal}-special-detail", code=code)
    return _detail(request, campaign, portal, form=form)


@agency_required
def agency_special_list(request):
    return _list(request, "agency")


@agency_required
def agency_special_export(request):
    return _export(request)


@agency_required
def agency_special_new(request):
    agency = request.user.agency
    form = SpecialCampaignForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = special.special_campaign_request(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Requested: the level above decides; the campaign is published once approved."))
            return redirect("agency-special-detail", code=campaign.code)
    year = form.cleaned_data["window_start"].year if form.is_bound and form.is_valid() else timezone.localdate().year
    return render(request, "plans/special_form.html", {
        "form": form, "quota": _quota_state(agency, year), "approver": special.approver_for(agency),
    })


@agency_required
def agency_special_detail(request, code):
    return _detail(request, special.campaign_for_user(user=request.user, code=code), "agency")


@agency_required
@require_POST
def agency_special_decide(request, code):
    return _decide(request, code, "agency")


@agency_required
@require_POST
def agency_special_withdraw(request, code):
    campaign = special.campaign_for_user(user=request.user, code=code)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            special.special_campaign_withdraw(actor=request.user, campaign=campaign,
                                              reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Withdrawn: the campaign no longer counts against your yearly quota."))
            return redirect("agency-special-detail", code=code)
    return _detail(request, campaign, "agency", withdraw_form=form, status=400)


@justice_required
def justice_special_list(request):
    return _list(request, "justice")


@justice_required
def justice_special_export(request):
    return _export(request)


@justice_required
def justice_special_detail(request, code):
    return _detail(request, special.campaign_for_user(user=request.user, code=code), "justice")


@justice_required
@require_POST
def justice_special_decide(request, code):
    return _decide(request, code, "justice")


def _quota_year(request) -> int:
    today = timezone.localdate()
    return query_int(request.GET, "year", default=today.year, minimum=2000, maximum=2199)


@justice_required
def justice_special_quotas(request):
    """The quota table: every version of the year (never edited), the city bureau adds one."""
    year = _quota_year(request)
    editable = justice_bureau_for_division(CITY_CODE) == request.user.agency
    form = QuotaForm(request.POST or None, initial={"year": year}) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Only the city justice bureau sets the inspection caps."))
        if form.is_valid():
            try:
                special.special_quota_set(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Quota saved; the earlier one stays in the history."))
                return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    return render(request, "plans/special_quotas.html", {
        "year": year, "rows": special.quota_table(year=year)[:200], "form": form,
    })


@justice_required
def justice_special_quotas_export(request):
    year = _quota_year(request)

    def row(q):
        return [q.year, q.agency.name if q.agency_id else _("Every agency (the default)"), q.quota,
                q.set_at.isoformat(), str(q.set_by) if q.set_by_id else "", q.note]

    header = [_("Year"), _("Agency"), _("Quota"), _("Set at"), _("Set by"), _("Note")]
    return csv_response(f"special-quotas-{year}.csv", [str(h) for h in header],
                        rows_of(special.quota_table(year=year), row))
