"""No server error on any input: every URL pattern is requested by each role with odd query strings (NUL
bytes, year-9999 dates, integers past bigint, a lone ``%``, very long strings), and every API endpoint that
takes a body gets a 100,000-deep JSON document and a NUL byte. Whatever the answer (400, 403, 404, a page),
it is never a 500. The rule that answers lives in one place: ``yantai_inspect.inputs``."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.tests.factories import JusticeUserFactory
from enterprises.models import BusyPeriod
from enterprises.tests.factories import enterprise_user
from plans.models import Plan
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, City

pytestmark = pytest.mark.django_db

PARAMS = [
    "page", "limit", "offset", "q", "status", "enterprise", "upcoming", "by", "from", "to", "queue",
    "invitation", "y", "m", "type", "agency", "theme", "division", "whitelisted", "urgent",
    "window_start", "window_end", "date", "start", "end", "year",
]  # fmt: skip
ODD = {
    "nul": "a\x00b",
    "year-9999": "9999-12-31",
    "year-0": "0000-01-01",
    "huge": "99999999999999999999",
    "negative": "-99999999999999999999",
    "percent": "%",
    "long": "烟" * 5000,
}


def all_routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


ROUTES = sorted({r for r in all_routes() if not r.startswith("admin/")})


class World:
    def __init__(self):
        self.city = city = City()
        self.plan = plan_file(
            actor=city.market_officer,
            enterprise=city.enterprise,
            matters=[city.market_matter],
            window_start=dt.date(2026, 6, 9),
            window_end=dt.date(2026, 6, 12),
        )
        self.period = BusyPeriod.objects.create(
            enterprise=city.enterprise, start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 3)
        )
        self.users = {
            "officer": city.market_officer,
            "justice": JusticeUserFactory(agency=city.justice_bureau),
            "enterprise": enterprise_user(city.enterprise),
            "anonymous": None,
        }

    def path(self, route: str) -> str:
        ids = {"plans": self.plan.pk, "busy-periods": self.period.pk, "joint-tasks": self.plan.joint_task_id}
        head = [p for p in route.split("/") if p and not p.startswith("<")]
        pk = next((ids[h] for h in reversed(head) if h in ids), self.plan.pk)
        path = re.sub(r"<int:[a-z_]+>", str(pk), route)
        path = re.sub(r"<(str:)?uscc>", self.city.enterprise.uscc, path)
        path = re.sub(r"<(str:)?[a-z_]+>", "x" * 20, path)
        return "/" + path


@pytest.fixture
def world():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield World()


def _client(user, api):
    client = APIClient() if api else Client()
    client.raise_request_exception = False
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("route", ROUTES)
def test_no_odd_query_string_makes_a_server_error(world, route):
    path = world.path(route)
    failures = []
    for role, user in world.users.items():
        client = _client(user, api=route.startswith("api/"))
        for name, value in ODD.items():
            response = client.get(path, dict.fromkeys(PARAMS, value))
            if response.status_code >= 500:
                failures.append((role, name, response.status_code))
        response = client.get(path + "?page=%&limit=%ZZ&q=%00")  # undecodable escapes, raw
        if response.status_code >= 500:
            failures.append((role, "raw escapes", response.status_code))
    assert not failures, (path, failures)


BODY_METHODS = ("post", "put", "patch")


def api_body_routes():
    from django.urls import resolve

    found = []
    for route in ROUTES:
        if not route.startswith("api/v1/"):
            continue
        view = resolve("/" + re.sub(r"<[^>]+>", "1", route)).func
        methods = {m for m in getattr(view, "cls", object).__dict__ if m in BODY_METHODS}
        found += [(route, m) for m in sorted(methods)]
    return found


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(("route", "method"), api_body_routes())
def test_no_api_body_makes_a_server_error(world, route, method):
    path = world.path(route)
    failures = []
    for role in ("officer", "enterprise", "justice"):
        client = _client(world.users[role], api=True)
        for name, body in {
            "deep": DEEP,
            "deep object": '{"a":' * 100_000 + "1" + "}" * 100_000,
            "nul": '{"note": "a\\u0000b", "reason": "a\\u0000b", "start": "2026-07-10", "end": "2026-07-11"}',
            "year-9999": '{"window_start": "9999-12-30", "window_end": "9999-12-31", "start": "9999-12-30", '
            '"end": "9999-12-31", "deadline": "9999-12-31"}',
        }.items():
            response = getattr(client, method)(path, body, content_type="application/json")
            if response.status_code >= 500:
                failures.append((role, name, response.status_code))
    assert not failures, (path, method, failures)


def test_the_walk_covers_every_portal_and_the_api(world):
    assert sum(r.startswith("api/v1/") for r in ROUTES) > 30
    assert {r.split("/")[0] for r in ROUTES} >= {"agency", "enterprise", "justice", "audit", "api"}
    assert len(api_body_routes()) > 15
    assert Plan.objects.count() == 1


# -- what the answer says: the field, in a 400 ------------------------------------------------------------


def test_a_nul_byte_in_a_query_string_is_a_400_on_its_field(world):
    api = _client(world.users["officer"], api=True)
    response = api.get("/api/v1/matters/", {"theme": "a\x00b"})
    assert response.status_code == 400 and "theme" in response.json()
    page = _client(world.users["justice"], api=False).get("/audit/", {"type": "a\x00b"})
    assert page.status_code == 400 and "NUL" in page.content.decode()


def test_an_out_of_range_offset_or_limit_is_a_400_on_its_field(world):
    api = _client(world.users["officer"], api=True)
    for name in ("limit", "offset"):
        response = api.get("/api/v1/plans/", {name: "99999999999999999999"})
        assert response.status_code == 400 and name in response.json(), name
    assert api.get("/api/v1/plans/", {"offset": 10**9}).status_code == 400
    assert api.get("/api/v1/plans/", {"limit": 10**9}).status_code == 200  # capped at max_limit, as before


def test_a_year_9999_date_is_a_400_on_its_field(world):
    api = _client(world.users["officer"], api=True)
    preview = api.get(
        "/api/v1/plans/preview/",
        {"enterprise": world.city.enterprise.uscc, "window_start": "9999-12-30", "window_end": "9999-12-31"},
    )
    assert preview.status_code == 400 and "window_start" in preview.json()
    filed = api.post(
        "/api/v1/plans/",
        {"enterprise": world.city.enterprise.uscc, "matters": [world.city.market_matter.code],
         "window_start": "9999-12-30", "window_end": "9999-12-31"},
        format="json",
    )  # fmt: skip
    assert filed.status_code == 400 and {"window_start", "window_end"} & set(filed.json())
    calendar = _client(world.users["officer"], api=False).get("/agency/calendar/", {"y": 9999, "m": 12})
    assert calendar.status_code == 400


def test_an_invitation_that_is_not_a_number_is_a_400(world):
    page = _client(world.users["officer"], api=False).get("/agency/plans/new/", {"invitation": "abc"})
    assert page.status_code == 400 and "invitation" in page.content.decode()


def test_a_deeply_nested_json_body_is_a_400(world):
    api = _client(world.users["enterprise"], api=True)
    response = api.post("/api/v1/my-enterprise/busy-periods/", DEEP, content_type="application/json")
    assert response.status_code == 400 and "32" in response.json()["detail"]
    # 41 levels parse without recursion trouble, and are still refused: the bound is the platform's, not the stack's.
    forty_one = '{"start": "2026-07-10", "end": "2026-07-11", "reason": ' + "[" * 40 + "]" * 40 + "}"
    response = api.post("/api/v1/my-enterprise/busy-periods/", forty_one, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()


def test_a_json_number_beyond_64_bits_is_a_400_on_its_field(world):
    """Found by tests/test_schema_fuzz.py: a JSON number (not a string) of 2**64 reached the database."""
    api = _client(world.users["officer"], api=True)
    response = api.post("/api/v1/notifications/read/", {"ids": [1, 2**64]}, format="json")
    assert response.status_code == 400 and "ids" in response.json()
    assert api.post("/api/v1/notifications/read/", {"ids": [2**63 - 1]}, format="json").status_code == 200
