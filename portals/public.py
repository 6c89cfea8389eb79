"""The public pages (no login): the register of inspection bodies and their officers (检查主体公告,
执法人员公示), the check of an enforcement certificate by its number, and the published list of supervision
matters (清单之外无检查) with its open data (CSV, JSON). They show what the rules require to be public and
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


urlpatterns = [
    path("public/register/", register, name="public-register"),
    path("public/register/<slug:code>/", register_agency_officers, name="public-register-agency"),
    path("public/certificates/", certificate_check, name="public-certificate-check"),
    path("public/matters/", matters, name="public-matters"),
    path("public/matters.csv", matters_csv, name="public-matters-csv"),
    path("public/matters.json", matters_json, name="public-matters-json"),
]
