"""A serious finding is logged for credit and ends the enterprise's whitelist entry in its transaction; a minor
one does neither."""

import datetime as dt

import pytest

from credit.models import CreditEvent, CreditProfile, WhitelistEntry
from credit.services import credit_profile_set
from inspections import qrtokens
from inspections.models import InspectionRecord
from inspections.services import check_in, finding_add, record_item_set

pytestmark = pytest.mark.django_db


def non_compliant_item(city, visit):
    for officer in (city.market_officer, city.ecology_officer):
        check_in(actor=officer, task=visit, token=qrtokens.enterprise_token(city.enterprise.uscc))
    record = InspectionRecord.objects.get(task=visit)
    item = record.items.get(matter=city.ecology_matter)
    return record_item_set(actor=city.ecology_officer, item=item, result="non_compliant")


@pytest.mark.parametrize("severity", ["serious", "minor"])
def test_a_serious_finding_takes_the_enterprise_off_the_whitelist(city, visit, severity):
    credit_profile_set(actor=None, enterprise=city.enterprise, grade="A", whitelisted=True)
    item = non_compliant_item(city, visit)

    finding = finding_add(actor=city.ecology_officer, item=item, description="危险化学品混存", severity=severity,
                          deadline=visit.visit_date + dt.timedelta(days=10))

    serious = severity == "serious"
    assert CreditProfile.objects.get(enterprise=city.enterprise).whitelisted is not serious
    entry = WhitelistEntry.objects.get(enterprise=city.enterprise)
    assert entry.status == ("ended" if serious else "listed")
    events = CreditEvent.objects.filter(enterprise=city.enterprise)
    assert [(e.kind, e.source_ref, e.occurred_on) for e in events] == (
        [("serious_finding", f"finding:{finding.pk}", visit.visit_date)] if serious else []
    )
    if serious:
        assert (entry.end_kind, entry.end_reason) == ("serious_finding", f"finding:{finding.pk}")
