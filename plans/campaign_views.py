"""Pages of random-check campaigns (双随机、一公开): the agency creates and draws; the justice bureau and the
public (no login) see the commitments, the revealed seed, replay the draw and, after the window, the results.
Thin: forms parse, ``plans.campaigns`` decides and reads."""



from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import agency_required, justice_required
from accounts.divisions import CITY_CODE, DIVISIONS
from catalogue.models import Theme
from credit.sampling import GRADES, sampling_rate_set, sampling_rates
from enterprises.industries import INDUSTRIES
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count
from yantai_inspect.widgets import DateInput

from . import campaigns, draw
from .forms import PlanForm


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    theme = forms.ModelChoiceField(label=gettext_lazy("Theme"), queryset=Theme.objects.none(), required=False,
                                   empty_label=gettext_lazy("No theme"), to_field_name="code")
    matters = forms.ModelMultipleChoiceField(label=gettext_lazy("Supervision matters"), queryset=None,
                                             widget=forms.CheckboxSelectMultiple, to_field_name="code")
    division = forms.ChoiceField(label=gettext_lazy("Population: division"), required=False,
                                 choices=[("", gettext_lazy("All of your area"))] + list(DIVISIONS))
    industry = forms.ChoiceField(label=gettext_lazy("Population: industry"), required=False,
                                 choices=[("", gettext_lazy("All industries"))] + list(INDUSTRIES))
    population_theme = forms.ModelChoiceField(label=gettext_lazy("Population: theme"), queryset=Theme.objects.all(),
                                              required=False, empty_label=gettext_lazy("Any"), to_field_name="code")
    window_start = forms.DateField(label=gettext_lazy("Earliest visit date"), widget=DateInput())
    window_end = forms.DateField(label=gettext_lazy("Latest visit date"), widget=DateInput())

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        plan_form = PlanForm(agency=agency)  # the same themes and matters an officer may file a plan with
        for name in ("theme", "matters"):
            self.fields[name].queryset = plan_form.fields[name].queryset
            self.fields[name].label_from_instance = plan_form.fields[name].label_from_instance


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _list(request, portal: str, qs):
    page = page_without_count(campaigns.for_listing(qs), request.GET.get("page"), 30)
    return render(request, "plans/campaign_list.html", {"page": page, "view_as": portal})


def _export(request, qs):
    """The list's rows as CSV (without the snapshots, like the page)."""

    def row(c):
        return [c.code, c.name, c.agency.name, c.window_start.isoformat(), c.window_end.isoformat(),
                c.population_size, c.get_status_display(), c.drawn_count if c.is_drawn else ""]

    header = [_("Code"), _("Campaign"), _("Agency"), _("From"), _("To"), _("Population"), _("Status"), _("Drawn")]
    return csv_response("random-check-campaigns.csv", [str(h) for h in header],
                        rows_of(campaigns.for_listing(qs), row))


def _replay(request, campaign):
    """The replay asked for (``?seed=``), or the revealed seed's; the error when the seed is malformed."""
    typed = request.GET.get("seed")
    if typed is None:
        return campaigns.campaign_verify(campaign), None
    try:
        seed = draw.parse_seed(typed)
    except ValueError:
        return None, _("A seed is 64 hexadecimal digits.")
    return campaigns.campaign_verify(campaign, seed=seed), None


def _detail(request, campaign, portal: str):
    verification, seed_error = _replay(request, campaign)
    page = page_without_count(campaigns.campaign_draws(campaign), request.GET.get("page"), 50)
    today = timezone.localdate()
    names = campaigns.officer_names(campaign) if campaign.is_drawn else {}
    show_results = portal != "public" or today >= campaign.results_public_on()
    outcomes = campaigns.draw_outcomes(campaign, page.object_list) if show_results else {}
    rows = [(d, [(cert, names.get(cert, "")) for cert in d.officer_numbers], outcomes.get(d.pk))
            for d in page.object_list]
    return render(request, "plans/campaign_detail.html", {
        "campaign": campaign,
        "view_as": portal,
        "page": page,
        "rows": rows,
        "verification": verification,
        "replayed": verification.drawn[:50] if verification else [],
        "seed_error": seed_error,
        "results_public": today >= campaign.results_public_on(),
        "show_results": show_results,
        "matters": list(campaign.matters.all()),
    })


@agency_required
def agency_campaign_list(request):
    return _list(request, "agency", campaigns.campaigns_for_user(user=request.user))


@agency_required
def agency_campaign_export(request):
    return _export(request, campaigns.campaigns_for_user(user=request.user))


@agency_required
def agency_campaign_new(request):
    form = CampaignForm(request.POST or None, agency=request.user.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaigns.campaign_create(actor=request.user, **data)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Campaign committed: its seed and population hashes are published."))
            return redirect("agency-campaign-detail", code=campaign.code)
    return render(request, "plans/campaign_form.html", {"form": form})


@agency_required
def agency_campaign_detail(request, code):
    return _detail(request, campaigns.campaign_for_user(user=request.user, code=code), "agency")


@agency_required
@require_POST
def agency_campaign_draw(request, code):
    campaign = campaigns.campaign_for_user(user=request.user, code=code)
    try:
        campaigns.campaign_draw(actor=request.user, campaign=campaign)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Drawn: the seed is revealed and the plans are being filed."))
    return redirect("agency-campaign-detail", code=code)


@justice_required
def justice_campaign_list(request):
    return _list(request, "justice", campaigns.campaigns_for_user(user=request.user))


@justice_required
def justice_campaign_export(request):
    return _export(request, campaigns.campaigns_for_user(user=request.user))


class SamplingRateForm(forms.Form):
    grade = forms.ChoiceField(label=gettext_lazy("Credit grade"), choices=[(g, g) for g in GRADES])
    rate = forms.DecimalField(label=gettext_lazy("Sampling rate (0 to 1)"), min_value=0, max_value=1,
                              max_digits=5, decimal_places=4)


def _sampling_rates(request, editable: bool):
    form = SamplingRateForm(request.POST or None) if editable else None
    if editable and request.method == "POST" and form.is_valid():
        try:
            sampling_rate_set(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Sampling rate saved; campaigns committed from now on use it."))
            return redirect("justice-sampling-rates")
    return render(request, "plans/sampling_rates.html", {"rates": sampling_rates(), "form": form})


@justice_required
def justice_sampling_rates(request):
    """The justice bureau sets the sampling rate of each credit grade (a committed campaign keeps its own)."""
    return _sampling_rates(request, editable=request.user.agency.division == CITY_CODE)  # one city policy


@agency_required
def agency_sampling_rates(request):
    return _sampling_rates(request, editable=False)


@justice_required
def justice_campaign_detail(request, code):
    return _detail(request, campaigns.campaign_for_user(user=request.user, code=code), "justice")


def public_campaign_list(request):
    """Public on purpose (一公开): no login."""
    return _list(request, "public", campaigns.public_campaigns())


def public_campaign_detail(request, code):
    """Public on purpose: the commitments, the revealed seed, the replay and, after the window, the results."""
    return _detail(request, campaigns.public_campaign(code), "public")


def public_campaign_snapshot(request, code):
    """The committed snapshot, byte for byte (its SHA-256 is the published one), to replay offline."""
    campaign = campaigns.public_campaign(code)
    response = HttpResponse(campaign.snapshot.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="random-check-{campaign.code}-snapshot.json"'
    return response


