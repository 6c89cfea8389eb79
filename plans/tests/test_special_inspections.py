"""专项检查 (``plans.special``): the level above approves, the yearly quota, the exemption from the caps of the
plans filed under an approved campaign, and who is refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory
from notifications.models import Notification
from plans.caps import cap_counts, exempt_q
from plans.models import Plan, SpecialCampaign, SpecialQuota
from plans.services import plan_file
from plans.special import (
    approver_for,
    campaigns_for_user,
    published_campaigns,
    quota_in_force,
    special_campaign_decide,
    special_campaign_request,
    special_quota_set,
)
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, days, freeze
from .specials import approved, city_justice_user, quota, requested

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_campaign_over_the_quota_is_refused_with_the_numbers(city, frozen):
    quota(city, 2)
    first = requested(city, city.market_officer, days(10), days(40), name="一")
    approve = special_campaign_decide(actor=city_justice_user(city), campaign=first, approve=True, opinion="同意")
    assert approve.status == SpecialCampaign.Status.APPROVED
    requested(city, city.market_officer, days(10), days(40), name="二")  # pending: counts too
    before = SpecialCampaign.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        requested(city, city.market_officer, days(10), days(40), name="三")
    message = str(refused.value.message)
    assert "at most 2 special inspection campaign(s) in 2026" in message
    assert "2 already count (1 approved, 1 awaiting approval)" in message
    assert (SpecialCampaign.objects.count(), AuditEntry.objects.count()) == before  # nothing half-written
    # Another agency has its own quota (the default), and next year starts again.
    requested(city, city.ecology_officer, days(10), days(40))
    quota(city, 1, year=2027)
    requested(city, city.market_officer, dt.date(2027, 3, 1), dt.date(2027, 3, 31))


def test_the_refusal_is_in_chinese_for_a_chinese_reader(city, frozen):
    quota(city, 0)
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        requested(city, city.market_officer, days(10), days(40))
    message = str(refused.value.message)
    assert "专项检查" in message and "2026" in message and "0" in message
    assert "special" not in message


def test_without_a_quota_nothing_can_be_requested(city, frozen):
    with pytest.raises(DomainError, match="No quota of special inspections is set for 2026"):
        requested(city, city.market_officer, days(10), days(40))


def test_a_rejected_campaign_frees_its_place_and_keeps_its_opinion(city, frozen):
    quota(city, 1)
    first = requested(city, city.market_officer, days(10), days(40))
    with pytest.raises(DomainError, match="Write the opinion"):
        special_campaign_decide(actor=city_justice_user(city), campaign=first, approve=False, opinion="  ")
    rejected = special_campaign_decide(actor=city_justice_user(city), campaign=first, approve=False,
                                       opinion="依据不足，请补充")
    assert (rejected.status, rejected.opinion) == (SpecialCampaign.Status.REJECTED, "依据不足，请补充")
    assert AuditEntry.objects.filter(action="special_campaign.reject", object_id=str(first.pk)).exists()
    with pytest.raises(DomainError, match="already been decided"):
        special_campaign_decide(actor=city_justice_user(city), campaign=first, approve=True, opinion="同意")
    requested(city, city.market_officer, days(10), days(40))  # its place is free again
    assert not published_campaigns().exists()


def test_an_approval_is_checked_against_the_quota_in_force_then(city, frozen):
    quota(city, 2)
    one = requested(city, city.market_officer, days(10), days(40))
    two = requested(city, city.market_officer, days(10), days(40))
    special_campaign_decide(actor=city_justice_user(city), campaign=one, approve=True, opinion="同意")
    quota(city, 1, agency=city.market)  # lowered for the market regulator
    with pytest.raises(DomainError, match="at most 1 special inspection"):
        special_campaign_decide(actor=city_justice_user(city), campaign=two, approve=True, opinion="同意")
    two.refresh_from_db()
    assert two.status == SpecialCampaign.Status.PENDING


def test_the_quota_in_force_is_reproducible_and_an_agency_s_own_overrides_the_default(city):
    with freeze(dt.datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)):
        default = quota(city, 3)
    with freeze(dt.datetime(2026, 2, 5, 9, 0, tzinfo=SHANGHAI)):
        own = quota(city, 1, agency=city.market)
    with freeze(dt.datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)):
        newer_default = quota(city, 4)
    assert quota_in_force(agency=city.market, year=2026) == own
    assert quota_in_force(agency=city.ecology, year=2026) == newer_default
    assert quota_in_force(agency=city.market, year=2026, at=dt.datetime(2026, 1, 20, tzinfo=SHANGHAI)) == default
    assert quota_in_force(agency=city.market, year=2026, at=dt.datetime(2026, 1, 1, tzinfo=SHANGHAI)) is None
    assert SpecialQuota.objects.count() == 3  # never edited: every version stays
    assert AuditEntry.objects.filter(action="special_quota.set").count() == 3


def test_only_the_city_justice_bureau_sets_the_quota(city, frozen):
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level=Agency.Level.DISTRICT,
                                  division="370611")
    for actor in (JusticeUserFactory(agency=fushan), city.market_officer):
        with pytest.raises(PermissionDenied):
            special_quota_set(actor=actor, year=2026, quota=3)
    with pytest.raises(DomainError, match="from 0 to 100"):
        special_quota_set(actor=city_justice_user(city), year=2026, quota=101)
    with pytest.raises(DomainError, match="this year or the next"):
        special_quota_set(actor=city_justice_user(city), year=2029, quota=1)
    assert not SpecialQuota.objects.exists()


def district(city):
    """福山区市场监督管理局, whose parent is the city's market regulator, with a head there."""
    fushan = AgencyFactory(code="fs-market", name="福山区市场监督管理局", department=city.market_dept,
                           level=Agency.Level.DISTRICT, division="370611", parent=city.market)
    head = OfficerFactory(agency=city.market, username="market-head", is_agency_head=True)
    return fushan, OfficerFactory(agency=fushan, username="fs1"), head


def test_the_level_above_a_district_agency_is_its_parent_s_head(city, frozen):
    fushan, officer, head = district(city)
    assert approver_for(fushan) == city.market
    assert approver_for(city.market) == city.justice_bureau  # a city agency: the city government, via the bureau
    quota(city, 2)
    campaign = requested(city, officer, days(10), days(40), matters=[city.market_matter])
    assert campaign.approver == city.market
    assert Notification.objects.filter(agency=city.market, dedupe_key=f"special:{campaign.pk}:request").exists()
    fushan_head = OfficerFactory(agency=fushan, is_agency_head=True)
    refused = [city.market_officer, fushan_head, officer, city_justice_user(city)]
    for actor in refused:  # not a head, the head of the agency itself, the requester, a justice bureau
        with pytest.raises(PermissionDenied):
            special_campaign_decide(actor=actor, campaign=campaign, approve=True, opinion="同意")
    decided = special_campaign_decide(actor=head, campaign=campaign, approve=True, opinion="同意，注意减少干扰")
    assert (decided.status, decided.decided_by, decided.opinion) == (
        SpecialCampaign.Status.APPROVED, head, "同意，注意减少干扰")
    assert Notification.objects.filter(agency=fushan, dedupe_key=f"special:{campaign.pk}:decision").exists()
    # The head sees it in the agency's list (those it approves); another district's bureau does not.
    assert campaign in campaigns_for_user(user=head)
    laizhou = JusticeBureauFactory(code="lz-justice", name="莱州市司法局", level=Agency.Level.DISTRICT,
                                   division="370683")
    assert campaign not in campaigns_for_user(user=JusticeUserFactory(agency=laizhou))
    assert campaign not in campaigns_for_user(user=city.ecology_officer)


def test_a_request_is_refused_without_reason_in_the_past_across_years_or_outside_the_list(city, frozen):
    quota(city, 5)
    with pytest.raises(DomainError, match="reason and legal basis"):
        special_campaign_request(actor=city.market_officer, name="专项", basis=" ", matters=[city.market_matter],
                                 window_start=days(10), window_end=days(20))
    with pytest.raises(DomainError, match="cannot start in the past"):
        requested(city, city.market_officer, days(-1), days(20))
    with pytest.raises(DomainError, match="within one year"):
        requested(city, city.market_officer, days(10), dt.date(2027, 1, 10))
    with pytest.raises(DomainError, match="owned by another department"):
        requested(city, city.market_officer, days(10), days(20), matters=[city.ecology_matter])
    city.market_matter.effective_until = days(15)
    city.market_matter.save()
    with pytest.raises(DomainError, match="no longer in force"):
        requested(city, city.market_officer, days(10), days(20))
    with pytest.raises(PermissionDenied):
        requested(city, city_justice_user(city), days(10), days(20), matters=[city.market_matter])
    assert not SpecialCampaign.objects.exists()


def test_plans_under_an_approved_campaign_are_the_special_inspections_the_caps_exempt(city, frozen):
    campaign = approved(city, city.market_officer, days(10), days(60))
    plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                     window_start=days(20), window_end=days(24), special_campaign=campaign)
    assert (plan.cap_exemption, plan.special_campaign_id) == (Plan.CapExemption.SPECIAL, campaign.pk)
    assert Plan.objects.filter(exempt_q(), pk=plan.pk).exists()  # the one exemption of plans.caps
    counts = cap_counts(enterprise_id=city.enterprise.pk, year=2026, agency_id=city.market.pk)
    assert (counts["agency_routine"], counts["agency_exempt"]) == (0, 1)


def test_a_plan_is_refused_under_a_campaign_not_approved_another_s_or_outside_its_bounds(city, frozen):
    quota(city, 5)
    pending = requested(city, city.market_officer, days(10), days(60))
    ok = approved(city, city.market_officer, days(10), days(60), division="370611")
    theirs = approved(city, city.ecology_officer, days(10), days(60))

    def file(campaign, officer=city.market_officer, start=20, enterprise=None, matters=None):
        return plan_file(actor=officer, enterprise=enterprise or city.enterprise,
                         matters=matters or [city.matter_of(officer)], window_start=days(start),
                         window_end=days(start + 4), special_campaign=campaign)

    with pytest.raises(DomainError, match="not approved"):
        file(pending)
    with pytest.raises(DomainError, match="another agency's"):
        file(theirs)
    with pytest.raises(DomainError, match="visited from"):
        file(ok, start=58)
    with pytest.raises(DomainError, match="not in the special inspection's population"):
        file(ok, enterprise=EnterpriseFactory(division="370602"))
    other = city.market_matter.__class__.objects.create(code="market-002", name="其他事项",
                                                        department=city.market_dept, standard="标准")
    with pytest.raises(DomainError, match="Not a matter of this special inspection: market-002"):
        file(ok, matters=[other])
    assert not Plan.objects.exists()
    file(ok)  # within bounds


def test_the_api_files_under_a_campaign_by_its_code_and_refuses_a_claim_without_one(city, frozen):
    from rest_framework.test import APIClient

    campaign = approved(city, city.market_officer, days(10), days(60))
    client = APIClient()
    client.force_authenticate(city.market_officer)
    plan = {"enterprise": city.enterprise.uscc, "matters": [city.market_matter.code],
            "window_start": days(20).isoformat(), "window_end": days(24).isoformat()}
    claimed = client.post("/api/v1/plans/", {**plan, "cap_exemption": "special"}, format="json")
    assert claimed.status_code == 400 and "special_campaign" in claimed.json()
    unknown = client.post("/api/v1/plans/", {**plan, "special_campaign": "nope"}, format="json")
    assert unknown.status_code == 400 and "special_campaign" in unknown.json()
    filed = client.post("/api/v1/plans/", {**plan, "special_campaign": campaign.code}, format="json")
    assert filed.status_code == 201, filed.json()
    assert filed.json()["plan"]["cap_exemption"] == "special"
    assert Plan.objects.get().special_campaign == campaign


def test_a_refiled_special_plan_stays_under_its_campaign(city, frozen):
    from plans.refile import plan_refile

    campaign = approved(city, city.market_officer, days(10), days(60))
    plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                     window_start=days(20), window_end=days(24), special_campaign=campaign)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.NOT_CARRIED_OUT, joint_task=None)
    plan.refresh_from_db()
    again = plan_refile(actor=city.market_officer, plan=plan, window_start=days(30), window_end=days(34))
    assert (again.special_campaign, again.cap_exemption) == (campaign, Plan.CapExemption.SPECIAL)
