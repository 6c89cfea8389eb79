"""The objections of a record and the enterprise's replies, shown with the record on its pages (enterprise,
agency, justice bureau): the page has already checked that its user may see the record. The enterprise's page
also carries the forms to object (within the window) and to reply."""

from django import template
from django.utils import timezone

from accounts.access import ENTERPRISE, JUSTICE, portal_of
from inspections.selectors import objections_of_record
from inspections.services.objections import objection_window_closes, objectionable_findings

register = template.Library()


@register.inclusion_tag("inspections/objections/_record_objections.html", takes_context=True)
def record_objections(context, record):
    from inspections.views.objections import ObjectionForm, ReplyForm

    user = context["request"].user
    portal = portal_of(user)
    closes = objection_window_closes(record)
    context_out = {
        "record": record,
        "objections": list(objections_of_record(record)),
        "closes": closes,
        "open": closes is not None and timezone.localdate() <= closes,
        "portal": portal,
        "detail_prefix": "/justice/objections/" if portal == JUSTICE else "/agency/objections/",
        "csrf_token": context.get("csrf_token"),
    }
    if portal == ENTERPRISE:
        findings = list(objectionable_findings(record))
        context_out["object_form"] = ObjectionForm(findings=findings, auto_id="objection-%s") if findings else None
        context_out["reply_form"] = ReplyForm(auto_id=False)
    return context_out
