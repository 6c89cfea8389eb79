"""The audit trail page and its CSV: composed here because it filters by agency and finds enterprises by
name, which the audit app (the ground layer) cannot know about."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from audit.describe import action_choices, actor_label, detail_lines, names_for, sentence
from audit.scope import audit_scope_for
from audit.selectors import audit_entries_for_user
from enterprises.selectors import enterprise_ids_matching
from yantai_inspect.csv_export import CHUNK, csv_response
from yantai_inspect.inputs import INT_MAX, query_int
from yantai_inspect.pagination import page_without_count
from yantai_inspect.widgets import DateInput


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User name"), max_length=150, required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.order_by("code"), required=False)
    enterprise = forms.CharField(
        label=_("Enterprise"), max_length=100, required=False, help_text=_("Name or credit code")
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *action_choices()]
        # the agencies of the reader's scope only (audit.scope): a district bureau is not shown the others
        scope = audit_scope_for(user) if user is not None else None
        if scope is not None and not scope.everything:
            self.fields["agency"].queryset = Agency.objects.filter(
                Q(pk__in=scope.agency_ids) | Q(division__in=scope.divisions)
            ).order_by("code")


def _filtered(request):
    form = AuditFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    enterprise_ids = None
    if data.get("enterprise"):
        enterprise_ids = enterprise_ids_matching(user=request.user, query=data["enterprise"])
    elif (enterprise_id := query_int(request.GET, "enterprise_id", minimum=1, maximum=INT_MAX)) is not None:
        enterprise_ids = [enterprise_id]
    qs = audit_entries_for_user(
        user=request.user,
        object_type=request.GET.get("type") or None,
        actor_username=data.get("actor", ""),
        agency_id=data["agency"].pk if data.get("agency") else None,
        enterprise_ids=enterprise_ids,
        action=data.get("action", ""),
        since=data.get("since"),
        until=data.get("until"),
    )
    return form, qs


@login_required
def audit_list(request):
    form, qs = _filtered(request)
    page = page_without_count(qs, request.GET.get("page"), 50)
    names = names_for(page.object_list)
    entries = [{"entry": e, "sentence": sentence(e), "lines": detail_lines(e, names)} for e in page.object_list]
    return render(request, "audit/audit_list.html", {"form": form, "page": page, "entries": entries})


@login_required
def audit_export(request):
    _form, qs = _filtered(request)

    def row(entry, names):
        lines = "；".join(f"{line.label}：{line.value}" for line in detail_lines(entry, names))
        return [f"{localtime(entry.created_at):%Y-%m-%d %H:%M:%S}", actor_label(entry), sentence(entry), lines]

    def rows():
        # A chunk at a time, so that the codes in the details are named with a query per chunk, not per row.
        chunk = []
        for entry in qs.iterator(chunk_size=CHUNK):
            chunk.append(entry)
            if len(chunk) == CHUNK:
                names = names_for(chunk)
                yield from (row(e, names) for e in chunk)
                chunk = []
        names = names_for(chunk)
        yield from (row(e, names) for e in chunk)

    header = [_("Time"), _("Actor"), _("What happened"), _("Details")]
    return csv_response("audit.csv", [str(h) for h in header], rows())
