"""The public pages (no login): the register of inspection bodies and their officers (检查主体公告,
执法人员公示), the check of an enforcement certificate by its number, the published list of supervision
matters (清单之外无检查), the agencies' yearly inspection plans (年度检查计划) and the approved special
inspections (专项检查), each with its open data (CSV, JSON). They show what the rules require to be public and
nothing more; lists are paged without a total, in a fixed number of queries."""

import csv
import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from accounts.models import Department
from accounts.selectors import (
    certificate_lookup,
    certificate_status,
    register_agencies,
    register_agency,
    register_officers,
)
from accounts.services import JUSTICE_DEPARTMENT_CODE
from catalogue.selectors import matters_published
from plans import special, yearly
from yantai_inspect.csv_export import csv_response
from yantai_inspect.inputs import query_int
from yantai_inspect.pagination import page_without_count

PER_PAGE = 50
NUMBER_MAX_CHARS = 40


def _public(response):
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def register(request):
    page = page_without_count(register_agencies(), request.GET.get("page"), PER_PAGE)
    return _public(render(request, "portals/public/register.html", {"page": page}))


@require_GET
def register_agency_officers(request, code):
    agency = register_agency(code)
    if agency is None:
        raise Http404
    today = timezone.localdate()
    page = page_without_count(register_officers(agency=agency), request.GET.get("page"), PER_PAGE)
    rows = [{"officer": o, "valid": o.is_certified_on(today)} for o in page]
    return _public(render(request, "portals/public/register_agency.html",
                          {"agency": agency, "page": page, "rows": rows, "today": today}))


@require_GET
def certificate_check(request):
    number = (request.GET.get("number") or "").strip()[:NUMBER_MAX_CHARS]
    status = certificate_status(certificate_lookup(number), today=timezone.localdate()) if number else None
    response = render(request, "portals/public/certificate_check.html", {"number": number, "status": status})
    response["Cache-Control"] = "no-store"
    return _public(response)


@require_GET
def matters(request):
    today = timezone.localdate()
    departments = list(Department.objects.exclude(code=JUSTICE_DEPARTMENT_CODE).order_by("code"))
    chosen = next((d for d in departments if d.code == request.GET.get("department")), None)
    published = matters_published(today=today, department_code=chosen.code if chosen else None)
    page = page_without_count(published, request.GET.get("page"), PER_PAGE)
    return _public(render(request, "portals/public/matters.html",
                          {"page": page, "today": today, "departments": departments, "chosen": chosen}))


OPEN_DATA_FIELDS = ["code", "name", "department", "department_name", "version", "effective_from", "effective_until",
                    "in_force_today", "themes", "standard", "legal_basis"]


def _open_data_rows():
    today = timezone.localdate()
    for m in matters_published(today=today).iterator(chunk_size=500):
        yield {
            "code": m.code, "name": m.name, "department": m.department.code, "department_name": m.department.name,
            "version": m.version, "effective_from": m.effective_from.isoformat(),
            "effective_until": m.effective_until.isoformat() if m.effective_until else "",
            "in_force_today": m.in_force_on(today), "themes": [t.code for t in m.themes.all()],
            "standard": m.standard, "legal_basis": m.legal_basis,
        }


@require_GET
@cache_control(public=True, max_age=300)
def matters_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="matters.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese text only with the BOM
    writer = csv.DictWriter(response, fieldnames=OPEN_DATA_FIELDS)
    writer.writeheader()
    for row in _open_data_rows():
        writer.writerow({**row, "themes": " ".join(row["themes"]), "in_force_today": int(row["in_force_today"])})
    return response


@require_GET
@cache_control(public=True, max_age=300)
def matters_json(request):
    body = {"generated_on": timezone.localdate().isoformat(), "matters": list(_open_data_rows())}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")


# -- yearly inspection plans (年度检查计划) and special inspections (专项检查) ------------------------------------


def _year(request) -> int:
    return query_int(request.GET, "year", default=timezone.localdate().year, minimum=2000, maximum=2199)


@require_GET
def yearly_plans(request):
    year = _year(request)
    page = page_without_count(yearly.published_plans(year=year), request.GET.get("page"), PER_PAGE)
    return _public(render(request, "portals/public/yearly_plans.html",
                          {"page": page, "year": year, "publish_by": yearly.publish_by(year)}))


@require_GET
def yearly_plan(request, pk):
    plan = yearly.published_plan(pk)
    lines = [(line, special.population_text(line)) for line in plan.lines.all()]
    return _public(render(request, "plans/yearly_detail.html", {
        "plan": plan, "lines": lines, "view_as": "public", "publish_by": yearly.publish_by(plan.year),
        "total": sum(line.visits for line, _p in lines),
    }))


YEARLY_FIELDS = ["year", "agency", "agency_name", "plan", "published_on", "published_late", "matter", "matter_name",
                 "matter_version", "division", "industry", "theme", "population", "visits", "deadline"]


def _yearly_rows(year: int):
    for line in yearly.published_lines(year=year).iterator(chunk_size=500):
        plan = line.plan
        yield {
            "year": plan.year, "agency": plan.agency.code, "agency_name": plan.agency.name, "plan": plan.title,
            "published_on": plan.published_on.isoformat(), "published_late": plan.late, "matter": line.matter.code,
            "matter_name": line.matter.name, "matter_version": line.matter.version, "division": line.division,
            "industry": line.industry, "theme": line.population_theme.code if line.population_theme_id else "",
            "population": special.population_text(line), "visits": line.visits, "deadline": line.deadline.isoformat(),
        }


@require_GET
@cache_control(public=True, max_age=300)
def yearly_plans_csv(request):
    year = _year(request)
    rows = ([r[f] if f != "published_late" else int(r[f]) for f in YEARLY_FIELDS] for r in _yearly_rows(year))
    return csv_response(f"yearly-plans-{year}.csv", YEARLY_FIELDS, rows)


@require_GET
@cache_control(public=True, max_age=300)
def yearly_plans_json(request):
    year = _year(request)
    body = {"year": year, "publish_by": yearly.publish_by(year).isoformat(), "lines": list(_yearly_rows(year))}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")


@require_GET
def special_list(request):
    page = page_without_count(special.published_campaigns(), request.GET.get("page"), PER_PAGE)
    return _public(render(request, "plans/special_list.html", {"page": page, "view_as": "public"}))


@require_GET
def special_detail(request, code):
    campaign = special.published_campaign(code)
    return _public(render(request, "plans/special_detail.html", {
        "campaign": campaign, "view_as": "public", "matters": list(campaign.matters.order_by("code")),
        "population": special.population_text(campaign),
    }))


SPECIAL_FIELDS = ["code", "name", "year", "agency", "agency_name", "approved_by", "approved_on", "opinion", "basis",
                  "window_start", "window_end", "population", "matters"]


def _special_rows():
    campaigns = special.published_campaigns().prefetch_related("matters")
    for c in campaigns.iterator(chunk_size=500):
        yield {
            "code": c.code, "name": c.name, "year": c.year, "agency": c.agency.code, "agency_name": c.agency.name,
            "approved_by": c.approver.name, "approved_on": timezone.localtime(c.decided_at).date().isoformat(),
            "opinion": c.opinion, "basis": c.basis, "window_start": c.window_start.isoformat(),
            "window_end": c.window_end.isoformat(), "population": special.population_text(c),
            "matters": sorted(m.code for m in c.matters.all()),
        }


@require_GET
@cache_control(public=True, max_age=300)
def special_csv(request):
    rows = ([" ".join(r[f]) if f == "matters" else r[f] for f in SPECIAL_FIELDS] for r in _special_rows())
    return csv_response("special-inspections.csv", SPECIAL_FIELDS, rows)


@require_GET
@cache_control(public=True, max_age=300)
def special_json(request):
    body = {"generated_on": timezone.localdate().isoformat(), "campaigns": list(_special_rows())}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")


urlpatterns = [
    path("public/register/", register, name="public-register"),
    path("public/register/<slug:code>/", register_agency_officers, name="public-register-agency"),
    path("public/certificates/", certificate_check, name="public-certificate-check"),
    path("public/matters/", matters, name="public-matters"),
    path("public/matters.csv", matters_csv, name="public-matters-csv"),
    path("public/matters.json", matters_json, name="public-matters-json"),
    path("public/yearly-plans/", yearly_plans, name="public-yearly-plans"),
    path("public/yearly-plans/<int:pk>/", yearly_plan, name="public-yearly-plan"),
    path("public/yearly-plans.csv", yearly_plans_csv, name="public-yearly-plans-csv"),
    path("public/yearly-plans.json", yearly_plans_json, name="public-yearly-plans-json"),
    path("public/special-inspections/", special_list, name="public-special"),
    path("public/special-inspections.csv", special_csv, name="public-special-csv"),
    path("public/special-inspections.json", special_json, name="public-special-json"),
    path("public/special-inspections/<str:code>/", special_detail, name="public-special-detail"),
]
