"""A finding (a problem to rectify) is created here whatever found it: the officers on site, on a non-compliant
matter of the visit's record (``record.finding_add``), or the agency concluding a remote check on the
enterprise's documents (``remote.remote_check_conclude``). One rule for both: a description, a severity, a
deadline after today, the audit entry, and for a serious problem the credit event the whitelist reads. From
then on both are rectified by the same flow (``rectification``)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from credit.events import credit_event_record
from credit.models import CreditEvent
from yantai_inspect.errors import DomainError

from ..models import Finding


def finding_create(*, actor, agency, enterprise, matter, description: str, severity: str, deadline: dt.date,
                   record=None, item=None, remote_check=None) -> Finding:
    """Create a finding of ``agency`` on ``enterprise`` for ``matter``: on a record's ``item``, or on a
    ``remote_check``. Called inside the caller's transaction; refuses bad input before writing."""
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the problem."), field="description")
    if severity not in Finding.Severity.values:
        raise DomainError(_("Choose the severity."), field="severity")
    if deadline <= timezone.localdate():
        raise DomainError(_("The rectification deadline must be after today."), field="deadline")
    finding = Finding.objects.create(
        record=record, item=item, remote_check=remote_check, enterprise=enterprise, matter=matter, agency=agency,
        description=description, severity=severity, deadline=deadline,
    )
    details = {"severity": severity, "deadline": deadline, "matter": matter.code}
    if remote_check is not None:
        details["remote_check"] = remote_check.pk
    audit_record(actor=actor, action="finding.add", obj=finding, details=details)
    if severity == Finding.Severity.SERIOUS:
        # Logged for the whitelist (no proposal for 12 months), which it leaves in this transaction.
        credit_event_record(
            actor=actor,
            enterprise_id=enterprise.pk,
            kind=CreditEvent.Kind.SERIOUS_FINDING,
            occurred_on=timezone.localdate(),
            source_ref=f"finding:{finding.pk}",
        )
    return finding
