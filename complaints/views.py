"""Portal pages of complaints: the enterprise files and follows its own, the justice bureau handles those routed
or escalated to it. Thin: forms parse, ``complaints.services`` decides."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import enterprise_required, justice_required
from accounts.models import Agency, User
from enterprises.access import require_enterprise
from inspections.access import record_for_user
from plans.access import joint_task_for_user
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.inputs import INT_MAX, query_int
from yantai_inspect.pagination import page_without_count

from . import selectors, services
from .models import Complaint


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What is the complaint about?"), choices=Complaint.Kind.choices)
    officer = forms.ChoiceField(label=gettext_lazy("Officer (if it is about one)"), required=False)
    inspection_code = forms.CharField(label=gettext_lazy("Inspection code or what you were shown"), required=False,
                                      max_length=200)
    text = forms.CharField(label=gettext_lazy("What happened"), max_length=services.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 5}))
    photo = forms.FileField(label=gettext_lazy("Photo (optional)"), required=False)

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "—")] + [
            (str(o.pk), f"{o}({o.certificate_number})") for o in officers
        ]


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("accept", "investigate", "uphold", "dismiss", "close",
                                                         "extend", "return")])
    note = forms.CharField(label=gettext_lazy("Note, outcome or reason"), required=False,
                           max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    workdays = forms.IntegerField(label=gettext_lazy("Extension (working days)"), required=False, min_value=1,
                                  max_value=99)
    to_bureau = forms.ModelChoiceField(label=gettext_lazy("Return to the justice bureau"), required=False,
                                       queryset=Agency.objects.filter(is_justice_bureau=True, active=True)
                                       .order_by("division", "code"))


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _officers_of(task):
    if task is None:
        return []
    return list(User.objects.filter(plans__joint_task=task).distinct().order_by("pk"))


@enterprise_required
def enterprise_complaint_list(request):
    enterprise = require_enterprise(request.user)
    page = page_without_count(selectors.complaints_for_enterprise(enterprise=enterprise), request.GET.get("page"), 30)
    return render(request, "complaints/list.html", {"page": page, "view_as": "enterprise"})


@enterprise_required
def enterprise_complaint_new(request):
    """The form, from the portal, a visit (?task=), a record (?record=) or the inspection-code page (?code=)."""
    source = Complaint.Source.PORTAL
    task = None
    record_id = query_int(request.GET, "record", minimum=1, maximum=INT_MAX)
    task_id = query_int(request.GET, "task", minimum=1, maximum=INT_MAX)
    if record_id:
        task, source = record_for_user(user=request.user, record_id=record_id).task, Complaint.Source.RECORD
    elif task_id:
        task, source = joint_task_for_user(user=request.user, task_id=task_id), Complaint.Source.VISIT
    code = (request.GET.get("code") or "")[:200]
    initial = {"inspection_code": code}
    if code:
        source, initial["kind"] = Complaint.Source.CODE, Complaint.Kind.NOT_REGISTERED
    officers = _officers_of(task)
    form = ComplaintForm(request.POST or None, request.FILES or None, officers=officers, initial=initial)
    if request.method == "POST" and form.is_valid():
        officer = next((o for o in officers if str(o.pk) == form.cleaned_data["officer"]), None)
        photo = form.cleaned_data.get("photo")
        try:
            complaint = services.complaint_file(
                actor=request.user, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"], task=task,
                officer=officer, inspection_code=form.cleaned_data["inspection_code"], source=source,
                photos=[photo] if photo else [],
            )
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Complaint sent to %(bureau)s and the 12345 hotline.")
                             % {"bureau": complaint.justice_bureau.name})
            return redirect("enterprise-complaint-detail", pk=complaint.pk)
    return render(request, "complaints/new.html", {"form": form, "task": task, "source": source})


@enterprise_required
def enterprise_complaint_detail(request, pk):
    complaint = selectors.complaint_for_user(user=request.user, complaint_id=pk)
    return render(request, "complaints/detail.html", {"c": complaint, "view_as": "enterprise",
                                                      "steps": complaint.steps.all()})


@justice_required
def justice_complaint_list(request):
    page = page_without_count(_bureau_complaints(request), request.GET.get("page"), 30)
    return render(request, "complaints/list.html", {"page": page, "view_as": "justice"})


def _bureau_complaints(request):
    """The bureau's complaints as its list shows them (``?overdue=1``: the overdue ones still open)."""
    qs = selectors.complaints_for_bureau(bureau=request.user.agency)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(overdue_since__isnull=False, status__in=Complaint.OPEN)
    return qs


def _complaints_csv(complaints, *, view_as: str):
    """The list's columns: the enterprise for the bureau's list, the bureau for the enterprise's."""

    def row(c):
        party = c.enterprise.name if view_as == "justice" else c.justice_bureau.name
        status = c.get_status_display() + (f" · {_('overdue')}" if c.overdue_since and c.is_open else "")
        return [c.pk, c.received_on.isoformat() if c.received_on else "", party, c.get_kind_display(), status,
                c.reply_due.isoformat() if c.reply_due else "", c.get_hotline_delivery_display()]

    party = _("Enterprise") if view_as == "justice" else _("Justice bureau")
    header = ["#", _("Received on"), party, _("Kind"), _("Status"), _("Reply due by"), _("12345 hotline")]
    return csv_response("complaints.csv", [str(h) for h in header], rows_of(complaints, row))


@enterprise_required
def enterprise_complaint_export(request):
    enterprise = require_enterprise(request.user)
    return _complaints_csv(selectors.complaints_for_enterprise(enterprise=enterprise), view_as="enterprise")


@justice_required
def justice_complaint_export(request):
    return _complaints_csv(_bureau_complaints(request), view_as="justice")


@justice_required
def justice_complaint_detail(request, pk):
    complaint = selectors.complaint_for_user(user=request.user, complaint_id=pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_act(actor=request.user, complaint=complaint, data=form.cleaned_data)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Recorded; the enterprise sees the step."))
            return redirect("justice-complaint-detail", pk=pk)
    return render(request, "complaints/detail.html", {
        "c": complaint, "view_as": "justice", "steps": complaint.steps.all(), "form": form,
        "return_due": services.return_due(complaint),
        "upheld": selectors.complaint_was_upheld(complaint),
    })


urlpatterns = [
    path("enterprise/complaints/", enterprise_complaint_list, name="enterprise-complaints"),
    path("enterprise/complaints/export.csv", enterprise_complaint_export, name="enterprise-complaints-export"),
    path("enterprise/complaints/new/", enterprise_complaint_new, name="enterprise-complaint-new"),
    path("enterprise/complaints/<int:pk>/", enterprise_complaint_detail, name="enterprise-complaint-detail"),
    path("justice/complaints/", justice_complaint_list, name="justice-complaints"),
    path("justice/complaints/export.csv", justice_complaint_export, name="justice-complaints-export"),
    path("justice/complaints/<int:pk>/", justice_complaint_detail, name="justice-complaint-detail"),
]
