"""The public register, the certificate check and the published list of matters (issue 10, items 1-2):
open without login, showing the officers' names, certificate numbers, agencies and validity and no other
personal data, in a fixed number of queries."""

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Agency, User
from accounts.tests.factories import AgencyFactory, OfficerFactory
from catalogue.models import Matter
from catalogue.tests.factories import MatterFactory
from plans.tests.conftest import SHANGHAI, freeze

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def frozen_now():
    with freeze(NOW):
        yield NOW.date()


@pytest.fixture
def agency():
    return AgencyFactory(code="yt-market", name="烟台市市场监督管理局")


def officer(agency, **kwargs):
    kwargs.setdefault("phone", "13800000000")
    kwargs.setdefault("email", "secret@example.com")
    return OfficerFactory(agency=agency, **kwargs)


def test_the_register_lists_only_inspection_bodies_anonymously(client, agency):
    AgencyFactory(name="外包检测机构", inspection_authority=False)
    AgencyFactory(name="已撤销的执法部门", active=False)
    page = client.get("/public/register/").content.decode()
    assert "烟台市市场监督管理局" in page and "外包检测机构" not in page and "已撤销的执法部门" not in page
    assert client.get("/public/register/?page=abc").status_code == 200


def test_an_agencys_officers_show_name_number_agency_and_validity_and_nothing_else(client, agency, frozen_now):
    valid = officer(agency, full_name="王伟", username="wangwei-login")
    expired = officer(agency, full_name="李娜", certificate_valid_until=dt.date(2026, 5, 31))
    trainee = officer(agency, full_name="张敏", certificate_number="", certificate_valid_from=None,
                      certificate_valid_until=None)
    page = client.get("/public/register/yt-market/").content.decode()
    assert "王伟" in page and valid.certificate_number in page and "2030-12-31" in page
    assert "李娜" in page and expired.certificate_number in page
    assert page.count('data-valid="no"') == 1 and page.count('data-valid="yes"') == 1
    assert "张敏" not in page and trainee.username not in page
    assert "wangwei-login" not in page and "13800000000" not in page and "secret@example.com" not in page
    assert client.get("/public/register/no-such-agency/").status_code == 404
    AgencyFactory(code="outsourced", inspection_authority=False)
    assert client.get("/public/register/outsourced/").status_code == 404


def test_the_certificate_check_answers_valid_expired_and_unknown(client, agency, frozen_now):
    valid = officer(agency, full_name="王伟", username="wangwei-login")
    expired = officer(agency, full_name="李娜", certificate_valid_until=dt.date(2026, 5, 31))
    page = client.get("/public/certificates/", {"number": valid.certificate_number}).content.decode()
    assert 'data-verdict="valid"' in page and "王伟" in page and agency.name in page
    assert "wangwei-login" not in page and "13800000000" not in page
    page = client.get("/public/certificates/", {"number": expired.certificate_number}).content.decode()
    assert 'data-verdict="not-valid"' in page and "2026-05-31" in page
    page = client.get("/public/certificates/", {"number": "NO-SUCH"}).content.decode()
    assert 'data-verdict="unknown"' in page
    assert client.get("/public/certificates/", {"number": "9" * 500}).status_code == 200
    assert client.get("/public/certificates/", {"number": "a\x00b"}).status_code == 400
    assert 'data-verdict' not in client.get("/public/certificates/").content.decode()


def test_an_officer_of_an_agency_without_authority_is_not_valid(client, agency, frozen_now):
    holder = officer(agency)
    Agency.objects.filter(pk=agency.pk).update(inspection_authority=False)
    body = APIClient().get(f"/api/v1/public/certificates/{holder.certificate_number}/").json()
    assert body["found"] and body["certificate_valid"] and not body["agency_may_inspect"] and not body["valid"]


def test_the_certificate_api_answers_anonymously_with_the_public_facts_only(agency, frozen_now):
    holder = officer(agency, full_name="王伟")
    body = APIClient().get(f"/api/v1/public/certificates/{holder.certificate_number}/").json()
    assert body == {
        "found": True, "valid": True, "certificate_valid": True, "agency_may_inspect": True, "name": "王伟",
        "certificate_number": holder.certificate_number, "issuer": "山东省人民政府", "valid_from": "2020-01-01",
        "valid_until": "2030-12-31", "agency": agency.name, "agency_code": "yt-market", "on": "2026-06-01",
    }
    assert APIClient().get("/api/v1/public/certificates/NOPE/").json() == {"found": False, "valid": False}
    User.objects.filter(pk=holder.pk).update(is_active=False)  # a deactivated account is off the register
    assert not APIClient().get(f"/api/v1/public/certificates/{holder.certificate_number}/").json()["found"]


def test_the_register_api_pages_an_agencys_officers(agency, frozen_now):
    for name in ("甲", "乙", "丙"):
        officer(agency, full_name=name)
    body = APIClient().get("/api/v1/public/agencies/yt-market/officers/?limit=2").json()
    assert [o["name"] for o in body["results"]] == sorted(["甲", "乙", "丙"])[:2] and body["next"]
    assert set(body["results"][0]) == {"name", "certificate_number", "issuer", "valid_from", "valid_until",
                                       "valid_today", "agency"}
    assert APIClient().get("/api/v1/public/agencies/nope/officers/").status_code == 404


# -- the published list of matters -------------------------------------------------------------------------


def test_the_matters_page_and_open_data_list_the_matters_in_force_and_ahead(client, frozen_now):
    MatterFactory(code="m-1", name="食品经营许可", standard="持证经营", legal_basis="《食品安全法》第三十五条")
    MatterFactory(code="m-2", name="新版标准", version=2, effective_from=dt.date(2026, 7, 1))
    MatterFactory(code="m-0", name="已废止事项", effective_until=dt.date(2026, 5, 31))
    MatterFactory(code="m-x", name="停用事项", active=False)
    page = client.get("/public/matters/").content.decode()
    assert "食品经营许可" in page and "《食品安全法》第三十五条" in page and "新版标准" in page
    assert "已废止事项" not in page and "停用事项" not in page
    response = client.get("/public/matters.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["code"], r["version"], r["in_force_today"]) for r in rows] == [("m-1", "1", "1"), ("m-2", "2", "0")]
    food = Matter.objects.get(code="m-1").department
    narrowed = client.get("/public/matters/", {"department": food.code}).content.decode()
    assert "食品经营许可" in narrowed and "新版标准" not in narrowed
    assert "新版标准" in client.get("/public/matters/", {"department": "no-such"}).content.decode()  # all of them
    data = json.loads(client.get("/public/matters.json").content)
    assert [m["code"] for m in data["matters"]] == ["m-1", "m-2"]
    assert data["matters"][0]["standard"] == "持证经营" and data["matters"][1]["effective_from"] == "2026-07-01"


# -- query pins ---------------------------------------------------------------------------------------------


def pinned(django_assert_num_queries, url, n, grow):
    with django_assert_num_queries(n):
        assert Client().get(url).status_code == 200
    grow()
    with django_assert_num_queries(n):
        assert Client().get(url).status_code == 200


def test_the_public_lists_take_a_fixed_number_of_queries(django_assert_num_queries, agency, frozen_now):
    for _ in range(2):
        officer(agency)
        MatterFactory()
    pinned(django_assert_num_queries, "/public/register/", 1,
           lambda: [AgencyFactory() for _ in range(5)])
    pinned(django_assert_num_queries, "/public/register/yt-market/", 2,
           lambda: [officer(agency) for _ in range(5)])
    pinned(django_assert_num_queries, "/public/matters/", 3,
           lambda: [MatterFactory() for _ in range(5)])
    pinned(django_assert_num_queries, "/public/matters.json", 2,
           lambda: [MatterFactory() for _ in range(5)])
    assert Matter.objects.count() == 12


PUBLIC_PAGES = ["/public/register/", "/public/register/yt-market/", "/public/certificates/", "/public/matters/",
                "/public/matters.csv", "/public/matters.json"]


def test_the_public_pages_only_read(client, agency):
    holder = officer(agency)
    for path in PUBLIC_PAGES:
        assert client.get(path).status_code == 200, path
        assert client.post(path).status_code == 405, path
    api = (f"/api/v1/public/certificates/{holder.certificate_number}/", "/api/v1/public/agencies/yt-market/officers/")
    for path in api:
        assert APIClient().get(path).status_code == 200, path
        assert APIClient().post(path).status_code == 405, path
        assert APIClient().delete(path).status_code == 405, path


def test_a_signed_in_user_sees_the_same_public_facts(client, agency, frozen_now):
    holder = officer(agency, full_name="王伟")
    anonymous = client.get("/public/register/yt-market/").content.decode()
    client.force_login(holder)
    signed_in = client.get("/public/register/yt-market/").content.decode()
    assert "王伟" in anonymous and "王伟" in signed_in and "13800000000" not in signed_in
