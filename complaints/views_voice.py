"""Portal pages of the enterprise's voice beside its complaints: ratings of visits (满意度), its visit burden
(检查负担) and service requests (入市第一课). Thin: forms parse, the services decide, selectors read."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import agency_required, enterprise_required, justice_required
from accounts.selectors import divisions_supervised_by
from enterprises.access import require_enterprise
from enterprises.models import Enterprise
from inspections.access import record_for_user
from plans import burden
from plans.access import joint_task_for_user
from plans.models import JointTask
from yantai_inspect.csv_export import CHUNK, chunks_of, csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.inputs import INT_MAX, query_int
from yantai_inspect.pagination import page_without_count

from . import selectors, services_ratings, services_requests
from .models import ServiceRequest, VisitRating

# The article's figures: the enterprises' satisfaction before and after the platform (96.32 % → 98.01 %).
ARTICLE_BEFORE, ARTICLE_AFTER = 96.32, 98.01


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _task_from_query(request):
    """The visit a page is opened from: ``?task=`` (the visit page) or ``?record=`` (the record page)."""
    record_id = query_int(request.GET, "record", minimum=1, maximum=INT_MAX)
    task_id = query_int(request.GET, "task", minimum=1, maximum=INT_MAX)
    if record_id:
        return record_for_user(user=request.user, record_id=record_id).task
    if task_id:
        return joint_task_for_user(user=request.user, task_id=task_id)
    return None


# -- ratings -------------------------------------------------------------------------------------------


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=gettext_lazy("How satisfied are you with this visit?"), coerce=int,
                                   choices=[(5, gettext_lazy("5 · very satisfied")), (4, gettext_lazy("4 · satisfied")),
                                            (3, gettext_lazy("3 · neutral")), (2, gettext_lazy("2 · dissatisfied")),
                                            (1, gettext_lazy("1 · very dissatisfied"))],
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=gettext_lazy("Comment (optional)"), required=False,
                              max_length=services_ratings.COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


def _unrated_visits(enterprise):
    return (JointTask.objects.filter(enterprise=enterprise, status=JointTask.Status.DONE, rating__isnull=True)
            .order_by("-visit_date", "-id")[:20])


@enterprise_required
def enterprise_rating_list(request):
    enterprise = require_enterprise(request.user)
    page = page_without_count(selectors.ratings_for_enterprise(enterprise=enterprise), request.GET.get("page"), 30)
    return render(request, "complaints/ratings_enterprise.html",
                  {"page": page, "unrated": _unrated_visits(enterprise)})


@enterprise_required
def enterprise_rating_new(request):
    task = _task_from_query(request)
    if task is None:
        return redirect("enterprise-ratings")
    existing = VisitRating.objects.filter(task=task).first()
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_ratings.visit_rate(actor=request.user, task=task, score=form.cleaned_data["score"],
                                        comment=form.cleaned_data["comment"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Thank you: your rating is recorded."))
            return redirect("enterprise-ratings")
    return render(request, "complaints/rating_new.html", {"form": form, "task": task, "existing": existing})


def _ratings_csv(ratings):
    """Every rating of the page's list (``ratings_for_bureau``), streamed: read in chunks, each chunk's visits'
    agencies in one query (``visit_agency_names``), so the export's queries do not grow with its rows."""
    def rows():
        for chunk in chunks_of(ratings.iterator(chunk_size=CHUNK)):
            agencies = selectors.visit_agency_names({r.task_id for r in chunk})
            for r in chunk:
                yield [r.rated_on.isoformat(), r.enterprise.name, r.enterprise.uscc, r.task_id,
                       r.task.visit_date.isoformat(), "、".join(agencies.get(r.task_id, [])), r.score, r.comment,
                       str(r.rated_by)]

    header = [_("Rated on"), _("Enterprise"), _("Credit code"), _("Visit"), _("Visit date"), _("Agencies"),
              _("Score"), _("Comment"), _("Rated by")]
    return csv_response("ratings.csv", [str(h) for h in header], rows())


def _year(request) -> int:
    return query_int(request.GET, "year", default=timezone.localdate().year, minimum=2000, maximum=2100)


@justice_required
def justice_rating_list(request):
    bureau = request.user.agency
    year = _year(request)
    ratings = selectors.ratings_for_bureau(bureau=bureau)
    page = page_without_count(ratings, request.GET.get("page"), 50)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return render(request, "complaints/ratings_justice.html", {
        "page": page, "year": year, "city": selectors.city_satisfaction(year=year),
        "months": selectors.rating_summary(start=start, end=end, by=("month",),
                                           divisions=divisions_supervised_by(bureau)),
        "article_before": ARTICLE_BEFORE, "article_after": ARTICLE_AFTER,
        "satisfied_from": services_ratings.SATISFIED_FROM,
    })


@justice_required
def justice_rating_export(request):
    return _ratings_csv(selectors.ratings_for_bureau(bureau=request.user.agency))


@agency_required
def agency_rating_summary(request):
    view = selectors.agency_rating_view(agency=request.user.agency, today=timezone.localdate())
    return render(request, "complaints/ratings_agency.html", {**view,
                                                              "satisfied_from": services_ratings.SATISFIED_FROM})


@agency_required
def agency_rating_export(request):
    """The page's aggregates and nothing more (``agency_rating_view``: months that are over with at least
    ``MIN_GROUP`` ratings, and their total): no rater, no enterprise, no comment, no visit."""
    view = selectors.agency_rating_view(agency=request.user.agency, today=timezone.localdate())

    def row(label, m):
        return [label, m["ratings"], m["mean"], m["satisfied"], m["satisfaction"]]

    rows = [row(m["month"].strftime("%Y-%m"), m) for m in view["months"]]
    if view["total"]:
        rows.append(row(str(_("Total")), view["total"]))
    header = [_("Month"), _("Ratings"), _("Average"), _("Satisfied (4 or 5)"), _("Satisfaction (%)")]
    return csv_response("satisfaction.csv", [str(h) for h in header], rows)


# -- visit burden --------------------------------------------------------------------------------------


@enterprise_required
def enterprise_burden(request):
    enterprise = require_enterprise(request.user)
    figures = burden.enterprise_burden(enterprise=enterprise, today=timezone.localdate())
    visits = burden.enterprise_burden_visits(enterprise=enterprise, start=figures["period_start"],
                                             end=figures["period_end"])[:100]
    return render(request, "complaints/burden_enterprise.html", {"b": figures, "visits": visits})


def _most_visited(request):
    bureau = request.user.agency
    start, end = burden.period_of(timezone.localdate())
    rows = burden.most_visited(divisions=divisions_supervised_by(bureau), start=start, end=end)
    names = Enterprise.objects.in_bulk([r["enterprise_id"] for r in rows])
    for r in rows:
        r["enterprise"] = names.get(r["enterprise_id"])
    return rows, start, end


@justice_required
def justice_burden(request):
    rows, start, end = _most_visited(request)
    alerts = burden.burden_alerts_for(divisions=divisions_supervised_by(request.user.agency))
    page = page_without_count(alerts, request.GET.get("page"), 30)
    return render(request, "complaints/burden_justice.html", {
        "rows": rows, "start": start, "end": end, "page": page, "threshold": settings.BURDEN_ALERT_VISITS,
        "repeat_days": settings.BURDEN_REPEAT_DAYS,
    })


@justice_required
def justice_burden_export(request):
    rows, start, end = _most_visited(request)
    header = [_("Enterprise"), _("Credit code"), _("Visits"), _("Last visit")]
    return csv_response("most-visited.csv", [str(h) for h in header], [
        [r["enterprise"].name, r["enterprise"].uscc, r["visits"], r["last_visit"].isoformat()] for r in rows
    ])


@justice_required
def justice_burden_alerts_export(request):
    alerts = burden.burden_alerts_for(divisions=divisions_supervised_by(request.user.agency))

    def row(a):
        return [a.created_at.date().isoformat(), a.enterprise.name, a.enterprise.uscc, a.get_kind_display(),
                a.agency.name if a.agency_id else "", f"{a.period_start.isoformat()} – {a.period_end.isoformat()}",
                a.visits]

    header = [_("Raised at"), _("Enterprise"), _("Credit code"), _("Kind"), _("Agency"), _("Period"), _("Visits")]
    return csv_response("burden-alerts.csv", [str(h) for h in header], rows_of(alerts, row))


# -- service requests ----------------------------------------------------------------------------------


class ServiceRequestForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("What help do you need?"),
                                 choices=ServiceRequest.Category.choices)
    text = forms.CharField(label=gettext_lazy("Your question or need"), max_length=services_requests.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 5}))


class AnswerForm(forms.Form):
    action = forms.ChoiceField(choices=[("answer", "answer"), ("close", "close")])
    answer = forms.CharField(label=gettext_lazy("Answer"), required=False, max_length=services_requests.TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}))


class RerouteForm(forms.Form):
    """改派: the agency the request should have gone to (``services_requests.reroute_targets``) and why."""

    agency = forms.ModelChoiceField(label=gettext_lazy("Send it to"), queryset=None)
    reason = forms.CharField(label=gettext_lazy("Why it goes there"), max_length=services_requests.TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = services_requests.reroute_targets(request)


class CloseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False,
                           max_length=services_requests.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


def _requests_csv(rows, *, view_as: str):
    def row(r):
        parties = {"enterprise": [r.agency.name], "agency": [r.enterprise.name],
                   "justice": [r.enterprise.name, r.agency.name]}[view_as]
        return [r.pk, r.filed_on.isoformat(), *parties, r.get_category_display(), r.get_status_display(),
                r.answered_at.date().isoformat() if r.answered_at else ""]

    parties = {"enterprise": [_("Handled by")], "agency": [_("Enterprise")],
               "justice": [_("Enterprise"), _("Handled by")]}[view_as]
    header = ["#", _("Asked on"), *parties, _("Kind of help"), _("Status"), _("Answered on")]
    return csv_response("service-requests.csv", [str(h) for h in header], rows_of(rows, row))


@enterprise_required
def enterprise_request_list(request):
    enterprise = require_enterprise(request.user)
    page = page_without_count(selectors.service_requests_for_enterprise(enterprise=enterprise),
                              request.GET.get("page"), 30)
    return render(request, "complaints/requests_list.html", {"page": page, "view_as": "enterprise"})


@enterprise_required
def enterprise_request_export(request):
    enterprise = require_enterprise(request.user)
    return _requests_csv(selectors.service_requests_for_enterprise(enterprise=enterprise), view_as="enterprise")


@enterprise_required
def enterprise_request_new(request):
    task = _task_from_query(request)
    form = ServiceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services_requests.service_request_file(
                actor=request.user, category=form.cleaned_data["category"], text=form.cleaned_data["text"], task=task)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Your request went to %(agency)s.") % {"agency": created.agency.name})
            return redirect("enterprise-service-request-detail", pk=created.pk)
    return render(request, "complaints/request_new.html", {"form": form, "task": task})


def _request_detail(request, pk, *, view_as: str):
    found = selectors.service_request_for_user(user=request.user, request_id=pk)
    posted = request.POST if request.method == "POST" else None
    rerouting = posted is not None and posted.get("action") == "reroute"
    form = {"agency": AnswerForm, "enterprise": CloseForm, "justice": None}[view_as]
    form = form(None if rerouting else posted) if form else None
    reroute_form = RerouteForm(posted if rerouting else None, request=found) if view_as != "enterprise" else None
    if rerouting and reroute_form is not None and reroute_form.is_valid():
        try:
            services_requests.service_request_reroute(actor=request.user, request=found,
                                                      agency=reroute_form.cleaned_data["agency"],
                                                      reason=reroute_form.cleaned_data["reason"])
        except DomainError as exc:
            _attach(reroute_form, exc)
        else:
            messages.success(request, _("Re-routed to %(agency)s; the agency and the enterprise are told.")
                             % {"agency": reroute_form.cleaned_data["agency"].name})
            if view_as == "agency":  # no longer this agency's: back to its list
                return redirect("agency-service-requests")
            return redirect("justice-service-request-detail", pk=pk)
    elif posted is not None and form is not None and form.is_valid():
        try:
            if view_as == "agency" and form.cleaned_data["action"] == "answer":
                services_requests.service_request_answer(actor=request.user, request=found,
                                                         answer=form.cleaned_data["answer"])
            elif view_as == "agency":
                services_requests.service_request_close(actor=request.user, request=found)
            else:
                services_requests.service_request_close(actor=request.user, request=found,
                                                        note=form.cleaned_data["note"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect(f"{view_as}-service-request-detail", pk=pk)
    errors = (form is not None and form.errors) or (reroute_form is not None and reroute_form.errors)
    return render(request, "complaints/request_detail.html", {
        "r": found, "form": form, "reroute_form": reroute_form, "view_as": view_as,
        "reroutes": selectors.service_request_reroutes(found),
    }, status=400 if errors else 200)


@enterprise_required
def enterprise_request_detail(request, pk):
    return _request_detail(request, pk, view_as="enterprise")


@agency_required
def agency_request_list(request):
    qs = selectors.service_requests_for_agency(agency=request.user.agency)
    if request.GET.get("status") in ServiceRequest.Status.values:
        qs = qs.filter(status=request.GET["status"])
    page = page_without_count(qs, request.GET.get("page"), 30)
    return render(request, "complaints/requests_list.html", {"page": page, "view_as": "agency"})


@agency_required
def agency_request_export(request):
    return _requests_csv(selectors.service_requests_for_agency(agency=request.user.agency), view_as="agency")


@agency_required
def agency_request_detail(request, pk):
    return _request_detail(request, pk, view_as="agency")


def _justice_requests(request):
    qs = selectors.service_requests_for_bureau(bureau=request.user.agency)
    if request.GET.get("status") in ServiceRequest.Status.values:
        qs = qs.filter(status=request.GET["status"])
    return qs


@justice_required
def justice_request_list(request):
    page = page_without_count(_justice_requests(request), request.GET.get("page"), 30)
    return render(request, "complaints/requests_list.html", {"page": page, "view_as": "justice"})


@justice_required
def justice_request_export(request):
    return _requests_csv(_justice_requests(request), view_as="justice")


@justice_required
def justice_request_detail(request, pk):
    return _request_detail(request, pk, view_as="justice")


urlpatterns = [
    path("enterprise/ratings/", enterprise_rating_list, name="enterprise-ratings"),
    path("enterprise/ratings/new/", enterprise_rating_new, name="enterprise-rating-new"),
    path("agency/ratings/", agency_rating_summary, name="agency-ratings"),
    path("agency/ratings/export.csv", agency_rating_export, name="agency-ratings-export"),
    path("justice/ratings/", justice_rating_list, name="justice-ratings"),
    path("justice/ratings/export.csv", justice_rating_export, name="justice-ratings-export"),
    path("enterprise/burden/", enterprise_burden, name="enterprise-burden"),
    path("justice/burden/", justice_burden, name="justice-burden"),
    path("justice/burden/export.csv", justice_burden_export, name="justice-burden-export"),
    path("justice/burden/alerts.csv", justice_burden_alerts_export, name="justice-burden-alerts-export"),
    path("enterprise/service-requests/", enterprise_request_list, name="enterprise-service-requests"),
    path("enterprise/service-requests/export.csv", enterprise_request_export,
         name="enterprise-service-requests-export"),
    path("enterprise/service-requests/new/", enterprise_request_new, name="enterprise-service-request-new"),
    path("enterprise/service-requests/<int:pk>/", enterprise_request_detail,
         name="enterprise-service-request-detail"),
    path("agency/service-requests/", agency_request_list, name="agency-service-requests"),
    path("agency/service-requests/export.csv", agency_request_export, name="agency-service-requests-export"),
    path("agency/service-requests/<int:pk>/", agency_request_detail, name="agency-service-request-detail"),
    path("justice/service-requests/", justice_request_list, name="justice-service-requests"),
    path("justice/service-requests/export.csv", justice_request_export, name="justice-service-requests-export"),
    path("justice/service-requests/<int:pk>/", justice_request_detail, name="justice-service-request-detail"),
]
