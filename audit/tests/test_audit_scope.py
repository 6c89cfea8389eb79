"""Each reader sees the entries of what it may see (``accounts.audit_scope``)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.tests.factories import (
    AdminUserFactory,
    AgencyFactory,
    JusticeBureauFactory,
    JusticeUserFactory,
    OfficerFactory,
)
from audit.selectors import audit_entries_for_user
from audit.services import audit_record
from enterprises.tests.factories import EnterpriseFactory, enterprise_user

pytestmark = pytest.mark.django_db

FUSHAN, ZHIFU = "370611", "370602"


@pytest.fixture
def trail():
    fushan_agency = AgencyFactory(division=FUSHAN)
    zhifu_agency = AgencyFactory(division=ZHIFU)
    fushan_officer = OfficerFactory(agency=fushan_agency)
    zhifu_officer = OfficerFactory(agency=zhifu_agency)
    with transaction.atomic():
        entries = {
            "fushan_action": audit_record(actor=fushan_officer, action="a", obj=EnterpriseFactory(division=ZHIFU)),
            "fushan_agency": audit_record(actor=None, action="b", obj=fushan_agency),
            "zhifu_action": audit_record(actor=zhifu_officer, action="c", obj=zhifu_agency),
            "zhifu_enterprise": audit_record(actor=None, action="d", obj=EnterpriseFactory(division=ZHIFU)),
        }
    return {"fushan": fushan_officer, "zhifu": zhifu_officer, **entries}


def _seen(user):
    return set(audit_entries_for_user(user=user).values_list("pk", flat=True))


def test_a_district_bureau_never_sees_another_districts_entries(trail):
    bureau = JusticeUserFactory(agency=JusticeBureauFactory(division=FUSHAN))
    assert _seen(bureau) == {trail["fushan_agency"].pk}


def test_the_other_district_sees_its_own(trail):
    bureau = JusticeUserFactory(agency=JusticeBureauFactory(division=ZHIFU))
    assert _seen(bureau) == {trail["fushan_action"].pk, trail["zhifu_action"].pk, trail["zhifu_enterprise"].pk}


def test_an_inactive_district_bureau_sees_nothing(trail):
    bureau = JusticeUserFactory(agency=JusticeBureauFactory(division=FUSHAN, active=False))
    assert _seen(bureau) == set()


def test_an_agency_sees_its_actions_and_its_objects(trail):
    assert _seen(trail["fushan"]) == {trail["fushan_action"].pk, trail["fushan_agency"].pk}
    assert _seen(trail["zhifu"]) == {trail["zhifu_action"].pk}


@pytest.mark.parametrize("make_user", [JusticeUserFactory, AdminUserFactory])  # the city's bureau, an admin
def test_the_city_bureau_and_admins_see_everything(trail, make_user):
    assert {e.pk for k, e in trail.items() if k not in ("fushan", "zhifu")} <= _seen(make_user())


def test_an_enterprise_is_refused(trail):
    with pytest.raises(PermissionDenied):
        audit_entries_for_user(user=enterprise_user())


def test_the_page_shows_a_district_only_its_entries(client, trail):
    client.force_login(JusticeUserFactory(agency=JusticeBureauFactory(division=FUSHAN)))
    page = client.get("/audit/").content.decode()
    assert trail["zhifu_action"].object_repr not in page
