"""Issue 12 item 7, the rest of the lists: the enterprise's upcoming visits and busy periods and every inbox as
CSV, the same rows as the page, in a fixed number of queries, refused to whoever may not read the list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import JusticeUserFactory
from enterprises.models import BusyPeriod
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from notifications.models import Notification
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, City, days, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    return City()


@pytest.fixture
def frozen():
    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        yield


def csv_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def visits(city, n, start=0):
    """``n`` visits of the enterprise, a fortnight apart (windows that do not merge)."""
    for k in range(start, start + n):
        plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                  window_start=days(8 + 14 * k), window_end=days(10 + 14 * k))


def pinned(client, path, grow):
    with CaptureQueriesContext(connection) as one:
        first = csv_text(client.get(path))
    grow()
    with CaptureQueriesContext(connection) as five:
        more = csv_text(client.get(path))
    assert len(one) == len(five), [q["sql"] for q in five.captured_queries]
    return first, more


def test_the_enterprise_exports_its_upcoming_visits(client, city, frozen):
    visits(city, 1)
    client.force_login(enterprise_user(city.enterprise))
    assert "/enterprise/visits/export.csv" in client.get("/enterprise/visits/").content.decode()
    first, more = pinned(client, "/enterprise/visits/export.csv", lambda: visits(city, 4, start=1))
    assert city.market.name in first and city.market_matter.name in first
    assert first.count("\n") == 2 and more.count("\n") == 6


def test_the_enterprise_exports_its_busy_periods(client, city, frozen):
    enterprise = city.enterprise
    BusyPeriod.objects.create(enterprise=enterprise, start=days(3), end=days(4), reason="旺季生产")
    BusyPeriod.objects.create(enterprise=enterprise, start=days(-9), end=days(-8), reason="已过去")
    client.force_login(enterprise_user(enterprise))
    assert "/enterprise/busy-periods/export.csv" in client.get("/enterprise/busy-periods/").content.decode()

    def grow():
        for k in range(4):
            BusyPeriod.objects.create(enterprise=enterprise, start=days(20 + k), end=days(20 + k), reason=f"检修{k}")

    first, more = pinned(client, "/enterprise/busy-periods/export.csv", grow)
    assert "旺季生产" in first and "已过去" not in first  # the page's periods: those not yet over
    assert "检修3" in more


def test_an_inbox_exports_as_csv_for_its_reader_only(client, city):
    Notification.objects.create(agency=city.market, title="许可证即将到期", body="烟台某企业", dedupe_key="a")
    Notification.objects.create(agency=city.ecology, title="生态局的通知", body="", dedupe_key="b")
    client.force_login(city.market_officer)
    assert "/notifications/export.csv" in client.get("/notifications/").content.decode()

    def grow():
        for k in range(4):
            Notification.objects.create(agency=city.market, title=f"通知{k}", body="", dedupe_key=f"n{k}")

    first, more = pinned(client, "/notifications/export.csv", grow)
    assert "许可证即将到期" in first and "生态局的通知" not in first
    assert "通知3" in more
    assert Notification.objects.filter(read_at__isnull=False).count() == 0  # exporting reads nothing
    client.force_login(enterprise_user(city.enterprise))
    assert csv_text(client.get("/notifications/export.csv")).count("\n") == 1
    client.logout()
    assert client.get("/notifications/export.csv").status_code == 302


@pytest.mark.parametrize("path", ["/enterprise/visits/export.csv", "/enterprise/busy-periods/export.csv"])
def test_the_enterprise_exports_are_refused_to_other_roles(client, city, frozen, path):
    visits(city, 1)
    BusyPeriod.objects.create(enterprise=city.enterprise, start=days(3), end=days(4), reason="旺季生产")
    client.force_login(enterprise_user(EnterpriseFactory()))
    text = csv_text(client.get(path))
    assert city.market.name not in text and "旺季生产" not in text
    client.force_login(city.market_officer)
    assert client.get(path).status_code == 403
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert client.get(path).status_code == 403
    client.logout()
    assert client.get(path).status_code == 302
