"""Issue 12 item 7, the newer lists as CSV: recusal requests (agency and enterprise), the head's approval queue,
random-check campaigns (agency and justice bureau) and whitelist candidates: the page's selector, streamed, a
fixed number of queries at two sizes, refused to the roles that cannot read the list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.heads import agency_head_approval_set, agency_head_set
from accounts.tests.factories import JusticeUserFactory, OfficerFactory
from credit.models import WhitelistEntry
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans.campaigns import campaign_create
from plans.recusal import recusal_request
from plans.services import plan_file

from .conftest import days
from .test_random_check_pages import population

pytestmark = pytest.mark.django_db


def csv_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def pinned(client, user, path, grow):
    """The export's text with one row and with five, asserting the same number of queries."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as one:
        first = csv_text(client.get(path))
    grow(4)
    client.force_login(user)
    with CaptureQueriesContext(connection) as five:
        more = csv_text(client.get(path))
    assert len(one) == len(five), [q["sql"] for q in five.captured_queries]
    return first, more


def refused(client, path, *users):
    for user in users:
        client.force_login(user)
        assert client.get(path).status_code == 403, (path, user)
    client.logout()
    assert client.get(path).status_code == 302


def test_recusal_requests_export_for_the_agency_and_the_enterprise(client, city, frozen):
    account = enterprise_user(city.enterprise)

    def grow(n):
        for _k in range(n):
            plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                             window_start=days(8), window_end=days(20),
                             officers=[city.market_officer, city.market_officer2])
            recusal_request(actor=account, plan=plan, officer=city.market_officer2, reason="曾有经济纠纷")

    grow(1)
    for user, path, page in ((city.market_officer, "/agency/recusals/export.csv", "/agency/recusals/"),
                             (account, "/enterprise/recusals/export.csv", "/enterprise/recusals/")):
        client.force_login(user)
        assert path in client.get(page).content.decode()
    first, more = pinned(client, city.market_officer, "/agency/recusals/export.csv", grow)
    assert city.enterprise.name in first and "曾有经济纠纷" in first and more.count("\n") == 6
    client.force_login(account)
    text = csv_text(client.get("/enterprise/recusals/export.csv"))
    assert city.market.name in text and text.count("\n") == 6
    client.force_login(city.ecology_officer)  # another agency: none of the market's
    assert csv_text(client.get("/agency/recusals/export.csv")).count("\n") == 1
    client.force_login(enterprise_user(EnterpriseFactory()))
    assert csv_text(client.get("/enterprise/recusals/export.csv")).count("\n") == 1
    justice = JusticeUserFactory(agency=city.justice_bureau)
    refused(client, "/agency/recusals/export.csv", account, justice)
    refused(client, "/enterprise/recusals/export.csv", city.market_officer, justice)


def test_the_head_exports_the_approval_queue(client, city, frozen):
    agency_head_approval_set(actor=None, agency=city.market, required=True)
    city.market_officer.agency.refresh_from_db()
    head = agency_head_set(actor=None, user=OfficerFactory(agency=city.market, username="market-head"),
                           is_head=True)

    def grow(n):
        for _k in range(n):
            plan_file(actor=city.market_officer, enterprise=EnterpriseFactory(name=f"待审批企业{_k}"),
                      matters=[city.market_matter], window_start=days(8), window_end=days(14))

    grow(1)
    client.force_login(head)
    assert "/agency/approvals/export.csv" in client.get("/agency/approvals/").content.decode()
    first, more = pinned(client, head, "/agency/approvals/export.csv", grow)
    assert "待审批企业0" in first and city.market_matter.name in first and more.count("\n") == 6
    refused(client, "/agency/approvals/export.csv", city.market_officer, enterprise_user(city.enterprise),
            JusticeUserFactory(agency=city.justice_bureau))


def test_random_check_campaigns_export_for_the_agency_and_the_justice_bureau(client, city, frozen):
    population(2)

    def grow(n):
        for k in range(n):
            campaign_create(actor=city.market_officer, name=f"抽查批次{k}", matters=[city.market_matter],
                            window_start=days(10), window_end=days(30), division="370613")

    grow(1)
    justice = JusticeUserFactory(agency=city.justice_bureau)
    client.force_login(city.market_officer)
    assert "/agency/random-checks/export.csv" in client.get("/agency/random-checks/").content.decode()
    first, more = pinned(client, city.market_officer, "/agency/random-checks/export.csv", grow)
    assert "抽查批次0" in first and city.market.name in first and more.count("\n") == 6
    client.force_login(justice)
    assert "/justice/random-checks/export.csv" in client.get("/justice/random-checks/").content.decode()
    assert csv_text(client.get("/justice/random-checks/export.csv")).count("\n") == 6
    client.force_login(city.ecology_officer)  # another agency's campaigns are not its own
    assert csv_text(client.get("/agency/random-checks/export.csv")).count("\n") == 1
    refused(client, "/agency/random-checks/export.csv", justice, enterprise_user(city.enterprise))
    refused(client, "/justice/random-checks/export.csv", city.market_officer, enterprise_user(city.enterprise))


def test_the_justice_bureau_exports_its_whitelist_candidates(client, city, frozen):
    def grow(n):
        for k in range(n):
            WhitelistEntry.objects.create(enterprise=EnterpriseFactory(name=f"候选企业{k}"),
                                          proposed_on=dt.date(2026, 5, 1))

    grow(1)
    justice = JusticeUserFactory(agency=city.justice_bureau)
    client.force_login(justice)
    assert "/justice/whitelist/export.csv" in client.get("/justice/whitelist/").content.decode()
    first, more = pinned(client, justice, "/justice/whitelist/export.csv", grow)
    assert "候选企业0" in first and "2026-05-01" in first and more.count("\n") == 6
    refused(client, "/justice/whitelist/export.csv", city.market_officer, enterprise_user(city.enterprise))
