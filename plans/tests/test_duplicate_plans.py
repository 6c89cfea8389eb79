"""Issue 12: the filing page flags a plan the agency already filed (same enterprise, overlapping window, same
matters) before the officer files it again; other agencies' plans, other matters and windows apart are not
duplicates."""

import pytest
from rest_framework.test import APIClient

from catalogue.tests.factories import MatterFactory
from plans.preview import plan_preview
from plans.selectors import duplicate_plans
from plans.services import plan_file

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(city, frozen):
    return plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(10),
        window_end=days(15),
    )


def preview(city, start, end, matters):
    return plan_preview(
        user=city.market_officer, enterprise=city.enterprise, window_start=start, window_end=end, matter_codes=matters
    )


def test_the_preview_flags_the_same_plan_in_an_overlapping_window(city, filed):
    result = preview(city, days(14), days(20), [city.market_matter.code])
    assert [d["id"] for d in result["duplicates"]] == [filed.pk]
    assert days(10).isoformat() in result["duplicate_warning"]


@pytest.mark.parametrize("case", ["window apart", "other matters", "no matters yet"])
def test_other_plans_are_not_duplicates(city, filed, case):
    other_matter = MatterFactory(code="market-002", department=city.market_dept)
    start, end, matters = {
        "window apart": (days(16), days(20), [city.market_matter.code]),
        "other matters": (days(10), days(15), [city.market_matter.code, other_matter.code]),
        "no matters yet": (days(10), days(15), []),
    }[case]
    result = preview(city, start, end, matters)
    assert result["duplicates"] == [] and result["duplicate_warning"] is None


def test_another_agency_s_plan_is_not_a_duplicate(city, filed):
    assert not duplicate_plans(
        agency_id=city.ecology.pk,
        enterprise_id=city.enterprise.pk,
        window_start=days(10),
        window_end=days(15),
        matter_codes=[city.market_matter.code],
    )


def test_the_preview_api_takes_the_ticked_matters(city, filed):
    client = APIClient()
    client.force_authenticate(city.market_officer)
    response = client.get(
        "/api/v1/plans/preview/",
        {
            "enterprise": city.enterprise.uscc,
            "window_start": days(12).isoformat(),
            "window_end": days(13).isoformat(),
            "matters": [city.market_matter.code],
        },
    )
    assert response.status_code == 200
    assert response.json()["duplicates"][0]["url"] == f"/agency/plans/{filed.pk}/"
