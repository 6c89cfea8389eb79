"""The whitelist on the portals and in the API: the public list (no login), the justice bureau's candidates
(only the bureau responsible for the enterprise's division), the enterprise's own credit; refusals for every
other role; the lists' query counts pinned at two sizes."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from accounts.tests.factories import JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from credit.grades import credit_grade_record
from credit.models import CreditProfile, WhitelistEntry
from credit.whitelist import whitelist_propose
from enterprises.tests.factories import EnterpriseFactory, enterprise_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _frozen_english():
    with translation.override("en"), time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def people():
    return {
        "fushan": JusticeUserFactory(agency=JusticeBureauFactory(division="370611")),
        "laizhou": JusticeUserFactory(agency=JusticeBureauFactory(division="370683")),
        "city": JusticeUserFactory(agency=JusticeBureauFactory(division="370600")),
        "officer": OfficerFactory(),
        "enterprise": enterprise_user(),
    }


def candidates(n, division="370611"):
    firms = EnterpriseFactory.create_batch(n, division=division)
    CreditProfile.objects.bulk_create([CreditProfile(enterprise=f, grade="A") for f in firms])
    whitelist_propose()
    return list(WhitelistEntry.objects.filter(enterprise__in=firms).order_by("id"))


def listed(n):
    firms = EnterpriseFactory.create_batch(n)
    CreditProfile.objects.bulk_create([CreditProfile(enterprise=f, grade="A", whitelisted=True,
                                                     whitelisted_since=TODAY) for f in firms])
    WhitelistEntry.objects.bulk_create([WhitelistEntry(enterprise=f, status="listed", listed_on=TODAY - dt.timedelta(
        days=k)) for k, f in enumerate(firms)])
    return firms


def api(user=None):
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


# -- the public whitelist --------------------------------------------------------------------------------


def test_anyone_reads_the_published_whitelist_page_and_api(client):
    firms = listed(3)
    WhitelistEntry.objects.create(enterprise=EnterpriseFactory(name="候选企业"), status="proposed", proposed_on=TODAY)

    page = client.get("/whitelist/")
    assert page.status_code == 200
    text = page.content.decode()
    assert all(f.name in text and f.uscc in text for f in firms) and "候选企业" not in text
    assert "福山区" in text  # the page speaks Chinese first

    body = api().get("/api/v1/whitelist/?limit=2").json()
    assert [r["uscc"] for r in body["results"]] == [firms[0].uscc, firms[1].uscc]  # newest first
    assert body["results"][0] == {"name": firms[0].name, "uscc": firms[0].uscc, "division": "370611",
                                  "division_name": "福山区", "since": TODAY.isoformat()}
    assert body["next"] and "count" not in body


@pytest.mark.parametrize("path", ["/whitelist/", "/api/v1/whitelist/"])
def test_the_public_lists_run_a_fixed_number_of_queries(client, path):
    counts = []
    for n in (1, 20):
        listed(n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3, counts


def test_the_public_list_reads_in_index_order():
    sql = str(WhitelistEntry.objects.filter(status="listed").order_by("-listed_on", "-id").query)
    assert "listed_on" in sql
    index = next(i for i in WhitelistEntry._meta.indexes if i.name == "whitelist_public_order")
    assert index.fields == ["status", "-listed_on", "-id"]


# -- the justice bureau's candidates ---------------------------------------------------------------------


def test_the_bureau_of_the_district_sees_confirms_and_declines(client, people):
    first, second = candidates(2)
    client.force_login(people["fushan"])
    page = client.get("/justice/whitelist/")
    assert first.enterprise.name in page.content.decode()

    response = client.post(f"/justice/whitelist/{first.pk}/decide/", {"decision": "confirm", "reason": ""})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "listed" and first.authority == people["fushan"].agency
    assert CreditProfile.objects.get(enterprise=first.enterprise).whitelisted

    body = api(people["fushan"]).post(f"/api/v1/whitelist/candidates/{second.pk}/decide/",
                                      {"decision": "decline", "reason": "待核查"}, format="json")
    assert body.status_code == 200 and body.json()["status"] == "declined"
    assert api(people["fushan"]).post(f"/api/v1/whitelist/candidates/{second.pk}/decide/",
                                      {"decision": "decline"}, format="json").status_code == 404  # decided


def test_declining_without_a_reason_is_a_400_on_the_field(people):
    entry, = candidates(1)
    response = api(people["fushan"]).post(f"/api/v1/whitelist/candidates/{entry.pk}/decide/",
                                          {"decision": "decline"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    entry.refresh_from_db()
    assert entry.status == "proposed"


@pytest.mark.parametrize("who", ["laizhou", "city"])
def test_a_bureau_of_another_area_neither_sees_nor_decides(client, people, who):
    entry, = candidates(1)
    client.force_login(people[who])
    assert entry.enterprise.name not in client.get("/justice/whitelist/").content.decode()
    assert client.post(f"/justice/whitelist/{entry.pk}/decide/", {"decision": "confirm"}).status_code == 404
    assert api(people[who]).get("/api/v1/whitelist/candidates/").json()["results"] == []
    assert api(people[who]).post(f"/api/v1/whitelist/candidates/{entry.pk}/decide/",
                                 {"decision": "confirm"}, format="json").status_code == 404
    entry.refresh_from_db()
    assert entry.status == "proposed"


def test_the_city_bureau_decides_for_a_district_without_its_own(people):
    entry, = candidates(1, division="370686")  # Qixia: no bureau of its own here
    response = api(people["city"]).post(f"/api/v1/whitelist/candidates/{entry.pk}/decide/",
                                        {"decision": "confirm"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["officer", "enterprise", None])
def test_agencies_enterprises_and_anonymous_are_refused(client, people, who):
    entry, = candidates(1)
    user = people[who] if who else None
    if user:
        client.force_login(user)
    page = client.get("/justice/whitelist/")
    post = client.post(f"/justice/whitelist/{entry.pk}/decide/", {"decision": "confirm"})
    assert (page.status_code, post.status_code) == ((403, 403) if user else (302, 302))
    listing = api(user).get("/api/v1/whitelist/candidates/")
    decide = api(user).post(f"/api/v1/whitelist/candidates/{entry.pk}/decide/", {"decision": "confirm"},
                            format="json")
    assert listing.status_code in (401, 403) and decide.status_code in (401, 403)
    entry.refresh_from_db()
    assert entry.status == "proposed"


def test_the_candidates_list_runs_a_fixed_number_of_queries(client, people):
    client.force_login(people["fushan"])
    counts = []
    for n in (1, 20):
        candidates(n)
        for path in ("/justice/whitelist/", "/api/v1/whitelist/candidates/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts.append((path, len(queries)))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


# -- the enterprise's own credit -------------------------------------------------------------------------


def test_the_enterprise_sees_its_own_grade_and_whitelist_state(client):
    enterprise = EnterpriseFactory()
    account = enterprise_user(enterprise)
    credit_grade_record(actor=None, enterprise=enterprise, grade="B", source="credit_china_sd",
                        valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31))
    client.force_login(account)
    text = client.get("/enterprise/credit/").content.decode()
    assert "2026-12-31" in text and "<strong>B" in text
    body = api(account).get("/api/v1/my-enterprise/credit/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["grade"] == "B" and body["valid_to"] == "2026-12-31" and body["whitelisted"] is False
    assert api(OfficerFactory()).get("/api/v1/my-enterprise/credit/").status_code == 403


def test_odd_input_gets_no_server_error(client, people):
    entry, = candidates(1)
    assert client.get("/whitelist/", {"page": "\x00"}).status_code == 400  # yantai_inspect.inputs
    assert client.get("/whitelist/", {"page": "99999999999999999999999"}).status_code == 400
    assert api().get("/api/v1/whitelist/", {"limit": "99999999999999999999", "offset": "-1"}).status_code == 400
    client.force_login(people["fushan"])
    response = client.post(f"/justice/whitelist/{entry.pk}/decide/", {"decision": "decline", "reason": "a\x00b"})
    assert response.status_code == 400
    long = api(people["fushan"]).post(f"/api/v1/whitelist/candidates/{entry.pk}/decide/",
                                      {"decision": "decline", "reason": "长" * 301}, format="json")
    assert long.status_code == 400 and "reason" in long.json()
    entry.refresh_from_db()
    assert entry.status == "proposed"
