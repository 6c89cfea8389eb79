"""Overdue rectifications, flagged in batches: the daily check, set-based.

An open (or returned) finding past its deadline is flagged once, to the responsible agency and to the
enterprise. Each batch costs a fixed number of statements whatever its size: claim (lock, then a
conditional UPDATE of ``overdue_flagged_on``), read, one INSERT of notifications (deduplicated by key),
one INSERT of audit entries. Rerunnable: only the run that claimed a finding notifies and audits.
"""

import datetime as dt

from django.utils.translation import gettext as _

from audit.services import audit_record_many
from notifications.models import Notification
from notifications.services import notifications_send_many
from yantai_inspect.batches import in_locked_batches

from .models import Finding

OVERDUE_BATCH_SIZE = 500


def findings_overdue_flag(*, today: dt.date, batch_size: int = OVERDUE_BATCH_SIZE) -> int:
    """Flag every open finding whose deadline passed before ``today``; returns how many this run flagged."""
    overdue = Finding.objects.filter(
        status__in=[Finding.Status.OPEN, Finding.Status.RETURNED], deadline__lt=today, overdue_flagged_on__isnull=True
    )
    return in_locked_batches(overdue, lambda ids: _flag(ids, today=today), batch_size=batch_size)


def _flag(ids: list[int], *, today: dt.date) -> int:
    if not Finding.objects.filter(pk__in=ids, overdue_flagged_on__isnull=True).update(overdue_flagged_on=today):
        return 0
    findings = list(
        Finding.objects.filter(pk__in=ids, overdue_flagged_on=today).select_related("enterprise")
    )
    notifications = []
    for finding in findings:
        enterprise = finding.enterprise  # on site or remote alike
        title = _("Rectification overdue since %(d)s") % {"d": finding.deadline.isoformat()}
        notifications += [
            Notification(
                dedupe_key=f"finding-overdue:{finding.pk}:agency",
                agency_id=finding.agency_id,
                title=title,
                body=f"{enterprise.name}:{finding.description[:200]}",
                link="/agency/rectifications/",
            ),
            Notification(
                dedupe_key=f"finding-overdue:{finding.pk}:enterprise",
                enterprise=enterprise,
                title=title,
                body=finding.description[:200],
                link="/enterprise/findings/",
            ),
        ]
    notifications_send_many(notifications)
    audit_record_many(
        actor=None, action="finding.overdue", entries=[(f, {"deadline": f.deadline}) for f in findings]
    )
    return len(findings)
