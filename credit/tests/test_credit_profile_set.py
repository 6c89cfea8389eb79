import datetime as dt

import pytest
import time_machine
from django.utils import translation

from audit.models import AuditEntry
from credit.models import CreditProfile
from credit.services import credit_profile_set
from enterprises.tests.factories import EnterpriseFactory
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_it_sets_the_grade_and_writes_an_audit_entry():
    enterprise = EnterpriseFactory()

    profile = credit_profile_set(actor=None, enterprise=enterprise, grade="B", whitelisted=False)

    assert profile.grade == "B" and not profile.whitelisted
    entry = AuditEntry.objects.get(action="credit_profile.set")
    assert entry.object_id == str(enterprise.pk)
    assert entry.details == {"before": None, "after": {"grade": "B", "whitelisted": False, "whitelisted_since": None}}


@time_machine.travel(dt.datetime(2026, 6, 2, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))))
def test_whitelisting_records_the_day_and_keeps_it_while_on_the_list():
    enterprise = EnterpriseFactory()
    credit_profile_set(actor=None, enterprise=enterprise, grade="A", whitelisted=True)
    profile = credit_profile_set(actor=None, enterprise=enterprise, grade="A", whitelisted=True)

    assert profile.whitelisted_since == dt.date(2026, 6, 2)  # Yantai's day; in UTC it is still 1 June
    assert CreditProfile.objects.count() == 1
    assert AuditEntry.objects.filter(action="credit_profile.set").count() == 2

    profile = credit_profile_set(actor=None, enterprise=enterprise, grade="B", whitelisted=False)
    assert profile.whitelisted_since is None
    assert AuditEntry.objects.latest("id").details["before"]["whitelisted"] is True


@pytest.mark.parametrize("grade", ["B", "C", "D"])
def test_it_refuses_to_whitelist_below_grade_a_and_writes_nothing(grade):
    enterprise = EnterpriseFactory()

    with pytest.raises(DomainError, match="Only an enterprise with credit grade A can be on the whitelist."):
        credit_profile_set(actor=None, enterprise=enterprise, grade=grade, whitelisted=True)

    assert not CreditProfile.objects.exists() and not AuditEntry.objects.exists()


def test_it_refuses_an_unknown_grade():
    with pytest.raises(DomainError, match="Unknown credit grade"):
        credit_profile_set(actor=None, enterprise=EnterpriseFactory(), grade="E", whitelisted=False)
