"""The agency portal's pages of the visit: QR check-in on site, the paperless checklist filled on a phone,
finalising, and the rectification queue. Thin: forms parse, the same services as the API decide, access
functions fetch (another agency gets 404)."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import agency_required
from enterprises.name_search import clean_query
from enterprises.selectors import enterprise_ids_matching
from plans.access import joint_task_for_user
from plans.listing import add_links
from plans.models import JointTask
from plans.selectors import task_officers, task_with_details
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count

from .. import selectors, services
from ..access import (
    finding_for_user,
    record_for_user,
    record_item_for_user,
    rectification_for_agency,
    task_for_check_in,
)
from ..forms import CheckInForm, FinaliseForm, FindingForm, PhotoForm, RecheckForm, RecordItemForm, ReturnForm
from ..models import CheckIn, Finding, InspectionRecord, RecordItem, Rectification, Signature


def _form_errors(request, form) -> None:
    """These forms post and redirect back to the page they sit on, so their errors travel as messages."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.error(request, f"{label}:{error}" if label else error)


def _back_to_item(item: RecordItem):
    return redirect(f"{reverse('agency-record', args=[item.record_id])}#item-{item.pk}")


# -- on site: check-in ------------------------------------------------------------------------------------


@agency_required
def task_site(request, pk):
    task = task_for_check_in(user=request.user, task_id=pk)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                services.check_in(actor=request.user, task=task, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Checked in."))
        else:
            _form_errors(request, form)
        return redirect("agency-task-site", pk=task.pk)
    task = task_with_details(task.pk)
    check_ins = {c.officer_id: c for c in selectors.accepted_check_ins(task)}
    officers = task_officers(task)
    return render(
        request,
        "inspections/agency/task_site.html",
        {
            "task": task,
            "form": CheckInForm(),
            "officers": [(officer, check_ins.get(officer.pk)) for officer in officers],
            "checked_in": check_ins.get(request.user.pk),
            "on_task": any(officer.pk == request.user.pk for officer in officers),
            "open_for_check_in": task.is_open_for_check_in,
            "is_visit_day": task.visit_date == timezone.localdate(),
            "record": InspectionRecord.objects.filter(task=task).first(),
            "min_officers": JointTask.MIN_CERTIFIED_OFFICERS,
        },
    )


@agency_required
def task_notice_pdf(request, pk):
    # Imported here: the PDF renderer loads a heavy HTML-to-PDF stack that no other page needs.
    from ..pdf import render_notice_pdf

    task = joint_task_for_user(user=request.user, task_id=pk)
    try:
        data = render_notice_pdf(task)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("agency-task-detail", pk=task.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inspection-notice-{task.pk}.pdf"'
    return response


# -- the record ---------------------------------------------------------------------------------------------


RECORD_PAGE_SIZE = 20


def _records_listed(request):
    """The agency's records for the CSV export, newest first, optionally of the enterprises matching ``q``."""
    records = selectors.records_for_user(user=request.user)
    query = clean_query(request.GET.get("q", ""))
    if query:
        records = records.filter(task__enterprise_id__in=enterprise_ids_matching(user=request.user, query=query))
    return records.annotate(findings_count=Count("findings", distinct=True)).order_by("-started_at", "-id"), query


@agency_required
def record_list(request):
    """The agency's records, newest visit first, as rows (``selectors.records_newest_first``) with their
    findings counted for the page's rows only."""
    records = selectors.records_newest_first(user=request.user)
    query = clean_query(request.GET.get("q", ""))
    if query:  # the enterprises matching ``q`` (enterprise_ids_matching), the list's order kept
        records = records.filter(enterprise_id__in=enterprise_ids_matching(user=request.user, query=query))
    page = page_without_count(records, request.GET.get("page"), RECORD_PAGE_SIZE)
    counts = selectors.findings_counts(row["record_id"] for row in page.object_list)
    for row in add_links(page.object_list, id_key="record_id", detail_url="agency-record"):
        row["findings_count"] = counts.get(row["record_id"], 0)
        row["status_label"] = InspectionRecord.Status(row["record_status"]).label
    return render(request, "inspections/agency/record_list.html", {"page": page, "q": query})


@agency_required
def record_export(request):
    records, _query = _records_listed(request)

    def row(record):
        task = record.task
        return [task.visit_date.isoformat(), task.enterprise.name, task.enterprise.uscc,
                task.lead_agency.name if task.lead_agency_id else "", record.findings_count,
                record.get_status_display()]

    header = [_("Visit date"), _("Enterprise"), _("Credit code"), _("Lead agency"), _("Problems"), _("Status")]
    return csv_response("records.csv", [str(h) for h in header], rows_of(records, row))


@agency_required
def record_detail(request, pk):
    record = record_for_user(user=request.user, record_id=pk)
    checked_in = CheckIn.objects.filter(task=record.task_id, officer=request.user, accepted=True).exists()
    can_edit = not record.is_locked and checked_in
    rows = []
    for item in selectors.record_items(record):
        auto_id = f"id_item{item.pk}_%s"
        rows.append(
            {
                "item": item,
                "form": RecordItemForm(initial={"result": item.result, "note": item.note}, auto_id=auto_id),
                "photo_form": PhotoForm(auto_id=auto_id),
                "finding_form": FindingForm(auto_id=auto_id),
            }
        )
    return render(
        request,
        "inspections/agency/record_detail.html",
        {
            "record": record,
            "task": record.task,
            "rows": rows,
            "can_edit": can_edit,
            "checked_in": checked_in,
            "check_ins": selectors.accepted_check_ins(record.task),
            "done": sum(1 for row in rows if row["item"].result),
            "unchecked": sum(1 for row in rows if not row["item"].result),
            "finalise_form": FinaliseForm(initial={"summary": record.summary}),
            "signature": Signature.objects.filter(record=record).select_related("signer").first(),
            "upload_limit_mb": services.upload_limit_mb(),
        },
    )


def _item_action(request, pk, form, action, done_message):
    """The checklist item POSTs: parse the form, call the service, say what happened, back to the item."""
    item = record_item_for_user(user=request.user, item_id=pk)
    if form.is_valid():
        try:
            action(item, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done_message % {"matter": item.matter.name})
    else:
        _form_errors(request, form)
    return _back_to_item(item)


@agency_required
@require_POST
def record_item_set(request, pk):
    return _item_action(
        request,
        pk,
        RecordItemForm(request.POST),
        lambda item, data: services.record_item_set(actor=request.user, item=item, **data),
        _("Saved: %(matter)s"),
    )


@agency_required
@require_POST
def record_photo_add(request, pk):
    return _item_action(
        request,
        pk,
        PhotoForm(request.POST, request.FILES),
        lambda item, data: services.photo_add(actor=request.user, item=item, upload=data["photo"]),
        _("Photo added: %(matter)s"),
    )


@agency_required
@require_POST
def record_finding_add(request, pk):
    return _item_action(
        request,
        pk,
        FindingForm(request.POST),
        lambda item, data: services.finding_add(actor=request.user, item=item, **data),
        _("Problem recorded: %(matter)s"),
    )


@agency_required
@require_POST
def record_finalise(request, pk):
    record = record_for_user(user=request.user, record_id=pk)
    form = FinaliseForm(request.POST)
    if form.is_valid():
        try:
            services.record_finalise(actor=request.user, record=record, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(f"{reverse('agency-record', args=[record.pk])}#finalise")
        messages.success(request, _("Record finalised. The enterprise is asked to sign it."))
    else:
        _form_errors(request, form)
    return redirect("agency-record", pk=record.pk)


# -- rectification ----------------------------------------------------------------------------------------

RECENTLY_CLOSED = 20


@agency_required
def rectification_queue(request):
    rectifications = Prefetch(
        "rectifications", queryset=Rectification.objects.prefetch_related("photos").order_by("-submitted_at")
    )
    findings = selectors.findings_for_agency(user=request.user).prefetch_related(rectifications)
    live = list(findings.exclude(status=Finding.Status.ACCEPTED).order_by("deadline", "id"))
    closed = list(findings.filter(status=Finding.Status.ACCEPTED).order_by("-closed_at", "-id")[:RECENTLY_CLOSED])
    status = Finding.Status
    groups = [
        ("submitted", _("Evidence to review"), [f for f in live if f.status == status.SUBMITTED]),
        ("open", _("Awaiting rectification"), [f for f in live if f.status in (status.OPEN, status.RETURNED)]),
        ("recheck", _("Re-check visit scheduled"), [f for f in live if f.status == status.RECHECK]),
        ("accepted", _("Recently accepted"), closed),
    ]
    return render(
        request,
        "inspections/agency/rectifications.html",
        {
            "groups": groups,
            "today": timezone.localdate(),
            "return_form": ReturnForm(),
            "recheck_form": RecheckForm(),
        },
    )


@agency_required
def rectification_export(request):
    """Every finding the agency is responsible for, by deadline: the queue's rows and the closed ones."""
    qs = selectors.findings_for_agency(user=request.user).order_by("deadline", "id")

    def row(f):
        found = f.record.task.visit_date.isoformat() if f.record_id else _("Remote check")
        return [f.enterprise.name, f.enterprise.uscc, found, f.matter.name,
                f.description, f.get_severity_display(), f.deadline.isoformat(), f.get_status_display()]

    header = [_("Enterprise"), _("Credit code"), _("Visit date"), _("Matter"), _("Problem"), _("Severity"),
              _("Rectify by"), _("Status")]
    return csv_response("rectifications.csv", [str(h) for h in header], rows_of(qs, row))


def _back_to_finding(finding_id: int):
    return redirect(f"{reverse('agency-rectifications')}#finding-{finding_id}")


@agency_required
@require_POST
def rectification_accept(request, pk):
    rectification = rectification_for_agency(user=request.user, rectification_id=pk)
    try:
        services.rectification_accept(actor=request.user, rectification=rectification)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rectification accepted; the finding is closed."))
    return _back_to_finding(rectification.finding_id)


@agency_required
@require_POST
def rectification_return(request, pk):
    rectification = rectification_for_agency(user=request.user, rectification_id=pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_return(
                actor=request.user, rectification=rectification, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Evidence returned to the enterprise with your reason."))
    else:
        _form_errors(request, form)
    return _back_to_finding(rectification.finding_id)


@agency_required
@require_POST
def finding_recheck(request, pk):
    finding = finding_for_user(user=request.user, finding_id=pk)
    form = RecheckForm(request.POST)
    if form.is_valid():
        try:
            plan = services.finding_schedule_recheck(actor=request.user, finding=finding, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Re-check plan filed."))
            return redirect("agency-plan-detail", pk=plan.pk)
    else:
        _form_errors(request, form)
    return _back_to_finding(finding.pk)


urlpatterns = [
    path("agency/tasks/<int:pk>/site/", task_site, name="agency-task-site"),
    path("agency/tasks/<int:pk>/notice.pdf", task_notice_pdf, name="agency-task-notice-pdf"),
    path("agency/records/", record_list, name="agency-records"),
    path("agency/records/export.csv", record_export, name="agency-records-export"),
    path("agency/records/<int:pk>/", record_detail, name="agency-record"),
    path("agency/records/<int:pk>/finalise/", record_finalise, name="agency-record-finalise"),
    path("agency/records/items/<int:pk>/", record_item_set, name="agency-record-item"),
    path("agency/records/items/<int:pk>/photo/", record_photo_add, name="agency-record-photo"),
    path("agency/records/items/<int:pk>/finding/", record_finding_add, name="agency-record-finding"),
    path("agency/rectifications/", rectification_queue, name="agency-rectifications"),
    path("agency/rectifications/export.csv", rectification_export, name="agency-rectifications-export"),
    path("agency/rectifications/<int:pk>/accept/", rectification_accept, name="agency-rectification-accept"),
    path("agency/rectifications/<int:pk>/return/", rectification_return, name="agency-rectification-return"),
    path("agency/findings/<int:pk>/recheck/", finding_recheck, name="agency-finding-recheck"),
]
