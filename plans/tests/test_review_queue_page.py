"""The justice bureau's review queue page shows a page of each queue, each turned on its own."""

import datetime as dt

import pytest

from accounts.tests.factories import JusticeUserFactory
from enterprises.tests.factories import EnterpriseFactory
from plans.models import Plan
from plans.services import plan_file
from plans.tests.conftest import City

pytestmark = pytest.mark.django_db


def test_each_queue_of_the_review_page_is_paged_on_its_own(client, frozen, monkeypatch):
    monkeypatch.setattr("plans.views.REVIEW_PAGE_SIZE", 2)
    city = City()
    for k in range(3):
        enterprise = EnterpriseFactory(name=f"白名单企业{k}")
        city.whitelist(enterprise)
        plan_file(
            actor=city.market_officer,
            enterprise=enterprise,
            matters=[city.market_matter],
            window_start=dt.date(2026, 6, 15 + k),
            window_end=dt.date(2026, 6, 19 + k),
        )
        plan_file(
            actor=city.market_officer,
            enterprise=EnterpriseFactory(name=f"绿色通道企业{k}"),
            matters=[city.market_matter],
            window_start=frozen,
            window_end=frozen,
            urgent=True,
            urgent_category="public_report",
            urgent_reason="群众举报",
            officers=[city.market_officer, city.market_officer2],
        )
    assert Plan.objects.filter(status="pending_review").count() == 3
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))

    first = client.get("/justice/reviews/").content.decode()
    assert [k for k in range(3) if f"白名单企业{k}" in first] == [0, 1]
    assert [k for k in range(3) if f"绿色通道企业{k}" in first] == [0, 1]
    assert "?page=2" in first and "?green_page=2" in first

    green_2 = client.get("/justice/reviews/?green_page=2").content.decode()
    assert [k for k in range(3) if f"白名单企业{k}" in green_2] == [0, 1]
    assert [k for k in range(3) if f"绿色通道企业{k}" in green_2] == [2]
    assert "?green_page=1" in green_2  # the green queue's way back
    assert "?green_page=2&page=2" in green_2  # the whitelist queue turns its page and keeps the other's
