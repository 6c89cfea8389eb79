"""Objections to findings and the right to reply: the enterprise objects on its record page and replies to the
decision; the responsible agency (an officer who took no part in the visit) or the justice bureau decides on
the objection's page. Thin: forms parse, ``inspections.access`` decides who, the services decide the rest."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import agency_required, enterprise_required, justice_required
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count

from .. import selectors
from ..access import objection_for_user, record_for_user, require_objection_decider
from ..models import Objection
from ..services import objections as services


class ObjectionForm(forms.Form):
    finding = forms.ChoiceField(label=gettext_lazy("Finding objected to"))
    text = forms.CharField(label=gettext_lazy("Your objection and its grounds"), max_length=services.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = {str(f.pk): f for f in findings}
        self.fields["finding"].choices = [(pk, f"{f.item.matter.name}:{f.description[:60]}")
                                          for pk, f in self.findings.items()]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "uphold"), ("dismiss", "dismiss")])
    reason = forms.CharField(label=gettext_lazy("Reasons for the decision"), max_length=services.TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=gettext_lazy("Your reply to the decision"), max_length=services.TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


# -- the enterprise -----------------------------------------------------------------------------------------


@enterprise_required
@require_POST
def objection_file(request, pk):
    record = record_for_user(user=request.user, record_id=pk)
    form = ObjectionForm(request.POST, findings=services.objectionable_findings(record))
    if form.is_valid():
        try:
            services.objection_file(actor=request.user, finding=form.findings[form.cleaned_data["finding"]],
                                    text=form.cleaned_data["text"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Your objection is recorded; the responsible agency or the justice bureau "
                                        "will decide on it."))
            return redirect(f"/enterprise/records/{record.pk}/#objections")
    messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"/enterprise/records/{record.pk}/#objections")


@enterprise_required
@require_POST
def objection_reply(request, pk):
    objection = objection_for_user(user=request.user, objection_id=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.objection_reply(actor=request.user, objection=objection, reply=form.cleaned_data["reply"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Your reply is kept with the record."))
            return redirect(f"/enterprise/records/{objection.record_id}/#objections")
    messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"/enterprise/records/{objection.record_id}/#objections")


# -- the deciders -------------------------------------------------------------------------------------------


def _queue(request):
    qs = selectors.objections_for_user(user=request.user)
    if request.GET.get("pending") == "1":
        qs = qs.filter(status=Objection.Status.PENDING)
    return qs


def _list(request, view_as):
    page = page_without_count(_queue(request), request.GET.get("page"), 30)
    return render(request, "inspections/objections/list.html", {"page": page, "view_as": view_as})


def _export(request):
    def row(o):
        return [o.pk, o.filed_at.strftime("%Y-%m-%d"), o.record.task.enterprise.name, o.record_id,
                o.finding.item.matter.name, o.finding.description, o.agency.name, o.get_status_display(),
                o.decided_for.name if o.decided_for_id else "", o.decision, o.reply]

    header = ["#", _("Filed on"), _("Enterprise"), _("Record"), _("Matter"), _("Problem"), _("Responsible agency"),
              _("Status"), _("Decided for"), _("Decision"), _("The enterprise's reply")]
    return csv_response("objections.csv", [str(h) for h in header], rows_of(_queue(request), row))


def _detail(request, pk, view_as):
    objection = objection_for_user(user=request.user, objection_id=pk)
    refusal = None
    if not objection.is_decided:
        try:
            require_objection_decider(request.user, objection)
        except PermissionDenied as exc:
            refusal = str(exc)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        if form.is_valid():
            try:
                services.objection_decide(actor=request.user, objection=objection,
                                          upheld=form.cleaned_data["decision"] == "uphold",
                                          decision=form.cleaned_data["reason"])
            except DomainError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Decision recorded; the enterprise is told and may reply."))
                return redirect(f"/{'justice' if view_as == 'justice' else 'agency'}/objections/{pk}/")
    return render(request, "inspections/objections/detail.html", {
        "o": objection, "view_as": view_as, "form": form, "refusal": refusal,
        "record_url": f"/{'justice' if view_as == 'justice' else 'agency'}/records/{objection.record_id}/",
    }, status=400 if form.errors else 200)


@agency_required
def agency_objection_list(request):
    return _list(request, "agency")


@agency_required
def agency_objection_export(request):
    return _export(request)


@agency_required
def agency_objection_detail(request, pk):
    return _detail(request, pk, "agency")


@justice_required
def justice_objection_list(request):
    return _list(request, "justice")


@justice_required
def justice_objection_export(request):
    return _export(request)


@justice_required
def justice_objection_detail(request, pk):
    return _detail(request, pk, "justice")


urlpatterns = [
    path("enterprise/records/<int:pk>/objections/", objection_file, name="enterprise-objection-file"),
    path("enterprise/objections/<int:pk>/reply/", objection_reply, name="enterprise-objection-reply"),
    path("agency/objections/", agency_objection_list, name="agency-objections"),
    path("agency/objections/export.csv", agency_objection_export, name="agency-objections-export"),
    path("agency/objections/<int:pk>/", agency_objection_detail, name="agency-objection-detail"),
    path("justice/objections/", justice_objection_list, name="justice-objections"),
    path("justice/objections/export.csv", justice_objection_export, name="justice-objections-export"),
    path("justice/objections/<int:pk>/", justice_objection_detail, name="justice-objection-detail"),
]
