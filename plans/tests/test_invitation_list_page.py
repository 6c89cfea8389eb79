"""The agency's invitation page is paged, newest first."""

import datetime as dt

import pytest

from enterprises.tests.factories import EnterpriseFactory
from plans.models import Invitation
from plans.services import plan_file
from plans.tests.conftest import City

pytestmark = pytest.mark.django_db


def test_the_invitation_page_shows_a_page_newest_first(client, frozen, monkeypatch):
    monkeypatch.setattr("plans.views.INVITATION_PAGE_SIZE", 2)
    city = City()
    for k in range(3):
        plan_file(
            actor=city.market_officer,
            enterprise=EnterpriseFactory(name=f"主题企业{k}"),
            matters=[city.market_matter],
            theme=city.theme,
            window_start=dt.date(2026, 6, 15),
            window_end=dt.date(2026, 6, 19),
        )
    assert Invitation.objects.filter(agency=city.ecology).count() == 3
    client.force_login(city.ecology_officer)

    first = client.get("/agency/invitations/").content.decode()
    assert [k for k in range(3) if f"主题企业{k}" in first] == [1, 2]
    assert "?page=2" in first
    second = client.get("/agency/invitations/?page=2").content.decode()
    assert [k for k in range(3) if f"主题企业{k}" in second] == [0]
