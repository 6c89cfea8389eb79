from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.tests.factories import JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from credit.sampling import DEFAULT_RATES, sampling_rate_set, sampling_rates
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


def test_the_defaults_hold_until_the_justice_bureau_changes_a_rate():
    assert sampling_rates() == {g: r.normalize() for g, r in DEFAULT_RATES.items()}
    sampling_rate_set(actor=JusticeUserFactory(), grade="B", rate=Decimal("0.15"))
    assert sampling_rates()["B"] == Decimal("0.15")
    entry = AuditEntry.objects.get(action="sampling_rate.set")
    assert entry.details["before"] == "0.1" and entry.details["after"] == "0.15"


def test_bad_rates_and_other_roles_are_refused():
    justice = JusticeUserFactory()
    for grade, rate in (("E", "0.1"), ("A", "1.5"), ("A", "-0.1"), ("A", "0.00001")):
        with pytest.raises(DomainError):
            sampling_rate_set(actor=justice, grade=grade, rate=Decimal(rate))
    with pytest.raises(PermissionDenied):
        sampling_rate_set(actor=OfficerFactory(), grade="A", rate=Decimal("0.5"))
    assert not AuditEntry.objects.exists()


def test_a_district_justice_bureau_reads_but_does_not_set_the_citys_rates():
    from accounts.tests.factories import JusticeBureauFactory

    district = JusticeUserFactory(agency=JusticeBureauFactory(code="fs", division="370611", name="福山区司法局"))
    with pytest.raises(PermissionDenied):
        sampling_rate_set(actor=district, grade="A", rate=Decimal("0.5"))
