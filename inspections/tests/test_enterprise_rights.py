"""The enterprise's rights (issue 10, item 7) on every notice and visit page and in the notice PDF, from one
include (templates/_enterprise_rights.html); the notice shows each matter's version in force."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from enterprises.tests.factories import enterprise_user
from inspections import pdf, qrtokens
from plans.tests.conftest import SHANGHAI, freeze

from .test_pdf import compact, text_of
from .test_record import finalised

pytestmark = pytest.mark.django_db

COMPLAINTS = ("You may complain about an inspection or an officer's conduct, on this platform (your portal's "
              "Complaints page) or by calling the 12345 government–enterprise hotline (政企通); both reach the "
              "justice bureau.")


def rights_of(page: str) -> str:
    assert page.count("data-rights") == 1, "the rights appear once"
    return page.split("data-rights", 1)[1].split("</section>", 1)[0]


@pytest.fixture
def account(city):
    return enterprise_user(city.enterprise)


def test_the_notice_page_shows_the_rights_with_the_register_and_the_visit_page(client, city, visit, account):
    client.force_login(account)
    page = client.get(f"/enterprise/visits/{visit.pk}/").content.decode()
    rights = rights_of(page)
    assert 'href="/public/certificates/"' in rights and 'href="/public/register/"' in rights
    assert f'href="/enterprise/visits/{visit.pk}/"' in rights and 'href="/public/matters/"' in rights
    assert "12345" in rights and 'href="/enterprise/complaints/"' in rights
    assert 'class="muted small matter-version"' in page  # each matter's version in force


def test_the_visit_list_the_record_and_the_door_check_show_the_same_rights(client, city, visit, account):
    client.force_login(account)
    listed = rights_of(client.get("/enterprise/visits/").content.decode())
    assert 'href="/enterprise/visits/"' in listed
    record = finalised(city, visit)
    assert f'href="/enterprise/visits/{visit.pk}/"' in rights_of(
        client.get(f"/enterprise/records/{record.pk}/").content.decode())
    client.logout()
    with freeze(visit_day_morning(visit)):
        door = client.get(f"/verify/inspection/{qrtokens.task_token(visit.pk)}/").content.decode()
    assert 'href="/public/certificates/"' in rights_of(door)


def visit_day_morning(visit):
    return dt.datetime.combine(visit.visit_date, dt.time(9, 0), tzinfo=SHANGHAI)


def test_the_notice_pdf_carries_the_rights_and_the_matters_versions(settings, city, visit):
    settings.SITE_URL = "https://jc.yantai.example"
    flat = compact(text_of(pdf.render_notice_pdf(visit)))
    with translation.override("zh-hans"):
        complaints = compact(gettext(COMPLAINTS))
    assert complaints in flat
    assert "https://jc.yantai.example/public/register/" in flat
    assert "第1版" in flat and "2024年1月1日起施行" in flat


def test_the_door_check_says_whether_each_officers_certificate_is_valid_on_the_visit_day(client, city, visit):
    day_before = visit.visit_date - dt.timedelta(days=1)
    User.objects.filter(pk=city.ecology_officer.pk).update(certificate_valid_until=day_before)
    with freeze(visit_day_morning(visit)):
        page = client.get(f"/verify/inspection/{qrtokens.task_token(visit.pk)}/").content.decode()
    assert page.count('data-valid="yes"') == 1 and page.count('data-valid="no"') == 1
    assert f'href="/public/certificates/?number={city.market_officer.certificate_number}"' in page
