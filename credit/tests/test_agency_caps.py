"""Officers read the cap policy in force and the versions to come (/agency/caps/, GET /api/v1/cap-policy/); only
the city's justice bureau sets it."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, OfficerFactory
from credit.policy import cap_policy_set
from enterprises.tests.factories import enterprise_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def officer():
    return OfficerFactory(agency=AgencyFactory(name="烟台市市场监督管理局"))


@pytest.fixture
def policies(officer):
    rules = [{"scope": "agency", "agency": None, "tier": "B", "limit": 2, "over_cap": "refuse"},
             {"scope": "agency", "agency": officer.agency, "tier": "C", "limit": 7, "over_cap": "review"},
             {"scope": "combined", "agency": None, "tier": "B", "limit": 4, "over_cap": "refuse"}]
    cap_policy_set(actor=None, effective_from=TODAY, rules=rules, today=TODAY, note="试行")
    cap_policy_set(actor=None, effective_from=TODAY + dt.timedelta(days=30), rules=rules[:1], today=TODAY,
                   note="下月起")


def test_an_officer_reads_the_caps_in_force_and_the_versions_to_come(client, officer, policies):
    client.force_login(officer)
    page = client.get("/agency/caps/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="cap-limit"') == 3 and ">7<" in html and "烟台市市场监督管理局" in html
    assert "2026-07-01" in html and "下月起" in html

    api = APIClient()
    api.force_authenticate(officer)
    state = api.get("/api/v1/cap-policy/").json()
    assert state["in_force"]["note"] == "试行" and len(state["in_force"]["rules"]) == 3
    refused = api.post("/api/v1/cap-policy/", {"effective_from": "2026-06-10", "rules": []}, format="json")
    assert refused.status_code == 403


def test_enterprises_are_refused_the_agencys_page_and_the_policy_api(client, policies):
    account = enterprise_user()
    client.force_login(account)
    assert client.get("/agency/caps/").status_code == 403
    api = APIClient()
    api.force_authenticate(account)
    assert api.get("/api/v1/cap-policy/").status_code == 403
