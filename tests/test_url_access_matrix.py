"""Every URL the platform serves refuses anonymous visitors, except the few that are public on purpose.
A view that forgets its access decorator fails here."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = [
    r"^login/$",
    r"^logout/$",
    r"^i18n/",
    r"^api/schema/$",
    r"^api/docs/$",
    r"^api/redoc/$",
    r"^verify/inspection/",
    r"^verify/record/",
    r"^verify/paper/",  # an enforcement paper's QR code (inspections/tests/test_papers.py)
    r"^public/",  # the public register and the published list of matters (portals/tests/test_public_pages.py)
    r"^api/v1/public/",
    r"^api/v1/verify/inspection/",
    r"^api/v1/verify/paper/",
    r"^api/v1/auth/token/$",
    r"^admin/",  # Django admin: its own login, tested in accounts/tests/test_admin.py
    r"^$",  # the home page redirects to the login
    r"^favicon\.ico$",  # the site's icon
    r"^whitelist/$",  # the published whitelist (credit.whitelist_views): name, code, district, since when
    r"^api/v1/whitelist/$",  # the same in the API (credit.whitelist_api.PublicWhitelistApi)
    r"^public/random-checks/",  # 双随机、一公开: commitments, seeds, replays, results (test_random_check_pages)
    r"^api/v1/public/random-checks/",
    r"^healthz/$",  # the health probe: says only whether the database answers (tests/test_healthz.py)
]


def all_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def concrete(route: str) -> str:
    path = re.sub(r"<int:[a-z_]+>", "1", route)
    path = re.sub(r"<(str:)?[a-z_]+>", "91370611000000000X", path)
    return "/" + path.lstrip("^").rstrip("$")


ROUTES = sorted({r for r in all_routes() if not any(re.match(p, r) for p in PUBLIC)})


def test_the_matrix_covers_the_portals_and_the_api():
    assert any(r.startswith("agency/") for r in ROUTES)
    assert any(r.startswith("enterprise/") for r in ROUTES)
    assert any(r.startswith("justice/") for r in ROUTES)
    assert sum(r.startswith("api/v1/") for r in ROUTES) > 20


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_refused(client, route):
    path = concrete(route)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if route.startswith("api/"):
            assert response.status_code in (401, 403, 405), (method, path, response.status_code)
        else:
            assert response.status_code in (302, 405), (method, path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), (method, path, response["Location"])


PORTAL_OF_PREFIX = {"agency/": "officer", "justice/": "justice", "enterprise/": "enterprise"}


@pytest.fixture
def users():
    from accounts.tests.factories import JusticeUserFactory, OfficerFactory
    from enterprises.tests.factories import enterprise_user

    return {"officer": OfficerFactory(), "justice": JusticeUserFactory(), "enterprise": enterprise_user()}


@pytest.mark.parametrize("route", [r for r in ROUTES if r.split("/")[0] + "/" in PORTAL_OF_PREFIX])
def test_each_portal_url_refuses_the_other_roles(client, users, route):
    owner = PORTAL_OF_PREFIX[route.split("/")[0] + "/"]
    path = concrete(route)
    for role, user in users.items():
        if role == owner:
            continue
        client.force_login(user)
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            assert status in (403, 405), (role, method, path, status)
