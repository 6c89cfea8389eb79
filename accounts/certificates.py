"""执法证: who may inspect on a given day, and the warning a month before a certificate expires.

The rule itself is ``User.is_certified_on(day)`` / ``certified_officers_q(on=day)``; this module turns it
into the refusal every writer raises (naming an officer on a plan, checking in, drawing inspectors) and
sends the expiry warnings through the platform's one expiry machinery (``notifications.expiry``, the same
as the licences'). Taking officers off the visits once their certificate has expired is the visits' owner's
daily job (``plans.certificates``)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.expiry import expiring_unwarned, expiry_warnings_send
from notifications.models import Notification
from yantai_inspect.errors import DomainError

from .models import User

WARNING_BATCH_SIZE = 1000


def officer_certified_check(officer: User, days, *, field: str = "officers") -> None:
    """Refuse ``officer`` unless certified (``User.is_certified_on``) on each of ``days``: the visit day, or
    both ends of a plan's window (a certificate's validity is one interval, so both ends mean every day)."""
    for day in days:
        if officer.is_certified_on(day):
            continue
        if not officer.certificate_number or officer.certificate_valid_until is None:
            message = _("%(name)s holds no enforcement certificate and cannot inspect.") % {"name": officer}
        elif officer.certificate_valid_from and day < officer.certificate_valid_from:
            message = _("%(name)s's enforcement certificate is valid only from %(date)s, after %(day)s.") % {
                "name": officer, "date": officer.certificate_valid_from.isoformat(), "day": day.isoformat()}
        else:
            message = _("%(name)s's enforcement certificate expires on %(date)s, before %(day)s: they cannot "
                        "inspect that day.") % {
                "name": officer, "date": officer.certificate_valid_until.isoformat(), "day": day.isoformat()}
        raise DomainError(message, field=field)


def certificate_expiry_warnings_send(*, today: dt.date | None = None, batch_size: int = WARNING_BATCH_SIZE) -> int:
    """Warn the officer's agency (and the officer's inbox is the agency's) once, ``CERTIFICATE_WARNING_DAYS``
    (a month) before an enforcement certificate expires, so that it is renewed or other officers are named.
    Claimed by ``certificate_expiry_warned_for`` like the licences' ``expiry_warned_for``."""
    today = today or timezone.localdate()
    officers = User.objects.filter(role=User.Role.OFFICER, is_active=True, agency__isnull=False).exclude(
        certificate_number="")
    due = expiring_unwarned(officers, expiry_field="certificate_valid_until",
                            warned_field="certificate_expiry_warned_for", today=today,
                            days=settings.CERTIFICATE_WARNING_DAYS)
    return expiry_warnings_send(due=due, expiry_field="certificate_valid_until",
                                warned_field="certificate_expiry_warned_for", build=_warnings,
                                action="certificate.expiry_warning", batch_size=batch_size)


def _warnings(officers: list[User]) -> tuple[list, list]:
    notifications, audited = [], []
    for officer in officers:
        until = officer.certificate_valid_until.isoformat()
        notifications.append(Notification(
            dedupe_key=f"certificate-expiry:{officer.pk}:{until}",
            agency_id=officer.agency_id,
            kind=Notification.Kind.CERTIFICATE_EXPIRY,
            title=_("Enforcement certificate of %(name)s expires on %(date)s") % {"name": officer, "date": until},
            body=_("Certificate No. %(number)s: renew it, or name other officers on the visits after that day; "
                   "once it has expired the officer is taken off them.") % {"number": officer.certificate_number},
            link="/agency/",
        ))
        audited.append((officer, {"certificate_number": officer.certificate_number, "valid_until": until}))
    return notifications, audited
