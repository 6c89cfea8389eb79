"""One rule for which justice bureau is responsible (accounts.selectors.justice_bureau_for_division), used by
plan review notifications, the same-level review check, the bureau's plan lists and objection routing."""

import pytest

from accounts.models import Agency
from accounts.selectors import agencies_supervised_by, divisions_supervised_by, justice_bureau_for_division
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import EnterpriseFactory
from notifications.models import Notification
from plans.selectors import plans_for_user, review_queue
from plans.services import plan_file, plan_post_review, plan_review
from yantai_inspect.errors import DomainError

from .conftest import days

pytestmark = pytest.mark.django_db

ZONE = "370671"  # 经济技术开发区: no justice bureau of its own in these tests
FUSHAN = "370611"


def zone_officer(city):
    agency = AgencyFactory(code="zone-market", level="district", division=ZONE, department=city.market_dept)
    return OfficerFactory(agency=agency, username="zone-market1")


def whitelist_plan(city, officer, enterprise):
    city.whitelist(enterprise)
    return plan_file(
        actor=officer, enterprise=enterprise, matters=[city.market_matter], window_start=days(8), window_end=days(9)
    )


def test_a_division_with_its_own_bureau_is_its_responsibility(city):
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level="district", division=FUSHAN)
    assert justice_bureau_for_division(FUSHAN) == fushan
    assert justice_bureau_for_division("370600") == city.justice_bureau
    assert divisions_supervised_by(fushan) == [FUSHAN]
    assert FUSHAN not in divisions_supervised_by(city.justice_bureau)


def test_a_division_without_a_bureau_falls_back_to_the_city_bureau(city):
    assert justice_bureau_for_division(ZONE) == city.justice_bureau
    assert ZONE in divisions_supervised_by(city.justice_bureau)


def test_an_inactive_district_bureau_hands_its_division_to_the_city(city):
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level="district", division=FUSHAN)
    Agency.objects.filter(pk=fushan.pk).update(active=False)
    fushan.refresh_from_db()
    assert justice_bureau_for_division(FUSHAN) == city.justice_bureau
    assert divisions_supervised_by(fushan) == []
    assert FUSHAN in divisions_supervised_by(city.justice_bureau)


def test_the_two_directions_agree_for_every_division(city):
    from accounts.divisions import DIVISION_CODES

    bureaus = [city.justice_bureau, JusticeBureauFactory(code="lz-justice", level="district", division="370683")]
    for division in DIVISION_CODES:
        responsible = justice_bureau_for_division(division)
        assert [b for b in bureaus if division in divisions_supervised_by(b)] == [responsible]


def test_the_city_bureau_supervises_the_agencies_of_a_zone_without_a_bureau(city):
    officer = zone_officer(city)
    assert officer.agency in agencies_supervised_by(justice_bureau=city.justice_bureau)


def test_a_whitelist_plan_of_a_zone_agency_reaches_the_city_bureau_which_can_approve_it(city, frozen):
    # Old code: nobody was notified, the plan was in no bureau's queue and the city bureau was refused.
    officer = zone_officer(city)
    plan = whitelist_plan(city, officer, EnterpriseFactory(division=ZONE))
    assert Notification.objects.filter(agency=city.justice_bureau, link=f"/justice/plans/{plan.pk}/").exists()
    reviewer = JusticeUserFactory(agency=city.justice_bureau)
    assert list(review_queue(user=reviewer)) == [plan]
    assert plan_review(actor=reviewer, plan=plan, approve=True).status == "approved"


def test_the_bureau_of_another_district_cannot_review(city, frozen):
    plan = whitelist_plan(city, city.market_officer, city.enterprise)
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level="district", division=FUSHAN)
    outsider = JusticeUserFactory(agency=fushan)
    assert plan not in plans_for_user(user=outsider)
    with pytest.raises(DomainError):
        plan_review(actor=outsider, plan=plan, approve=True)


def test_an_inactive_bureau_can_no_longer_review_its_old_division(city, frozen):
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level="district", division=FUSHAN)
    agency = AgencyFactory(code="fs-market", level="district", division=FUSHAN, department=city.market_dept)
    officer = OfficerFactory(agency=agency)
    plan = plan_file(
        actor=officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(0),
        window_end=days(0),
        officers=[officer, OfficerFactory(agency=agency)],
        urgent=True,
        urgent_category="public_report",
        urgent_reason="群众举报",
    )
    Agency.objects.filter(pk=fushan.pk).update(active=False)
    with pytest.raises(DomainError):
        plan_post_review(actor=JusticeUserFactory(agency=fushan), plan=plan, justified=True)
    reviewed = plan_post_review(actor=JusticeUserFactory(agency=city.justice_bureau), plan=plan, justified=True)
    assert reviewed.post_review == "justified"


def test_the_staff_of_an_inactive_bureau_see_neither_its_plans_nor_its_visits(city, frozen):
    from plans.selectors import joint_tasks_for_user

    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level="district", division=FUSHAN)
    agency = AgencyFactory(code="fs-market", level="district", division=FUSHAN, department=city.market_dept)
    plan = plan_file(
        actor=OfficerFactory(agency=agency),
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(9),
    )
    staff = JusticeUserFactory(agency=fushan)
    assert list(plans_for_user(user=staff)) == [plan]
    assert list(joint_tasks_for_user(user=staff)) == [plan.joint_task]
    Agency.objects.filter(pk=fushan.pk).update(active=False)
    staff.agency.refresh_from_db()
    assert not plans_for_user(user=staff).exists() and not joint_tasks_for_user(user=staff).exists()
