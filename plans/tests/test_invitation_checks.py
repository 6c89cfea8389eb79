"""The daily invitation steps in batches (plans.invitation_checks): constant statements per batch, once each."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory
from notifications.models import Notification
from plans.invitation_checks import invitations_expire_due, invitations_remind_due
from plans.models import Invitation
from plans.services import plan_file

from .conftest import days

pytestmark = pytest.mark.django_db


def invite(city, n):
    """``n`` thematic plans at ``n`` enterprises, each inviting the theme's two other agencies."""
    for _ in range(n):
        plan_file(
            actor=city.market_officer, enterprise=EnterpriseFactory(), matters=[city.market_matter],
            theme=city.theme, window_start=days(10), window_end=days(14),
        )
    return Invitation.objects.order_by("deadline").first().deadline


def counted(job, today):
    with CaptureQueriesContext(connection) as queries:
        done = job(today=today)
    return done, len(queries)


def test_reminders_cost_the_same_statements_for_two_invitations_as_for_ten(city, frozen):
    deadline = invite(city, 1)
    small = counted(invitations_remind_due, deadline - dt.timedelta(days=1))
    Invitation.objects.update(reminded_at=None)
    Notification.objects.filter(dedupe_key__startswith="invitation-reminder:").delete()
    invite(city, 4)
    large = counted(invitations_remind_due, deadline - dt.timedelta(days=1))
    assert (small[0], large[0]) == (2, 10)
    assert small[1] == large[1] <= 8
    for invitation in Invitation.objects.all():
        note = Notification.objects.get(dedupe_key=f"invitation-reminder:{invitation.pk}")
        assert note.agency_id == invitation.agency_id and invitation.reminded_at is not None
    assert invitations_remind_due(today=deadline - dt.timedelta(days=1)) == 0


def test_expiry_costs_the_same_statements_for_two_invitations_as_for_ten_and_audits_once(city, frozen):
    deadline = invite(city, 1)
    small = counted(invitations_expire_due, deadline + dt.timedelta(days=1))
    Invitation.objects.update(status=Invitation.Status.OPEN)
    invite(city, 4)
    large = counted(invitations_expire_due, deadline + dt.timedelta(days=1))
    assert (small[0], large[0]) == (2, 10)
    assert small[1] == large[1] <= 8
    assert set(Invitation.objects.values_list("status", flat=True)) == {"expired"}
    before = AuditEntry.objects.filter(action="invitation.expire").count()
    assert invitations_expire_due(today=deadline + dt.timedelta(days=2)) == 0
    assert AuditEntry.objects.filter(action="invitation.expire").count() == before == 12
