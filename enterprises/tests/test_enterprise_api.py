import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory, api_key_for
from credit.models import CreditProfile
from enterprises.tests.factories import EnterpriseFactory, LicenceFactory, enterprise_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_token_is_issued_for_a_username_and_password(api):
    OfficerFactory(username="wang.wu")
    response = api.post("/api/v1/auth/token/", {"username": "wang.wu", "password": "pass-12345"}, format="json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_a_wrong_password_gets_field_messages_as_json(api):
    OfficerFactory(username="wang.wu")
    response = api.post("/api/v1/auth/token/", {"username": "wang.wu", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_an_officer_reads_an_enterprise_by_its_code_with_a_token(api):
    enterprise = EnterpriseFactory()
    LicenceFactory(enterprise=enterprise)
    officer = OfficerFactory()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(officer)}")
    response = api.get(f"/api/v1/enterprises/{enterprise.uscc}/")
    assert response.status_code == 200
    body = response.json()
    assert body["uscc"] == enterprise.uscc
    assert body["name"] == enterprise.name
    assert body["whitelisted"] is False
    assert len(body["licences"]) == 1


def test_anonymous_callers_are_refused(api):
    enterprise = EnterpriseFactory()
    assert api.get(f"/api/v1/enterprises/{enterprise.uscc}/").status_code == 401
    assert api.get("/api/v1/enterprises/").status_code == 401


def test_an_enterprise_reads_its_own_and_not_another(api):
    mine, other = EnterpriseFactory(), EnterpriseFactory()
    api.force_authenticate(enterprise_user(mine))
    assert api.get(f"/api/v1/enterprises/{mine.uscc}/").status_code == 200
    assert api.get(f"/api/v1/enterprises/{other.uscc}/").status_code == 404
    listed = [e["uscc"] for e in api.get("/api/v1/enterprises/").json()["results"]]
    assert listed == [mine.uscc]


def test_a_district_agency_sees_only_its_district(api):
    officer = OfficerFactory(agency=AgencyFactory(level="district", division="370683"))
    inside, outside = EnterpriseFactory(division="370683"), EnterpriseFactory(division="370611")
    api.force_authenticate(officer)
    assert api.get(f"/api/v1/enterprises/{outside.uscc}/").status_code == 404
    listed = [e["uscc"] for e in api.get("/api/v1/enterprises/").json()["results"]]
    assert listed == [inside.uscc]


def test_whitelisted_enterprises_are_listed_with_the_filter(api):
    white, plain = EnterpriseFactory(), EnterpriseFactory()
    CreditProfile.objects.create(enterprise=white, grade="A", whitelisted=True)
    CreditProfile.objects.create(enterprise=plain, grade="B")
    api.force_authenticate(JusticeUserFactory())
    results = api.get("/api/v1/enterprises/", {"whitelisted": "true"}).json()["results"]
    assert [e["uscc"] for e in results] == [white.uscc]
    assert results[0]["whitelisted"] is True
    assert api.get("/api/v1/enterprises/", {"whitelisted": "maybe"}).status_code == 400


def test_the_list_does_not_grow_in_queries_with_rows(api, django_assert_max_num_queries):
    EnterpriseFactory.create_batch(30)
    api.force_authenticate(OfficerFactory())
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/enterprises/").status_code == 200


def test_the_openapi_schema_lists_the_enterprise_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/enterprises/{uscc}/" in response.json()["paths"]
