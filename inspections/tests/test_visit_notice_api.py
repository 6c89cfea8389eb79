"""The enterprise app's notice (GET /api/v1/joint-tasks/<id>/notice/) carries what the portal page and the
PDF carry, the visit's inspection code among them, from the same function."""

import base64
import datetime as dt
from unittest import mock

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.tests.factories import OfficerFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections import pdf, qrtokens
from plans.models import JointTask
from plans.tests.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_the_notice_in_the_api_carries_the_same_inspection_code_as_the_page_and_the_pdf(
    request, client, api, city, visit, settings
):
    settings.SITE_URL = "https://jc.yantai.example"
    # The signed token carries its signing time: with the clock stopped, every rendering signs the same one.
    stopped = time_machine.travel(dt.datetime(2026, 6, 9, 9, 30, tzinfo=SHANGHAI), tick=False)
    stopped.start()
    request.addfinalizer(stopped.stop)
    account = enterprise_user(city.enterprise)
    api.force_authenticate(account)
    response = api.get(f"/api/v1/joint-tasks/{visit.pk}/notice/")
    assert response.status_code == 200, response.content
    body = response.json()
    code = body["inspection_code"]
    assert qrtokens.read_task_token(code["token"]) == visit.pk
    assert code["verify_url"] == f"https://jc.yantai.example/verify/inspection/{code['token']}/"
    assert code["qr_png"].startswith("data:image/png;base64,")
    assert base64.b64decode(code["qr_png"].split(",", 1)[1]).startswith(b"\x89PNG")
    assert body["visit_date"] == visit.visit_date.isoformat() and body["enterprise"] == city.enterprise.uscc
    assert {m["code"] for m in body["checklist"]} == {"market-001", "ecology-001"}
    assert all(o["certificate_number"] for o in body["officers"])

    client.force_login(account)
    page = client.get(f"/enterprise/visits/{visit.pk}/").content.decode()
    assert code["verify_url"] in page
    with mock.patch("inspections.qrtokens.qr_png", wraps=qrtokens.qr_png) as qr:
        pdf.render_notice_pdf(visit)
    assert qr.call_args.args == (code["verify_url"],)
    assert pdf.notice_context(visit)["qr"] == code["qr_png"]


def test_the_code_opens_the_public_verification_of_the_visit(api, city, visit):
    api.force_authenticate(enterprise_user(city.enterprise))
    token = api.get(f"/api/v1/joint-tasks/{visit.pk}/notice/").json()["inspection_code"]["token"]
    api.force_authenticate(None)
    verification = api.get(f"/api/v1/verify/inspection/{token}/").json()
    assert verification["registered"] is True and verification["visit_date"] == visit.visit_date.isoformat()


@pytest.mark.parametrize("status", [None, JointTask.Status.CANCELLED])
def test_a_visit_not_fixed_or_cancelled_has_no_notice(api, city, visit, status):
    changes = {"fixed": False} if status is None else {"status": status}
    JointTask.objects.filter(pk=visit.pk).update(**changes)
    api.force_authenticate(enterprise_user(city.enterprise))
    assert api.get(f"/api/v1/joint-tasks/{visit.pk}/notice/").status_code == 404


def test_the_notice_is_refused_to_another_enterprise_an_officer_and_anonymous(api, city, visit):
    path = f"/api/v1/joint-tasks/{visit.pk}/notice/"
    assert api.get(path).status_code in (401, 403)
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    assert api.get(path).status_code == 404
    api.force_authenticate(OfficerFactory())
    assert api.get(path).status_code == 403
