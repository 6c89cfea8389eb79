"""Every portal page lets in its own role and refuses the others, and anonymous visitors."""

import pytest

from accounts.tests.factories import AdminUserFactory, JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user

pytestmark = pytest.mark.django_db

ROLES = {
    "officer": OfficerFactory,
    "justice": JusticeUserFactory,
    "enterprise": enterprise_user,
    "admin": AdminUserFactory,
}
LANDING = {"officer": "/agency/", "justice": "/justice/", "enterprise": "/enterprise/", "admin": "/admin/"}
PORTAL_PAGES = {
    "/agency/": {"officer"},
    "/justice/": {"justice"},
    "/enterprise/": {"enterprise"},
    "/enterprises/": {"officer", "justice"},
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_its_own_portal(client, role):
    client.force_login(ROLES[role]())
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == LANDING[role]


def test_login_page_is_in_chinese(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html


def test_login_with_a_password_lands_on_the_portal(client):
    officer = OfficerFactory(username="li.si")
    response = client.post("/login/", {"username": "li.si", "password": "pass-12345"}, follow=True)
    assert response.redirect_chain[-1][0] == "/agency/"
    assert officer.agency.name in response.content.decode()


@pytest.mark.parametrize("page", PORTAL_PAGES)
@pytest.mark.parametrize("role", ["officer", "justice", "enterprise"])
def test_a_portal_refuses_the_roles_it_is_not_for(client, page, role):
    client.force_login(ROLES[role]())
    status = client.get(page).status_code
    if role in PORTAL_PAGES[page]:
        assert status == 200
    else:
        assert status == 403


@pytest.mark.parametrize("page", list(PORTAL_PAGES) + ["/notifications/", "/audit/"])
def test_anonymous_visitors_are_sent_to_login(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_district_agency_cannot_open_an_enterprise_of_another_district(client):
    from accounts.tests.factories import AgencyFactory

    fushan_officer = OfficerFactory(agency=AgencyFactory(level="district", division="370611"))
    laizhou = EnterpriseFactory(division="370683")
    client.force_login(fushan_officer)
    assert client.get(f"/enterprises/{laizhou.uscc}/").status_code == 404
    own = EnterpriseFactory(division="370611")
    assert client.get(f"/enterprises/{own.uscc}/").status_code == 200


def test_the_enterprise_dashboard_shows_only_its_own_enterprise(client):
    mine, other = EnterpriseFactory(), EnterpriseFactory()
    client.force_login(enterprise_user(mine))
    html = client.get("/enterprise/").content.decode()
    assert mine.name in html and other.name not in html


def test_the_enterprise_list_is_filtered_by_name(client):
    EnterpriseFactory(name="烟台金海药业有限公司")
    EnterpriseFactory(name="烟台别的公司")
    client.force_login(OfficerFactory())
    html = client.get("/enterprises/", {"q": "金海"}).content.decode()
    assert "烟台金海药业有限公司" in html and "烟台别的公司" not in html


def test_the_enterprise_list_does_not_grow_in_queries_with_rows(client, django_assert_max_num_queries):
    client.force_login(OfficerFactory())
    EnterpriseFactory.create_batch(25)
    with django_assert_max_num_queries(8):
        client.get("/enterprises/")
