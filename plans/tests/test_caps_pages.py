"""The caps' pages and endpoints: the justice bureau's policy table (page and API), the officer's filing
preview, the enterprise's counts; and everyone who must be refused."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Agency
from accounts.tests.factories import JusticeBureauFactory, JusticeUserFactory
from audit.models import AuditEntry
from credit.policy import CapPolicy, cap_limits_for, cap_policy_seed_defaults
from enterprises.tests.factories import enterprise_user

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(city):
    fushan = JusticeBureauFactory(
        code="fs-justice", name="福山区司法局", level=Agency.Level.DISTRICT, division="370611"
    )
    return {
        "city_justice": JusticeUserFactory(agency=city.justice_bureau),
        "district_justice": JusticeUserFactory(agency=fushan),
        "officer": city.market_officer,
        "enterprise": enterprise_user(city.enterprise),
    }


def form_data(**overrides):
    data = {"effective_from": days(3).isoformat(), "note": "2027年度上限", "overrides": "yt-market C 5 review"}
    for tier, (agency, combined) in {"whitelist": (1, 2), "A": (1, 2), "B": (3, 5), "C": (3, 6), "D": ("", "")}.items():
        data.update({f"agency_{tier}": agency, f"combined_{tier}": combined, f"over_{tier}": "refuse"})
    data.update(overrides)
    return data


def test_the_city_justice_bureau_sets_a_new_version_on_its_page_and_it_is_audited(client, city, people, frozen):
    cap_policy_seed_defaults(effective_from=days(-30))
    client.force_login(people["city_justice"])
    page = client.get("/justice/caps/")
    assert page.status_code == 200 and b"cap-policy-form" in page.content
    response = client.post("/justice/caps/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    new = CapPolicy.objects.latest("id")
    assert new.effective_from == days(3) and new.created_by == people["city_justice"]
    assert cap_limits_for(on=days(3), agency_id=city.market.pk, tier="C")["agency"] == (5, "review")
    assert cap_limits_for(on=days(3), agency_id=city.ecology.pk, tier="B")["agency"] == (3, "refuse")
    assert cap_limits_for(on=TODAY, agency_id=city.ecology.pk, tier="B")["agency"] == (2, "refuse")  # old in force
    entry = AuditEntry.objects.get(action="cap_policy.set", object_id=str(new.pk))
    assert entry.details["effective_from"] == days(3).isoformat()
    assert {"scope": "agency", "agency": "yt-market", "tier": "C", "limit": 5, "over_cap": "review"} in entry.details[
        "rules"]


def test_the_page_refuses_a_past_date_and_an_unknown_agency_and_writes_nothing(client, city, people, frozen):
    client.force_login(people["city_justice"])
    past = client.post("/justice/caps/", form_data(effective_from=days(-1).isoformat()))
    unknown = client.post("/justice/caps/", form_data(overrides="nosuch B 1"))
    bad_line = client.post("/justice/caps/", form_data(overrides="yt-market Z 1"))
    assert (past.status_code, unknown.status_code, bad_line.status_code) == (200, 200, 200)
    assert "effective_from" in past.context["form"].errors
    assert "overrides" in unknown.context["form"].errors and "nosuch" in unknown.content.decode()
    assert "overrides" in bad_line.context["form"].errors
    assert not CapPolicy.objects.exists()


@pytest.mark.parametrize("role", ["district_justice", "officer", "enterprise"])
def test_other_roles_cannot_set_the_policy_on_the_page(client, people, role, frozen):
    client.force_login(people[role])
    assert client.post("/justice/caps/", form_data()).status_code == 403
    if role != "district_justice":
        assert client.get("/justice/caps/").status_code == 403
    else:
        page = client.get("/justice/caps/")  # a district bureau reads the city's caps
        assert page.status_code == 200 and b"cap-policy-form" not in page.content
    assert not CapPolicy.objects.exists()


def test_the_api_sets_and_reads_back_the_policy_in_force_on_a_past_day(city, people, frozen):
    api = APIClient()
    api.force_authenticate(people["city_justice"])
    body = {"effective_from": TODAY.isoformat(), "rules": [
        {"scope": "agency", "agency": None, "tier": "B", "limit": 2},
        {"scope": "agency", "agency": "yt-market", "tier": "B", "limit": None},
        {"scope": "combined", "tier": "B", "limit": 4, "over_cap": "review"}]}
    first = api.post("/api/v1/cap-policy/", body, format="json")
    assert first.status_code == 201, first.json()
    body["effective_from"] = days(20).isoformat()
    body["rules"][0]["limit"] = 1
    assert api.post("/api/v1/cap-policy/", body, format="json").status_code == 201
    then = api.get("/api/v1/cap-policy/", {"on": days(5).isoformat()}).json()
    assert then["in_force"]["id"] == first.json()["id"]
    assert {"scope": "agency", "agency": None, "tier": "B", "limit": 2, "over_cap": "refuse"} in then["in_force"][
        "rules"]
    later = api.get("/api/v1/cap-policy/", {"on": days(25).isoformat()}).json()
    assert {"scope": "agency", "agency": None, "tier": "B", "limit": 1, "over_cap": "refuse"} in later["in_force"][
        "rules"]
    assert len(later["history"]) == 2
    assert api.get("/api/v1/cap-policy/", {"on": "9999-12-31"}).status_code == 400
    assert api.post("/api/v1/cap-policy/", {**body, "effective_from": "9999-12-31"}, format="json").status_code == 400
    bad = api.post("/api/v1/cap-policy/", {**body, "rules": [{"scope": "combined", "agency": "yt-market",
                                                             "tier": "B", "limit": 1}]}, format="json")
    assert bad.status_code == 400
    assert api.post("/api/v1/cap-policy/", {**body, "rules": [{"scope": "agency", "tier": "B", "limit": 99999}]},
                    format="json").status_code == 400


@pytest.mark.parametrize("role", ["district_justice", "officer", "enterprise", "anonymous"])
def test_other_roles_are_refused_by_the_policy_api(city, people, role, frozen):
    api = APIClient()
    if role != "anonymous":
        api.force_authenticate(people[role])
    body = {"effective_from": TODAY.isoformat(), "rules": [{"scope": "agency", "tier": "B", "limit": 1}]}
    assert api.post("/api/v1/cap-policy/", body, format="json").status_code in (401, 403)
    if role not in ("district_justice", "officer"):  # officers read the policy they file under (/agency/caps/)
        assert api.get("/api/v1/cap-policy/").status_code in (401, 403)
    assert not CapPolicy.objects.exists()


def test_the_officer_sees_the_count_and_that_joining_adds_no_visit_in_the_preview(city, people, frozen):
    from plans.services import plan_file

    cap_policy_seed_defaults(effective_from=days(-1))
    plan_file(actor=city.ecology_officer, enterprise=city.enterprise, matters=[city.ecology_matter],
              window_start=days(10), window_end=days(14))
    api = APIClient()
    api.force_authenticate(city.market_officer)
    params = {"enterprise": city.enterprise.uscc}
    joins = api.get("/api/v1/plans/preview/", {**params, "window_start": days(9).isoformat(),
                                                "window_end": days(15).isoformat()}).json()
    assert joins["cap"]["all_routine"] == 1 and joins["cap"]["combined_cap"] == 4
    assert joins["cap"]["agency_routine"] == 0 and joins["cap"]["agency_cap"] == 2
    assert joins["cap"]["adds_combined"] is False and joins["cap_message"]
    alone = api.get("/api/v1/plans/preview/", {**params, "window_start": days(40).isoformat(),
                                                "window_end": days(44).isoformat()}).json()
    assert alone["new_visit"] and alone["cap"]["adds_combined"] is True and alone["cap_message"]


def test_the_enterprise_sees_its_count_and_the_caps(client, city, people, frozen):
    from plans.services import plan_file

    cap_policy_seed_defaults(effective_from=days(-1))
    plan_file(actor=city.ecology_officer, enterprise=city.enterprise, matters=[city.ecology_matter],
              window_start=days(10), window_end=days(14))
    api = APIClient()
    api.force_authenticate(people["enterprise"])
    data = api.get("/api/v1/my-enterprise/caps/").json()
    assert (data["year"], data["tier"], data["all_routine"], data["combined_cap"], data["agency_cap"]) == (
        2026, "B", 1, 4, 2)
    assert data["agencies"] == [{"agency": city.ecology.name, "routine": 1, "exempt": 0, "cap": 2}]
    assert api.get("/api/v1/my-enterprise/caps/", {"year": "99999999999"}).status_code == 400
    client.force_login(people["enterprise"])
    page = client.get("/enterprise/caps/")
    assert page.status_code == 200 and city.ecology.name in page.content.decode()
    client.force_login(city.market_officer)
    assert client.get("/enterprise/caps/").status_code == 403
