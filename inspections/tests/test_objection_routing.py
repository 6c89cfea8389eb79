"""A refused signature goes to the justice bureau responsible for the enterprise's division
(accounts.selectors.justice_bureau_for_division), not to a hard-coded city bureau."""

import pytest

from accounts.models import Agency
from accounts.tests.factories import JusticeBureauFactory
from enterprises.tests.factories import enterprise_user
from inspections.services import record_refuse
from notifications.models import Notification

from .test_record import finalised

pytestmark = pytest.mark.django_db


def refuse(city, visit):
    record = finalised(city, visit)
    record_refuse(actor=enterprise_user(city.enterprise), record=record, objection="检查人员未出示执法证")
    return Notification.objects.get(link=f"/justice/records/{record.pk}/")


def test_the_objection_goes_to_the_bureau_of_the_enterprises_district(city, visit):
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level="district", division="370611")
    assert refuse(city, visit).agency == fushan


def test_without_a_district_bureau_the_objection_goes_to_the_city_bureau(city, visit):
    assert refuse(city, visit).agency == city.justice_bureau


def test_an_inactive_district_bureau_is_passed_over_for_the_city_bureau(city, visit):
    # Old code sent the objection to the inactive bureau, which nobody reads.
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level="district", division="370611")
    Agency.objects.filter(pk=fushan.pk).update(active=False)
    assert refuse(city, visit).agency == city.justice_bureau
