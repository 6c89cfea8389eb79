"""专项检查 withdrawn by its agency (``plans.special.special_campaign_withdraw``): while it awaits approval, or
approved before its first day with no plan under it; it then frees its place in the yearly quota and leaves the
public pages. The page and the API call the same service; the wrong roles are refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from enterprises.tests.factories import enterprise_user
from notifications.models import Notification
from plans.models import SpecialCampaign
from plans.services import plan_file, plan_withdraw
from plans.special import published_campaigns, quota_used, special_campaign_decide, special_campaign_withdraw
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, days, freeze
from .specials import approved, city_justice_user, quota, requested

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_pending_campaign_withdrawn_frees_its_place_in_the_quota(city, frozen):
    quota(city, 1)
    campaign = requested(city, city.market_officer, days(10), days(40))
    with pytest.raises(DomainError, match="at most 1"):
        requested(city, city.market_officer, days(10), days(40), name="二")
    assert Notification.objects.get(dedupe_key=f"special:{campaign.pk}:request").read_at is None

    withdrawn = special_campaign_withdraw(actor=city.market_officer, campaign=campaign, reason="与市级专项重复")

    assert withdrawn.status == SpecialCampaign.Status.WITHDRAWN
    assert (withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (city.market_officer, "与市级专项重复")
    assert quota_used(agency=city.market, year=2026)["used"] == 0
    entry = AuditEntry.objects.get(action="special_campaign.withdraw", object_id=str(campaign.pk))
    assert entry.details["before"] == "pending" and entry.details["reason"] == "与市级专项重复"
    # the approver's request is no longer news, and it is told of the withdrawal
    assert Notification.objects.get(dedupe_key=f"special:{campaign.pk}:request").read_at is not None
    told = Notification.objects.get(dedupe_key=f"special:{campaign.pk}:withdrawn")
    assert told.agency == city.justice_bureau
    requested(city, city.market_officer, days(10), days(40), name="二")  # the place is free again
    with pytest.raises(DomainError, match="withdrawn by its agency"):
        special_campaign_decide(actor=city_justice_user(city), campaign=campaign, approve=True, opinion="同意")


def test_an_approved_campaign_is_withdrawn_before_its_first_day_and_leaves_the_public_pages(city, frozen):
    campaign = approved(city, city.market_officer, days(10), days(40))
    assert list(published_campaigns()) == [campaign]
    special_campaign_withdraw(actor=city.market_officer, campaign=campaign, reason="上级通知暂缓")
    assert not published_campaigns().exists()
    assert quota_used(agency=city.market, year=2026) == {"approved": 0, "pending": 0, "used": 0}


def test_a_campaign_that_has_begun_or_has_plans_or_was_decided_against_stays(city, frozen):
    begun = approved(city, city.market_officer, days(10), days(40), name="已开始")
    with pytest.raises(DomainError, match="began on 2026-06-11"):
        special_campaign_withdraw(actor=city.market_officer, campaign=begun, reason="不再需要", today=days(10))

    with_plans = approved(city, city.market_officer, days(10), days(40), name="已有计划")
    plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                     window_start=days(12), window_end=days(14), special_campaign=with_plans,
                     )
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError, match="Plans are filed under this special inspection"):
        special_campaign_withdraw(actor=city.market_officer, campaign=with_plans, reason="不再需要")
    assert AuditEntry.objects.count() == before
    plan_withdraw(actor=city.market_officer, plan=plan, reason="撤回")
    special_campaign_withdraw(actor=city.market_officer, campaign=with_plans, reason="不再需要")  # now it can

    rejected = requested(city, city.market_officer, days(10), days(40), name="未批准")
    special_campaign_decide(actor=city_justice_user(city), campaign=rejected, approve=False, opinion="依据不足")
    with pytest.raises(DomainError, match="awaiting approval, or approved and not yet begun"):
        special_campaign_withdraw(actor=city.market_officer, campaign=rejected, reason="撤回")
    begun.refresh_from_db()
    assert begun.status == SpecialCampaign.Status.APPROVED


def test_only_the_requesting_agency_withdraws_and_with_a_reason(city, frozen):
    quota(city, 2)
    campaign = requested(city, city.market_officer, days(10), days(40))
    for actor in (city.ecology_officer, city_justice_user(city), enterprise_user(city.enterprise)):
        with pytest.raises(PermissionDenied):
            special_campaign_withdraw(actor=actor, campaign=campaign, reason="撤回")
    with pytest.raises(DomainError, match="Say why"):
        special_campaign_withdraw(actor=city.market_officer, campaign=campaign, reason="  ")
    campaign.refresh_from_db()
    assert campaign.status == SpecialCampaign.Status.PENDING
    assert not AuditEntry.objects.filter(action="special_campaign.withdraw").exists()


# -- the page and the API -------------------------------------------------------------------------------------


def test_the_agency_withdraws_on_the_campaign_s_page(city, frozen):
    quota(city, 2)
    campaign = requested(city, city.market_officer, days(10), days(40))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(city.market_officer)
    page = client.get(f"/agency/special/{campaign.code}/").content.decode()
    assert 'id="special-withdrawal"' in page and "撤回专项检查" in page
    missing = client.post(f"/agency/special/{campaign.code}/withdraw/", {"reason": ""})
    assert missing.status_code == 400
    done = client.post(f"/agency/special/{campaign.code}/withdraw/", {"reason": "与市级专项重复"})
    assert done.status_code == 302
    page = client.get(f"/agency/special/{campaign.code}/").content.decode()
    assert "已由检查部门撤回" in page and "与市级专项重复" in page and 'id="special-withdrawal"' not in page
    client.force_login(city_justice_user(city))
    assert 'id="special-decision"' not in client.get(f"/justice/special/{campaign.code}/").content.decode()


@pytest.fixture
def strangers(city):
    laizhou = AgencyFactory(code="laizhou-market", level=Agency.Level.DISTRICT, division="370683")
    return {
        "other agency": OfficerFactory(agency=laizhou),
        "another agency of the city": city.ecology_officer,
        "its approver": city_justice_user(city),
        "other district's justice bureau": JusticeUserFactory(agency=JusticeBureauFactory(
            code="laizhou-justice", name="莱州市司法局", level=Agency.Level.DISTRICT, division="370683")),
        "enterprise": enterprise_user(city.enterprise),
        "anonymous": None,
    }


@pytest.mark.parametrize("who", ["other agency", "another agency of the city", "its approver",
                                 "other district's justice bureau", "enterprise", "anonymous"])
def test_the_wrong_roles_are_refused_on_the_page_and_the_api(city, frozen, strangers, who):
    quota(city, 2)
    campaign = requested(city, city.market_officer, days(10), days(40))
    user = strangers[who]
    page, api = Client(), APIClient()
    if user is not None:
        page.force_login(user)
        api.force_authenticate(user)
    response = page.post(f"/agency/special/{campaign.code}/withdraw/", {"reason": "撤回"})
    assert response.status_code in (302, 403, 404)
    if user is None:
        assert "/login/" in response["Location"]
    response = api.post(f"/api/v1/special-inspections/{campaign.code}/withdrawal/", {"reason": "撤回"},
                        format="json")
    assert response.status_code in (401, 403, 404)
    campaign.refresh_from_db()
    assert campaign.status == SpecialCampaign.Status.PENDING


def test_the_api_withdraws_and_refuses_what_has_begun(city):
    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        campaign = approved(city, city.market_officer, days(3), days(40))
    api = APIClient()
    api.force_authenticate(city.market_officer)
    with freeze(dt.datetime(2026, 6, 4, 10, 0, tzinfo=SHANGHAI)):  # its first day
        refused = api.post(f"/api/v1/special-inspections/{campaign.code}/withdrawal/", {"reason": "撤回"},
                           format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400 and "2026-06-04" in str(refused.json())
    with freeze(dt.datetime(2026, 6, 3, 10, 0, tzinfo=SHANGHAI)):
        done = api.post(f"/api/v1/special-inspections/{campaign.code}/withdrawal/", {"reason": "撤回"},
                        format="json")
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert done.json()["withdrawn_by"] == city.market_officer.username
