"""The oversight dashboard's pages: the same page under each portal's prefix (an agency its own slice, a
justice bureau the divisions it supervises), its CSV and Excel exports, the drill-down to the plans and
complaints behind a number, the monthly PDF, and the public open data (aggregates only)."""

import datetime as dt
import json

from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from accounts.access import agency_required, justice_required
from inspections import uploads
from inspections.selectors import FINAL_STATUSES
from plans.campaigns import public_campaigns
from yantai_inspect.csv_export import csv_response
from yantai_inspect.errors import DomainError
from yantai_inspect.inputs import query_date, query_int
from yantai_inspect.replica import replica_reads

from .access import PUBLIC, reader_for
from .charts import bar_chart
from .exports import cell, csv_export, xlsx_response
from .figures import DIMENSION_LABELS, DIMENSIONS, FIGURE_OF
from .models import MonthlyReport
from .report import render_report_pdf
from .selectors import dashboard, default_period, drill_page, drill_rows, key_param, parse_key

DRILL_PAGE = 20


def period_of(params) -> tuple[dt.date, dt.date]:
    """The period of a request (``from``, ``to``; default the current year), ``from`` not after ``to``."""
    first, last = default_period()
    date_from = query_date(params, "from") or first
    date_to = query_date(params, "to") or last
    if date_from > date_to:
        raise DomainError(_("The start date is after the end date."), field="from")
    return date_from, date_to


def by_of(params, default: str | None = "month") -> str | None:
    by = params.get("by", default)
    if by in (None, "", "none"):
        return None
    if by not in DIMENSIONS:
        raise DomainError(_("One of: %(d)s") % {"d": ", ".join(DIMENSIONS)}, field="by")
    return by


def month_of(params) -> dt.date:
    raw = (params.get("month") or "").strip()
    if not raw:
        today = timezone.localdate()
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    try:
        month = dt.date.fromisoformat(raw + "-01")
    except ValueError:
        raise DomainError(_("Enter a month as YYYY-MM."), field="month") from None
    if not 1900 <= month.year <= 2199:
        raise DomainError(_("Enter a month as YYYY-MM."), field="month")
    return month


def _data(request, *, by=None, public=False):
    reader = PUBLIC if public else reader_for(request.user)
    date_from, date_to = period_of(request.GET)
    with replica_reads():
        return reader, dashboard(reader=reader, by=by, date_from=date_from, date_to=date_to, public=public)


def _portal(request) -> str:
    return "justice" if request.path.startswith("/justice/") else "agency"


def _dashboard(request):
    by = by_of(request.GET)
    reader, data = _data(request, by=by)
    portal = _portal(request)
    chart_key = request.GET.get("chart") if request.GET.get("chart") in FIGURE_OF else "plans"
    chart_figure = FIGURE_OF[chart_key]
    if chart_figure not in data["figures"]:
        chart_figure = FIGURE_OF["plans"]
    chart = None
    if by is not None and data["groups"]:
        compare = None
        if chart_figure.key == "plans":
            compare = {g["label"]: g["values"]["plans_last_year"] for g in data["groups"]}
        chart = bar_chart(
            title=str(chart_figure.label),
            rows=[(g["label"], g["values"][chart_figure.key]) for g in data["groups"]],
            unit=chart_figure.unit,
            compare=compare,
        )
    drill_url = reverse(f"{portal}-oversight-drill")
    query = {"from": data["date_from"].isoformat(), "to": data["date_to"].isoformat()}
    base = "&".join(f"{k}={v}" for k, v in query.items())
    return render(
        request,
        "oversight/dashboard.html",
        {
            "data": data,
            "portal": portal,
            "by": by,
            "dimensions": [(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
            "chart": chart,
            "chart_figure": chart_figure,
            "drill_url": drill_url,
            "base_query": base,
            "overall": [(f, data["overall"][f.key]) for f in data["figures"]],
            "rows": [
                (g, [(f, g["values"][f.key]) for f in data["figures"]]) for g in data["groups"]
            ],
            "reports": MonthlyReport.objects.all()[:12] if reader.city else [],
            "last_month": month_of({}),
        },
    )


def _export_csv(request):
    _reader, data = _data(request, by=by_of(request.GET))
    return csv_export(data, "oversight.csv")


def _export_xlsx(request):
    _reader, data = _data(request, by=by_of(request.GET))
    return xlsx_response(data, "oversight.xlsx")


def _drill(request):
    reader = reader_for(request.user)
    figure = request.GET.get("figure", "")
    if figure not in FIGURE_OF:
        raise DomainError(_("Choose a figure."), field="figure")
    by = by_of(request.GET, default=None)
    key = None
    if by is not None:
        try:
            key = parse_key(by, request.GET.get("key", ""))
        except ValueError:
            raise DomainError(_("Choose a group."), field="key") from None
    date_from, date_to = period_of(request.GET)
    spec = FIGURE_OF[figure]
    with replica_reads():
        qs = drill_rows(reader=reader, figure=figure, by=by, key=key, date_from=date_from, date_to=date_to)
        if qs is None:
            raise Http404
        offset = query_int(request.GET, "offset", default=0, minimum=0, maximum=100_000)
        rows, more = drill_page(qs, offset=offset, limit=DRILL_PAGE)
    portal = _portal(request)
    params = {k: v for k, v in request.GET.items() if k != "offset"}
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return render(
        request,
        "oversight/drill.html",
        {
            "figure": spec,
            "kind": spec.drill if spec.drill in ("complaints", "remote_checks", "opinions") else "plans",
            "rows": rows,
            "portal": portal,
            "group": key_param(by, key) if by else None,
            "by_label": DIMENSION_LABELS[by] if by else None,
            "date_from": date_from,
            "date_to": date_to,
            "next": f"?{query}&offset={offset + DRILL_PAGE}" if more else None,
            "previous": f"?{query}&offset={max(offset - DRILL_PAGE, 0)}" if offset else None,
            "plan_detail": f"{portal}-plan-detail",
            "task_detail": f"{portal}-task-detail",
            "remote_check_detail": f"{portal}-remote-check",
            "opinion_detail": f"{portal}-opinion-detail",
        },
    )


def _report_pdf(request):
    """The monthly report of the reader's own slice, rendered now (the stored ones are the city's)."""
    reader = reader_for(request.user)
    month = month_of(request.GET)
    title = f"{request.user.agency.name} · 涉企检查监督月报"
    with replica_reads():
        data = render_report_pdf(reader=reader, month=month, title=title)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="oversight-{month:%Y-%m}.pdf"'
    return response


def _stored_report(request, pk):
    reader = reader_for(request.user)
    if not reader.city:
        raise Http404
    report = MonthlyReport.objects.filter(pk=pk).first()
    if report is None:
        raise Http404
    try:
        handle = uploads.private_file(report.pdf_path).open("rb")
    except (OSError, DomainError):
        raise Http404 from None
    return FileResponse(handle, content_type="application/pdf", filename=f"oversight-{report.month:%Y-%m}.pdf")


agency_dashboard = agency_required(_dashboard)
justice_dashboard = justice_required(_dashboard)
agency_export_csv = agency_required(_export_csv)
justice_export_csv = justice_required(_export_csv)
agency_export_xlsx = agency_required(_export_xlsx)
justice_export_xlsx = justice_required(_export_xlsx)
agency_drill = agency_required(_drill)
justice_drill = justice_required(_drill)
agency_report_pdf = agency_required(_report_pdf)
justice_report_pdf = justice_required(_report_pdf)
justice_stored_report = justice_required(_stored_report)


# -- open data -----------------------------------------------------------------------------------------------

OPEN_DATA_DIMENSIONS = ("district", "month")
OPEN_DATA_CAMPAIGNS = 50


def open_data(*, date_from, date_to) -> dict:
    """The city's aggregate figures of the period (overall, by district, by month) and the random-check
    campaigns' results: counts only, no person and no enterprise named."""
    with replica_reads():
        tables = {
            by: dashboard(reader=PUBLIC, by=by, date_from=date_from, date_to=date_to, public=True)
            for by in OPEN_DATA_DIMENSIONS
        }
        tables[None] = tables[OPEN_DATA_DIMENSIONS[0]]  # a grouped dashboard carries the overall figures too
        # the results of the newest drawn campaigns only: their draws, not every draw of the city, are grouped
        newest = list(public_campaigns().filter(status="drawn").values_list("pk", flat=True)[:OPEN_DATA_CAMPAIGNS])
        campaigns = list(
            public_campaigns()
            .filter(pk__in=newest)
            .annotate(
                inspected=Count("draws", filter=Q(draws__plan__joint_task__record__status__in=FINAL_STATUSES)),
                found=Count(
                    "draws",
                    filter=Q(draws__plan__joint_task__record__findings__agency=F("agency")),
                    distinct=True,
                ),
            )
            .values(
                "code", "name", "agency__name", "window_start", "window_end", "population_size", "drawn_count",
                "inspected", "found",
            )
        )
    figures = tables[None]["figures"]

    def values(row):
        return {f.key: cell(row[f.key], f.unit) for f in figures}

    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "figures": [{"key": f.key, "label": str(f.label), "unit": f.unit} for f in figures],
        "overall": values(tables[None]["overall"]),
        **{
            f"by_{by}": [{"key": key_param(by, g["key"]), "label": g["label"], **values(g["values"])}
                         for g in tables[by]["groups"]]
            for by in OPEN_DATA_DIMENSIONS
        },
        "random_checks": [
            {
                "code": c["code"],
                "name": c["name"],
                "agency": c["agency__name"],
                "window_start": c["window_start"].isoformat(),
                "window_end": c["window_end"].isoformat(),
                "population": c["population_size"],
                "drawn": c["drawn_count"],
                "inspected": c["inspected"],
                "found_problem": c["found"],
            }
            for c in campaigns
        ],
    }


@require_GET
@cache_control(public=True, max_age=300)
def public_open_data(request):
    date_from, date_to = period_of(request.GET)
    return render(request, "oversight/open_data.html", {"data": open_data(date_from=date_from, date_to=date_to)})


@require_GET
@cache_control(public=True, max_age=300)
def public_open_data_json(request):
    date_from, date_to = period_of(request.GET)
    body = open_data(date_from=date_from, date_to=date_to)
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=300)
def public_open_data_csv(request):
    date_from, date_to = period_of(request.GET)
    data = open_data(date_from=date_from, date_to=date_to)
    keys = [f["key"] for f in data["figures"]]
    labels = [f["label"] + (" (%)" if f["unit"] == "percent" else "") for f in data["figures"]]
    header = [_("Dimension"), _("Group"), *labels]
    rows = [[_("Total"), f"{date_from} – {date_to}", *(data["overall"][k] for k in keys)]]
    for by in OPEN_DATA_DIMENSIONS:
        for g in data[f"by_{by}"]:
            rows.append([str(DIMENSION_LABELS[by]), g["label"], *(g[k] for k in keys)])
    return csv_response("open-data.csv", header, rows)
