"""Overdue rectifications flagged in batches (inspections.overdue): a constant number of statements per
batch whatever its size, both sides notified once, nothing more on a rerun."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from inspections.models import Finding
from inspections.overdue import findings_overdue_flag
from notifications.models import Notification

from .test_record import finalised

pytestmark = pytest.mark.django_db


def more_findings(n):
    """``n`` more open findings like the visit's first one, with the same deadline."""
    first = Finding.objects.order_by("pk").first()
    Finding.objects.bulk_create(
        [
            Finding(record=first.record, item=first.item, enterprise_id=first.enterprise_id,
                    matter_id=first.matter_id, agency=first.agency, description=f"问题{i}",
                    severity=first.severity, deadline=first.deadline)
            for i in range(n)
        ]
    )
    return first.deadline


def flag_counted(today, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        flagged = findings_overdue_flag(today=today, **kwargs)
    return flagged, len(queries)


def test_a_batch_costs_the_same_statements_for_two_findings_as_for_nine(city, visit):
    finalised(city, visit)
    deadline = more_findings(1)
    small = flag_counted(deadline + dt.timedelta(days=1))
    Finding.objects.update(overdue_flagged_on=None)
    Notification.objects.filter(dedupe_key__startswith="finding-overdue:").delete()
    more_findings(7)
    large = flag_counted(deadline + dt.timedelta(days=1))
    assert (small[0], large[0]) == (2, 9)
    assert small[1] == large[1] <= 8


def test_each_overdue_finding_is_flagged_to_both_sides_once_and_a_rerun_changes_nothing(city, visit):
    finalised(city, visit)
    deadline = more_findings(4)
    assert findings_overdue_flag(today=deadline) == 0
    assert findings_overdue_flag(today=deadline + dt.timedelta(days=1), batch_size=2) == 5
    for finding in Finding.objects.all():
        agency_note = Notification.objects.get(dedupe_key=f"finding-overdue:{finding.pk}:agency")
        enterprise_note = Notification.objects.get(dedupe_key=f"finding-overdue:{finding.pk}:enterprise")
        assert agency_note.agency_id == finding.agency_id and enterprise_note.enterprise == city.enterprise
        assert finding.overdue_flagged_on == deadline + dt.timedelta(days=1)
    assert AuditEntry.objects.filter(action="finding.overdue").count() == 5
    before = (Notification.objects.count(), AuditEntry.objects.count())
    assert findings_overdue_flag(today=deadline + dt.timedelta(days=2)) == 0
    assert (Notification.objects.count(), AuditEntry.objects.count()) == before


def test_findings_being_rectified_or_accepted_are_not_flagged(city, visit):
    finalised(city, visit)
    deadline = more_findings(2)
    Finding.objects.filter(pk__in=Finding.objects.order_by("pk").values("pk")[:2]).update(status="submitted")
    assert findings_overdue_flag(today=deadline + dt.timedelta(days=1)) == 1
