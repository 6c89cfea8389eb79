"""What the apps above credit report about an enterprise's conduct (a serious finding from inspections, an
upheld complaint from complaints): credit cannot import them, so they call ``credit_event_record``. The log
is what the whitelist proposal reads for its 12 months; a serious finding also ends the enterprise's
whitelist entry, in the caller's transaction."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from yantai_inspect.errors import DomainError

from .models import CreditEvent, WhitelistEntry
from .whitelist import whitelist_end

SOURCE_REF_MAX_CHARS = CreditEvent._meta.get_field("source_ref").max_length


@transaction.atomic
def credit_event_record(*, actor, enterprise_id: int, kind: str, occurred_on: dt.date, source_ref: str) -> CreditEvent:
    """Log an event once per ``(kind, source_ref)`` (e.g. ``finding:123``): a repeated call returns the
    first. A serious finding ends the enterprise's open whitelist entry with the reference as its reason."""
    if kind not in CreditEvent.Kind.values:
        raise DomainError(_("Unknown credit event %(kind)s.") % {"kind": kind}, field="kind")
    if not source_ref or len(source_ref) > SOURCE_REF_MAX_CHARS:
        raise DomainError(_("A credit event needs its source reference."), field="source_ref")
    event, created = CreditEvent.objects.get_or_create(
        kind=kind, source_ref=source_ref, defaults={"enterprise_id": enterprise_id, "occurred_on": occurred_on}
    )
    if not created:
        return event
    audit_record(actor=actor, action="credit_event.record", obj=event,
                 details={"enterprise_id": enterprise_id, "kind": kind, "occurred_on": occurred_on,
                          "source_ref": source_ref})
    if kind == CreditEvent.Kind.SERIOUS_FINDING:
        whitelist_end(actor=actor, enterprise_ids=[enterprise_id], kind=WhitelistEntry.EndKind.SERIOUS_FINDING,
                      detail=source_ref)
    return event
