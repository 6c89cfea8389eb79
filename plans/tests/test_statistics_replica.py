"""The dashboards' statistics read from the replica when one is configured (yantai_inspect.replica), and
nothing else does: writes and every other read stay on the primary."""

import pytest
from django.db import connections, router
from rest_framework.test import APIClient

from accounts.tests.factories import JusticeUserFactory
from plans.models import Plan
from yantai_inspect.replica import REPLICA, replica_reads, replica_reads_active

pytestmark = pytest.mark.django_db


@pytest.fixture
def replica(monkeypatch):
    """A replica alias configured (the router only asks whether it exists; no query runs on it here)."""
    monkeypatch.setitem(connections.settings, REPLICA, connections.settings["default"])


def test_without_a_replica_every_read_stays_on_the_primary():
    with replica_reads():
        assert Plan.objects.all().db == "default"


def test_with_a_replica_only_the_reads_inside_replica_reads_go_there(replica):
    assert Plan.objects.all().db == "default"
    with replica_reads():
        assert Plan.objects.all().db == REPLICA
        assert router.db_for_write(Plan) == "default"
        assert Plan.objects.select_for_update().db == "default"
    assert Plan.objects.all().db == "default"


def test_migrations_never_run_on_the_replica():
    assert router.allow_migrate(REPLICA, "plans", model_name="plan") is False
    assert router.allow_migrate("default", "plans", model_name="plan") is True


@pytest.fixture
def seen(monkeypatch):
    """Record, for each statistics call of the pages and the endpoint, whether it ran inside replica_reads."""
    import plans.api.statistics
    import plans.views
    import portals.views
    from plans.statistics import plan_statistics

    calls = []

    def spy(**kwargs):
        calls.append(replica_reads_active())
        return plan_statistics(**kwargs)

    for module in (plans.api.statistics, plans.views, portals.views):
        monkeypatch.setattr(module, "plan_statistics", spy)
    return calls


@pytest.mark.parametrize("url", ["/justice/", "/justice/statistics/?by=agency", "/agency/statistics/"])
def test_the_pages_compute_their_statistics_on_the_replica(client, city, seen, url):
    user = city.market_officer if url.startswith("/agency/") else JusticeUserFactory(agency=city.justice_bureau)
    client.force_login(user)
    assert client.get(url).status_code == 200
    assert seen and all(seen)


def test_the_statistics_endpoint_computes_on_the_replica(city, seen):
    api = APIClient()
    api.force_authenticate(city.market_officer)
    assert api.get("/api/v1/statistics/", {"by": "month"}).status_code == 200
    assert seen == [True]
