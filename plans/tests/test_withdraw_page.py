"""Issue 12: withdrawing, approving and rejecting on the pages ask for confirmation, and withdrawing on the
page asks why."""

import pytest

from audit.models import AuditEntry
from plans.models import Plan
from plans.services import plan_file

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(city, frozen):
    return plan_file(
        actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
        window_start=days(8), window_end=days(12),
    )


def test_withdrawing_without_a_reason_is_refused_on_the_page(client, city, plan):
    client.force_login(city.market_officer)
    response = client.post(
        f"/agency/plans/{plan.pk}/withdraw/", {"note": "  "}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert Plan.objects.get().status == "filed"
    assert "Give a reason for withdrawing the plan." in response.content.decode()


def test_the_reason_is_kept_with_the_withdrawal(client, city, plan):
    client.force_login(city.market_officer)
    client.post(f"/agency/plans/{plan.pk}/withdraw/", {"note": "企业已停产"})
    assert Plan.objects.get().status == "withdrawn"
    assert AuditEntry.objects.get(action="plan.withdraw").details["reason"] == "企业已停产"


def test_the_withdraw_button_asks_for_confirmation(client, city, plan):
    client.force_login(city.market_officer)
    html = client.get(f"/agency/plans/{plan.pk}/").content.decode()
    assert 'data-confirm="' in html and 'name="note"' in html and "required" in html



def test_the_filing_form_shows_the_agency_s_matters_first_and_folds_the_others(client, city, frozen):
    city.ecology_matter.themes.add(city.theme)
    client.force_login(city.market_officer)
    html = client.get("/agency/plans/new/").content.decode()
    fold = html.index('<details class="other-matters"')
    assert html.index(f'value="{city.market_matter.code}"') < fold < html.index(f'value="{city.ecology_matter.code}"')


def test_the_filing_form_ticks_the_team_of_the_officer_s_last_plan(client, city, frozen):
    plan = plan_file(
        actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
        window_start=days(8), window_end=days(12), officers=[city.market_officer, city.market_officer2],
    )
    assert set(plan.officers.all()) == {city.market_officer, city.market_officer2}
    client.force_login(city.market_officer)
    form = client.get("/agency/plans/new/").context["form"]
    assert set(form.initial["officers"]) == {city.market_officer, city.market_officer2}
    client.force_login(city.market_officer2)  # never filed: only themselves
    assert client.get("/agency/plans/new/").context["form"].initial["officers"] == [city.market_officer2]
