"""One definition of "filed 7 days ahead" (提前7天报备): the filing check, the statistics, the API and the
model agree, for a routine plan, a response to an invitation and a green-channel plan."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import JusticeUserFactory
from plans.models import Invitation, Plan
from plans.preview import plan_preview
from plans.services import plan_file
from plans.statistics import plan_statistics
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, days, freeze

pytestmark = pytest.mark.django_db


def _agree(plans):
    """Every user of the definition gives the same answer for every plan."""
    api = APIClient()
    for plan in plans:
        plan = Plan.objects.select_related("joint_task").get(pk=plan.pk)
        in_sql = Plan.objects.filter(Plan.filed_ahead_q(), pk=plan.pk).exists()
        api.force_authenticate(plan.filed_by)
        shown = api.get(f"/api/v1/plans/{plan.pk}/").json()
        assert plan.filed_ahead is in_sql, plan
        assert shown["filed_ahead"] is in_sql and shown["ahead_from"] == (
            plan.ahead_from.isoformat() if plan.ahead_from else None
        )
    return Plan.objects.filter(Plan.filed_ahead_q(), pk__in=[p.pk for p in plans]).count()


def test_a_response_filed_three_days_before_the_visit_counts_as_filed_ahead(city, frozen, settings):
    settings.VISIT_FIX_DAYS_BEFORE = 2  # so that the invitation is still open three days before the visit
    lead = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        theme=city.theme,
        window_start=days(10),
        window_end=days(10),
    )
    assert lead.ahead_from == days(7)
    invitation = Invitation.objects.get(lead_plan=lead, agency=city.ecology)
    with freeze(dt.datetime(2026, 6, 8, 9, 0, tzinfo=SHANGHAI)):  # days(7)
        response = plan_file(
            actor=city.ecology_officer,
            enterprise=city.enterprise,
            matters=[city.ecology_matter],
            window_start=days(10),
            window_end=days(10),
            invitation=invitation,
        )
    response.refresh_from_db()
    assert response.filed_on == days(7) and response.joint_task.visit_date == days(10)
    assert response.ahead_from == lead.ahead_from == days(7)
    assert _agree([lead, response]) == 2
    justice = JusticeUserFactory(agency=city.justice_bureau)
    from plans.selectors import plan_scope_q

    figures = plan_statistics(scope=plan_scope_q(user=justice))
    assert figures["filed_ahead"] == 2 and figures["filed_ahead_rate"] == 1.0


def test_a_green_channel_plan_is_never_filed_ahead(city, frozen):
    urgent = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(0),
        window_end=days(0),
        urgent=True,
        urgent_category="public_report",
        urgent_reason="群众举报",
        officers=[city.market_officer, city.market_officer2],
    )
    routine = plan_file(
        actor=city.ecology_officer,
        enterprise=city.enterprise,
        matters=[city.ecology_matter],
        window_start=days(8),
        window_end=days(12),
    )
    assert urgent.ahead_from is None and routine.ahead_from == days(7)
    assert _agree([urgent, routine]) == 1
    from plans.selectors import plan_scope_q

    figures = plan_statistics(scope=plan_scope_q(user=JusticeUserFactory(agency=city.justice_bureau)))
    assert (figures["plans"], figures["filed_ahead"], figures["filed_ahead_rate"]) == (2, 1, 0.5)


def test_the_filing_check_and_the_preview_refuse_a_visit_before_the_day_the_rule_gives(city, frozen):
    earliest = Plan.ahead_from_for(filed_on=days(0), urgent=False)
    assert earliest == days(7)
    with pytest.raises(DomainError) as refused:
        plan_file(
            actor=city.market_officer,
            enterprise=city.enterprise,
            matters=[city.market_matter],
            window_start=earliest - dt.timedelta(days=1),
            window_end=days(12),
        )
    assert earliest.isoformat() in str(refused.value.message)
    preview = plan_preview(
        user=city.market_officer,
        enterprise=city.enterprise,
        window_start=earliest - dt.timedelta(days=1),
        window_end=days(12),
    )
    assert earliest.isoformat() in preview["error"]
    accepted = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=earliest,
        window_end=earliest,
    )
    assert _agree([accepted]) == 1
