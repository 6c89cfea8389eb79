"""A month before an enforcement certificate expires its agency is warned, once per expiry date, through the
licences' machinery (notifications.expiry)."""

import datetime as dt

import pytest

from accounts.certificates import certificate_expiry_warnings_send
from accounts.models import User
from accounts.tests.factories import AgencyFactory, OfficerFactory
from audit.models import AuditEntry
from notifications.models import Notification

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def test_a_certificate_expiring_within_a_month_warns_its_agency_exactly_once():
    agency = AgencyFactory()
    due = OfficerFactory(agency=agency, certificate_valid_until=TODAY + dt.timedelta(days=30))
    OfficerFactory(agency=agency, certificate_valid_until=TODAY + dt.timedelta(days=31))  # not yet
    OfficerFactory(agency=agency, certificate_valid_until=TODAY - dt.timedelta(days=1))  # already expired
    assert certificate_expiry_warnings_send(today=TODAY) == 1
    assert certificate_expiry_warnings_send(today=TODAY) == 0
    assert certificate_expiry_warnings_send(today=TODAY + dt.timedelta(days=5)) == 1  # the 31-day one, now due
    warning = Notification.objects.get(dedupe_key__startswith=f"certificate-expiry:{due.pk}:")
    assert warning.agency == agency and warning.kind == "certificate_expiry"
    assert due.certificate_number in warning.body
    assert AuditEntry.objects.filter(action="certificate.expiry_warning", object_id=str(due.pk)).count() == 1


def test_a_renewed_certificate_is_warned_about_again_before_its_new_expiry():
    officer = OfficerFactory(certificate_valid_until=TODAY + dt.timedelta(days=10))
    assert certificate_expiry_warnings_send(today=TODAY) == 1
    User.objects.filter(pk=officer.pk).update(certificate_valid_until=TODAY + dt.timedelta(days=400))
    assert certificate_expiry_warnings_send(today=TODAY + dt.timedelta(days=369)) == 0
    assert certificate_expiry_warnings_send(today=TODAY + dt.timedelta(days=370)) == 1


def test_a_batch_costs_the_same_statements_whatever_its_size(django_assert_num_queries):
    agency = AgencyFactory()
    for n in range(3):
        OfficerFactory(agency=agency, certificate_valid_until=TODAY + dt.timedelta(days=n))
    with django_assert_num_queries(8) as small:  # 7, and the audit chain's lock (audit.chain.lock_head)
        certificate_expiry_warnings_send(today=TODAY)
    for n in range(9):
        OfficerFactory(agency=agency, certificate_valid_until=TODAY + dt.timedelta(days=n))
    with django_assert_num_queries(len(small.captured_queries)):
        certificate_expiry_warnings_send(today=TODAY)
