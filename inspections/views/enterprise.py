"""The enterprise portal after the visit is fixed: its licence QR code, the notice, the records it signs or
refuses, its findings and rectification evidence, and its own inspection history (结果云共享).

Thin views: forms parse, access functions find the object (another enterprise's object is a 404), the same
services as the API decide."""

import base64
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import enterprise_required
from enterprises.selectors import enterprise_of_user
from plans.access import joint_task_for_user
from plans.models import JointTask
from plans.selectors import joint_tasks_for_user, task_agencies, task_with_details, with_task_details
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count

from .. import qrtokens, selectors, services, uploads
from ..access import finding_for_user, record_for_user
from ..forms_enterprise import RectificationForm, RefuseForm, SignForm
from ..models import Finding, InspectionRecord, Signature

# -- shared with the justice bureau's reading of a record ---------------------------------------------------


def _attach(form, exc: DomainError, fields: dict | None = None) -> None:
    field = (fields or {}).get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))


def _signature_image(signature) -> str | None:
    """The drawn signature inlined as a data URI: it is private and small, and needs no URL of its own."""
    if not (signature and signature.image_path):
        return None
    try:
        data = uploads.private_file(signature.image_path).read_bytes()
    except (OSError, DomainError):
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def record_context(record: InspectionRecord) -> dict:
    """Everything a reader of the whole record sees: items with results, notes and photos, findings, the
    officers who checked in, the hash and the signature or refusal."""
    signature = Signature.objects.filter(record=record).select_related("signer").first()
    # With its done plans too: after finalising, the visit's plans are no longer "live".
    task = task_with_details(record.task_id)
    return {
        "record": record,
        "task": task,
        "agencies": task_agencies(task),
        "items": selectors.record_items(record),
        "check_ins": selectors.accepted_check_ins(task),
        "findings": record.findings.select_related("item__matter", "agency").order_by("id"),
        "signature": signature,
        "signature_image": _signature_image(signature),
        "verify_url": qrtokens.record_verify_path(record),
    }


# -- the licence QR code ------------------------------------------------------------------------------------


@enterprise_required
def enterprise_qr(request):
    enterprise = enterprise_of_user(user=request.user)
    context = {"enterprise": enterprise}
    if enterprise is not None:
        token = qrtokens.enterprise_token(enterprise.uscc)
        context.update(
            token=token,
            # The SVG is produced by the qrcode library from a signed token: no user text reaches it.
            qr_svg=mark_safe(qrtokens.qr_svg(token)),
            valid_until=timezone.localdate() + dt.timedelta(days=settings.QR_TOKEN_MAX_AGE_DAYS),
        )
    return render(request, "inspections/enterprise/qr.html", context)


# -- the notice of a fixed visit ----------------------------------------------------------------------------


@enterprise_required
def visit_notice_pdf(request, pk):
    task = joint_task_for_user(user=request.user, task_id=pk)
    if not task.has_notice:
        raise Http404
    from ..pdf import render_notice_pdf  # WeasyPrint is heavy: only this view pays for the import

    try:
        data = render_notice_pdf(task)
    except DomainError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inspection-notice-{task.pk}.pdf"'
    return response


# -- records: read, sign, refuse ----------------------------------------------------------------------------


def _records(request):
    """The enterprise's records as its list shows them: those to sign first, then newest visit first."""
    return (
        selectors.records_for_user(user=request.user)
        .annotate(
            to_sign=Case(
                When(status=InspectionRecord.Status.FINAL, then=Value(0)), default=1, output_field=IntegerField()
            )
        )
        .order_by("to_sign", "-task__visit_date", "-pk")
    )


@enterprise_required
def record_list(request):
    page = page_without_count(_records(request), request.GET.get("page"), 30)
    return render(request, "inspections/enterprise/record_list.html", {"page": page})


def _record_page(request, record, *, sign_form=None, refuse_form=None, status=200):
    context = record_context(record)
    if record.status == InspectionRecord.Status.FINAL:
        context.update(
            sign_form=sign_form or SignForm(),
            refuse_form=refuse_form or RefuseForm(),
            signer_name=request.user.full_name,
        )
    return render(request, "inspections/enterprise/record.html", context, status=status)


@enterprise_required
def record_export(request):
    def row(record):
        return [
            record.pk, record.task.visit_date.isoformat(), record.get_status_display(),
            record.task.lead_agency.name if record.task.lead_agency_id else "",
            timezone.localtime(record.finalised_at).strftime("%Y-%m-%d %H:%M") if record.finalised_at else "",
        ]

    header = [_("Record"), _("Visit date"), _("State"), _("Lead agency"), _("Finalised")]
    return csv_response("inspection-records.csv", [str(h) for h in header], rows_of(_records(request), row))


@enterprise_required
def record_detail(request, pk):
    return _record_page(request, record_for_user(user=request.user, record_id=pk))


@enterprise_required
@require_POST
def record_sign(request, pk):
    record = record_for_user(user=request.user, record_id=pk)
    form = SignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_sign(
                actor=request.user,
                record=record,
                method=data["method"],
                typed_name=data["typed_name"],
                confirmed=data["confirmed"],
                drawn_png=data["signature_data"] if data["method"] == Signature.Method.DRAWN else None,
            )
        except DomainError as exc:
            _attach(form, exc, {"signature": "signature_data", "photo": "signature_data"})
        else:
            messages.success(request, _("The record is signed. Its PDF is being prepared."))
            return redirect("enterprise-record", pk=record.pk)
    record.refresh_from_db()
    return _record_page(request, record, sign_form=form, status=400)


@enterprise_required
@require_POST
def record_refuse(request, pk):
    record = record_for_user(user=request.user, record_id=pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.record_refuse(actor=request.user, record=record, objection=form.cleaned_data["objection"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Your refusal and objection are recorded and sent to the justice bureau."))
            return redirect("enterprise-record", pk=record.pk)
    record.refresh_from_db()
    return _record_page(request, record, refuse_form=form, status=400)


# -- findings and rectification evidence --------------------------------------------------------------------

AWAITING_EVIDENCE = (Finding.Status.OPEN, Finding.Status.RETURNED)


def _findings(request):
    """The enterprise's problems as its page lists them: open ones first, by deadline."""
    enterprise = enterprise_of_user(user=request.user)
    return (
        selectors.findings_for_enterprise(enterprise=enterprise)
        .annotate(
            closed=Case(
                When(status__in=[Finding.Status.ACCEPTED], then=Value(1)), default=0, output_field=IntegerField()
            )
        )
        .order_by("closed", "deadline", "id")
        if enterprise
        else Finding.objects.none()
    )


def _findings_page(request, *, bound: tuple[int, RectificationForm] | None = None, status=200):
    findings = _findings(request)
    today = timezone.localdate()
    rows = []
    for finding in findings:
        form = None
        if finding.severity == Finding.Severity.MINOR and finding.status in AWAITING_EVIDENCE:
            form = bound[1] if bound and bound[0] == finding.pk else RectificationForm(auto_id=f"f{finding.pk}-%s")
        rows.append(
            {
                "finding": finding,
                "overdue": finding.status in AWAITING_EVIDENCE and finding.deadline < today,
                "form": form,
            }
        )
    return render(request, "inspections/enterprise/findings.html", {"rows": rows, "today": today}, status=status)


@enterprise_required
def finding_list(request):
    return _findings_page(request)


@enterprise_required
def finding_export(request):
    today = timezone.localdate()

    def row(f):
        overdue = f.status in AWAITING_EVIDENCE and f.deadline < today
        found = (f.record.task.visit_date.isoformat(), f.record_id) if f.record_id else (_("Remote check"), "")
        return [
            *found, f.matter.name, f.description,
            f.get_severity_display(), f.agency.name, f.deadline.isoformat(), f.get_status_display(),
            _("Overdue") if overdue else "",
        ]

    header = [_("Visit date"), _("Record"), _("Matter"), _("Problem"), _("Severity"), _("Responsible agency"),
              _("Rectify by"), _("State"), _("Overdue")]
    # Without the evidence the page prefetches: the CSV does not show it.
    findings = _findings(request).prefetch_related(None)
    return csv_response("problems-to-rectify.csv", [str(h) for h in header], rows_of(findings, row))


@enterprise_required
@require_POST
def finding_rectify(request, pk):
    finding = finding_for_user(user=request.user, finding_id=pk)
    form = RectificationForm(request.POST, request.FILES, auto_id=f"f{finding.pk}-%s")
    if form.is_valid():
        try:
            services.rectification_submit(
                actor=request.user, finding=finding, note=form.cleaned_data["note"], photos=form.cleaned_data["photos"]
            )
        except DomainError as exc:
            _attach(form, exc, {"photo": "photos"})
        else:
            messages.success(
                request, _("Evidence submitted. The responsible agency will accept it or say what is missing.")
            )
            return redirect("enterprise-findings")
    return _findings_page(request, bound=(finding.pk, form), status=400)


# -- 结果云共享: the enterprise's own inspection history -----------------------------------------------------


def _history(request):
    return (
        with_task_details(
            joint_tasks_for_user(user=request.user)
            # Past visits, and today's once done (the record finalised): history is what has happened.
            .filter(
                Q(visit_date__lt=timezone.localdate())
                | Q(visit_date=timezone.localdate(), status=JointTask.Status.DONE)
            )
            .exclude(status=JointTask.Status.CANCELLED)
            .select_related("record__signature")
        )
        .prefetch_related(
            Prefetch("record__findings", queryset=Finding.objects.select_related("item__matter", "agency"))
        )
        .order_by("-visit_date", "-id")
    )


@enterprise_required
def history(request):
    tasks = _history(request)
    page = page_without_count(tasks, request.GET.get("page"), 20)
    rows = []
    for task in page.object_list:
        try:
            record = task.record
        except InspectionRecord.DoesNotExist:
            record = None
        rows.append({"task": task, "agencies": task_agencies(task), "record": record})
    return render(request, "inspections/enterprise/history.html", {"page": page, "rows": rows})


@enterprise_required
def history_export(request):
    """The enterprise's history as CSV: a row per visit, its agencies, its record and its problems."""

    def row(task):
        try:
            record = task.record
        except InspectionRecord.DoesNotExist:
            record = None
        findings = list(record.findings.all()) if record else []
        return [
            task.visit_date.isoformat(), task.get_status_display(), "、".join(a.name for a in task_agencies(task)),
            record.get_status_display() if record else "", len(findings),
            "；".join(f"{f.item.matter.name}：{f.description}（{f.get_status_display()}）" for f in findings),
        ]

    header = [_("Visit date"), _("State"), _("Agencies"), _("Record"), _("Problems"), _("Details")]
    return csv_response("inspection-history.csv", [str(h) for h in header], rows_of(_history(request), row))


urlpatterns = [
    path("enterprise/qr/", enterprise_qr, name="enterprise-qr"),
    path("enterprise/visits/<int:pk>/notice.pdf", visit_notice_pdf, name="enterprise-visit-notice-pdf"),
    path("enterprise/records/", record_list, name="enterprise-records"),
    path("enterprise/records/export.csv", record_export, name="enterprise-records-export"),
    path("enterprise/records/<int:pk>/", record_detail, name="enterprise-record"),
    path("enterprise/records/<int:pk>/sign/", record_sign, name="enterprise-record-sign"),
    path("enterprise/records/<int:pk>/refuse/", record_refuse, name="enterprise-record-refuse"),
    path("enterprise/findings/", finding_list, name="enterprise-findings"),
    path("enterprise/findings/export.csv", finding_export, name="enterprise-findings-export"),
    path("enterprise/findings/<int:pk>/rectify/", finding_rectify, name="enterprise-finding-rectify"),
    path("enterprise/history/", history, name="enterprise-history"),
    path("enterprise/history/export.csv", history_export, name="enterprise-history-export"),
]
