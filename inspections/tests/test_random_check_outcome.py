"""A random check's published result shows what the drawn agency found at the visit (findings handed to plans
by inspections), after the campaign's window."""

import datetime as dt

import pytest

from inspections import qrtokens
from inspections.models import InspectionRecord
from inspections.services import check_in, finding_add, record_finalise, record_item_set
from plans import draw
from plans.models import Plan, RandomCheckCampaign, RandomCheckDraw
from plans.tests.conftest import SHANGHAI, freeze

pytestmark = pytest.mark.django_db


def test_the_public_result_counts_the_agencys_findings(client, city, visit):
    token = qrtokens.enterprise_token(city.enterprise.uscc)
    for officer in (city.market_officer, city.ecology_officer):
        check_in(actor=officer, task=visit, token=token)
    record = InspectionRecord.objects.get(task=visit)
    market = record.items.get(matter=city.market_matter)
    record_item_set(actor=city.market_officer, item=market, result="non_compliant", note="标签不全")
    finding_add(actor=city.market_officer, item=market, description="标签不全", severity="serious",
                deadline=visit.visit_date + dt.timedelta(days=10))
    record_item_set(actor=city.ecology_officer, item=record.items.get(matter=city.ecology_matter), result="compliant")
    record_finalise(actor=city.market_officer, record=record)
    plan = Plan.objects.get(agency=city.market)
    assert plan.status == "done"
    # The campaign that drew this enterprise (its rows written directly: the draw has its own tests).
    campaign = RandomCheckCampaign.objects.create(
        code="abcdef012345", agency=city.market, created_by=city.market_officer, name="抽查", division="370611",
        window_start=visit.visit_date, window_end=visit.visit_date, status="drawn",
        snapshot=draw.snapshot_text(campaign="abcdef012345", rates={"B": 1}, enterprises=[(city.enterprise.uscc, "B")],
                                    officers=[city.market_officer.certificate_number], conflicts=[]),
        snapshot_sha256="0" * 64, population_size=1, seed="1" * 64, seed_sha256="2" * 64, drawn_count=1)
    RandomCheckDraw.objects.create(campaign=campaign, position=0, enterprise=city.enterprise, grade="B",
                                   officers=city.market_officer.certificate_number, plan=plan, filing_done=True)
    with freeze(dt.datetime.combine(visit.visit_date + dt.timedelta(days=1), dt.time(10), tzinfo=SHANGHAI)):
        page = client.get(f"/public/random-checks/{campaign.code}/").content.decode()
    assert "1 problem found (1 serious)" in page or "发现问题1个(严重1个)" in page
