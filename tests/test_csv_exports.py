"""Issue 12: every list a user reads can be searched by enterprise and taken away as CSV: the same rows as the
page (the same selector and filters), streamed, with a fixed number of queries however many rows; refused to
whoever may not read the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import JusticeUserFactory
from enterprises.tests.factories import enterprise_user
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, City, days, freeze  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    return City()


@pytest.fixture
def frozen():
    import datetime as dt

    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        yield


def csv_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def file_plans(city, n, start=0):
    from enterprises.tests.factories import EnterpriseFactory

    for k in range(start, start + n):
        enterprise = EnterpriseFactory(name=f"烟台导出企业{k}有限公司")
        plan_file(actor=city.market_officer, enterprise=enterprise, matters=[city.market_matter],
                  window_start=days(8), window_end=days(12))


@pytest.mark.parametrize("path", ["/agency/plans/export.csv", "/agency/tasks/export.csv?upcoming=0",
                                  "/enterprises/export.csv"])
def test_an_export_has_the_list_s_rows_in_a_fixed_number_of_queries(client, city, frozen, path):
    client.force_login(city.market_officer)
    file_plans(city, 1)
    with CaptureQueriesContext(connection) as one:
        first = csv_text(client.get(path))
    file_plans(city, 5, start=1)
    with CaptureQueriesContext(connection) as six:
        text = csv_text(client.get(path))
    assert "烟台导出企业5有限公司" in text and "烟台导出企业0有限公司" in first
    assert len(one) == len(six), [q["sql"] for q in six.captured_queries]


def test_the_task_list_and_its_export_search_by_enterprise(client, city, frozen):
    client.force_login(city.market_officer)
    file_plans(city, 3)
    page = client.get("/agency/tasks/?upcoming=0&q=导出企业1").content.decode()
    assert "烟台导出企业1有限公司" in page and "烟台导出企业2有限公司" not in page
    text = csv_text(client.get("/agency/tasks/export.csv?upcoming=0&q=导出企业2"))
    assert "烟台导出企业2有限公司" in text and "烟台导出企业1有限公司" not in text


def test_the_record_list_searches_by_enterprise(client, city, frozen):
    client.force_login(city.market_officer)
    assert client.get("/agency/records/?q=导出").status_code == 200
    assert csv_text(client.get("/agency/records/export.csv?q=导出")).count("\n") == 1  # the header


@pytest.mark.parametrize("path", ["/agency/plans/export.csv", "/agency/tasks/export.csv", "/agency/records/export.csv",
                                  "/enterprises/export.csv", "/justice/tasks/export.csv"])
def test_an_enterprise_account_is_refused_every_export(client, city, path):
    client.force_login(enterprise_user(city.enterprise))
    assert client.get(path).status_code in (403, 404)


def test_the_justice_bureau_exports_its_visits(client, city, frozen):
    file_plans(city, 1)
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert "烟台导出企业0有限公司" in csv_text(client.get("/justice/tasks/export.csv?upcoming=0"))


def test_the_justice_bureau_exports_its_review_queues(client, city, frozen):
    city.whitelist(city.enterprise)
    plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
              window_start=days(8), window_end=days(12))
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    text = csv_text(client.get("/justice/reviews/export.csv"))
    assert city.enterprise.name in text and city.market_matter.name in text
    client.force_login(city.market_officer)
    assert client.get("/justice/reviews/export.csv").status_code in (403, 404)


def test_an_agency_exports_its_invitations(client, city, frozen):
    plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter], theme=city.theme,
              window_start=days(10), window_end=days(14))
    client.force_login(city.ecology_officer)
    assert city.enterprise.name in csv_text(client.get("/agency/invitations/export.csv"))
    client.force_login(city.market_officer)  # the lead agency is not invited
    assert city.enterprise.name not in csv_text(client.get("/agency/invitations/export.csv"))
