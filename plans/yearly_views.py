"""Pages of yearly inspection plans (年度检查计划): the agency drafts, adds lines and publishes; the justice bureau
sees which agencies it supervises have published (and which have not, after 31 March). Thin: forms parse,
``plans.yearly`` decides and reads. The public pages are ``portals.public``."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import agency_required, justice_required
from accounts.divisions import DIVISIONS, division_name
from catalogue.models import Matter, Theme
from enterprises.industries import INDUSTRIES
from yantai_inspect.csv_export import csv_response
from yantai_inspect.errors import DomainError
from yantai_inspect.inputs import query_int
from yantai_inspect.widgets import DateInput

from . import yearly
from .special import population_text


class YearlyPlanForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2199)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    note = forms.CharField(label=gettext_lazy("Explanation"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class YearlyLineForm(forms.Form):
    matter = forms.ModelChoiceField(label=gettext_lazy("Supervision matter"), queryset=Matter.objects.none(),
                                    to_field_name="code")
    division = forms.ChoiceField(label=gettext_lazy("Inspected population: division"), required=False,
                                 choices=[("", gettext_lazy("All of your area"))] + list(DIVISIONS))
    industry = forms.ChoiceField(label=gettext_lazy("Inspected population: industry"), required=False,
                                 choices=[("", gettext_lazy("All industries"))] + list(INDUSTRIES))
    population_theme = forms.ModelChoiceField(
        label=gettext_lazy("Inspected population: theme"), queryset=Theme.objects.all(), required=False,
        empty_label=gettext_lazy("Any"), to_field_name="code",
    )
    visits = forms.IntegerField(label=gettext_lazy("Planned visits"), min_value=1, max_value=yearly.MAX_VISITS)
    deadline = forms.DateField(label=gettext_lazy("To be done by"), widget=DateInput())

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        # The agency's own matters still on the list (the service checks they are in force over the line).
        self.fields["matter"].queryset = Matter.objects.filter(
            department_id=agency.department_id, active=True
        ).order_by("code")
        self.fields["matter"].label_from_instance = (
            lambda m: f"{m.name}({m.code}," + _("version %(v)d") % {"v": m.version} + ")"
        )


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


@agency_required
def agency_yearly_list(request):
    plans = yearly.yearly_plans_of_agency(user=request.user)
    today = timezone.localdate()
    form = YearlyPlanForm(request.POST or None, initial={"year": today.year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = yearly.yearly_plan_draft(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Draft saved: add its lines, then publish it."))
            return redirect("agency-yearly-detail", pk=plan.pk)
    return render(request, "plans/yearly_list.html", {
        "plans": plans[:50], "form": form, "publish_by": yearly.publish_by(today.year),
    })


@agency_required
def agency_yearly_export(request):
    def rows():
        for plan in yearly.yearly_plans_of_agency(user=request.user).iterator(chunk_size=500):
            yield [plan.year, plan.title, plan.get_status_display(),
                   plan.published_on.isoformat() if plan.published_on else "", _("yes") if plan.late else _("no")]

    header = [_("Year"), _("Title"), _("Status"), _("Published on"), _("Published late")]
    return csv_response("yearly-plans.csv", [str(h) for h in header], rows())


def _detail(request, plan, line_form=None):
    lines = [(line, population_text(line)) for line in plan.lines.all()]
    return render(request, "plans/yearly_detail.html", {
        "plan": plan, "lines": lines, "view_as": "agency",
        "line_form": line_form or (None if plan.is_published else YearlyLineForm(agency=request.user.agency)),
        "publish_by": yearly.publish_by(plan.year), "total": sum(line.visits for line, _p in lines),
    })


@agency_required
def agency_yearly_detail(request, pk):
    return _detail(request, yearly.yearly_plan_for_user(user=request.user, pk=pk))


@agency_required
@require_POST
def agency_yearly_line_add(request, pk):
    plan = yearly.yearly_plan_for_user(user=request.user, pk=pk)
    form = YearlyLineForm(request.POST, agency=request.user.agency)
    if form.is_valid():
        try:
            yearly.yearly_plan_line_add(actor=request.user, plan=plan, **form.cleaned_data)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Line added."))
            return redirect("agency-yearly-detail", pk=plan.pk)
    return _detail(request, plan, line_form=form)


@agency_required
@require_POST
def agency_yearly_line_remove(request, pk):
    line = yearly.line_for_user(user=request.user, pk=pk)
    try:
        yearly.yearly_plan_line_remove(actor=request.user, line=line)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Line removed."))
    return redirect("agency-yearly-detail", pk=line.plan_id)


@agency_required
@require_POST
def agency_yearly_publish(request, pk):
    plan = yearly.yearly_plan_for_user(user=request.user, pk=pk)
    try:
        plan = yearly.yearly_plan_publish(actor=request.user, plan=plan)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if plan.late:
            messages.warning(request, _("Published after 31 March: the plan is marked as published late."))
        else:
            messages.success(request, _("Published on the public pages."))
    return redirect("agency-yearly-detail", pk=plan.pk)


def _overview(request):
    today = timezone.localdate()
    year = query_int(request.GET, "year", default=today.year, minimum=2000, maximum=2199)
    return year, today, yearly.yearly_overview(user=request.user, year=year, today=today)


@justice_required
def justice_yearly_overview(request):
    year, today, rows = _overview(request)
    return render(request, "plans/yearly_overview.html", {
        "year": year, "rows": rows, "publish_by": yearly.publish_by(year),
        "past_deadline": today > yearly.publish_by(year),
        "missing": sum(1 for r in rows if r["missing"]),
    })


@justice_required
def justice_yearly_export(request):
    year, _today, rows = _overview(request)

    def state(r):
        if not r["missing"]:
            return _("Published late") if r["late"] else _("Published on time")
        return _("Not published, past the deadline") if r["overdue"] else _("Not published yet")

    def day(moment):
        return timezone.localtime(moment).date().isoformat() if moment else ""

    header = [_("Agency"), _("Division"), _("Year"), _("State"), _("Published on"), _("Reminded: due soon"),
              _("Reminded: overdue")]
    return csv_response(f"yearly-plans-{year}.csv", [str(h) for h in header], (
        [r["agency"].name, division_name(r["agency"].division), year, state(r),
         r["published_on"].isoformat() if r["published_on"] else "", day(r["reminded_due"]),
         day(r["reminded_overdue"])] for r in rows
    ))
