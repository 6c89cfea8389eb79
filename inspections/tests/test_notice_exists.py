"""One definition of "a notice exists" (JointTask.has_notice, JointTask.objects.with_notice()), used by the
enterprise's visit page, both notice PDFs, the agency's visit and on-site pages, the public inspection code
and the API."""

import itertools

import pytest
from rest_framework.test import APIClient

from enterprises.tests.factories import enterprise_user
from inspections import qrtokens
from plans.models import JointTask

pytestmark = pytest.mark.django_db

NOTICE_PDF = "/agency/tasks/{pk}/notice.pdf"


def test_the_property_and_the_queryset_agree_on_every_state(visit):
    for fixed, status in itertools.product([True, False], JointTask.Status.values):
        JointTask.objects.filter(pk=visit.pk).update(fixed=fixed, status=status)
        visit.refresh_from_db()
        assert JointTask.objects.with_notice().filter(pk=visit.pk).exists() == visit.has_notice
        assert visit.has_notice == (fixed and status != "cancelled")


@pytest.mark.parametrize("page", ["/agency/tasks/{pk}/", "/agency/tasks/{pk}/site/"])
def test_the_agency_pages_offer_no_notice_for_a_cancelled_visit(client, city, visit, page):
    # Old code: both pages tested only task.fixed and linked to a notice that the PDF view then refused.
    client.force_login(city.market_officer)
    assert NOTICE_PDF.format(pk=visit.pk) in client.get(page.format(pk=visit.pk)).content.decode()
    JointTask.objects.filter(pk=visit.pk).update(status=JointTask.Status.CANCELLED)
    assert NOTICE_PDF.format(pk=visit.pk) not in client.get(page.format(pk=visit.pk)).content.decode()


def test_a_cancelled_visit_has_no_notice_anywhere_the_enterprise_looks(client, city, visit):
    JointTask.objects.filter(pk=visit.pk).update(status=JointTask.Status.CANCELLED)
    client.force_login(enterprise_user(city.enterprise))
    page = client.get(f"/enterprise/visits/{visit.pk}/").content.decode()
    assert "notice.pdf" not in page and "<svg" not in page
    assert client.get(f"/enterprise/visits/{visit.pk}/notice.pdf").status_code == 404
    client.force_login(city.market_officer)
    response = client.get(NOTICE_PDF.format(pk=visit.pk))
    assert response.status_code == 302  # back to the visit, with the reason
    client.logout()
    page = client.get(f"/verify/inspection/{qrtokens.task_token(visit.pk)}/").content.decode()
    assert 'data-verdict="not-registered"' in page


def test_the_api_says_whether_the_visit_has_a_notice(city, visit):
    api = APIClient()
    api.force_authenticate(enterprise_user(city.enterprise))
    assert api.get(f"/api/v1/joint-tasks/{visit.pk}/").json()["has_notice"] is True
    JointTask.objects.filter(pk=visit.pk).update(status=JointTask.Status.CANCELLED)
    data = api.get(f"/api/v1/joint-tasks/{visit.pk}/").json()
    assert data["fixed"] is True and data["has_notice"] is False
