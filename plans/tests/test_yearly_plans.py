"""年度检查计划 (``plans.yearly``): drafted, lined with matters in force, published by 31 March (later: marked
late); the justice bureau sees who has not published; the refused roles."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from plans.models import YearlyPlan, YearlyPlanLine
from plans.yearly import (
    published_lines,
    published_plans,
    yearly_overview,
    yearly_plan_draft,
    yearly_plan_line_add,
    yearly_plan_line_remove,
    yearly_plan_publish,
)
from yantai_inspect.errors import DomainError

from .conftest import SHANGHAI, freeze

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
APRIL = dt.datetime(2026, 4, 1, 10, 0, tzinfo=SHANGHAI)  # the day after the deadline


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def drafted(city, officer=None, year=2026):
    plan = yearly_plan_draft(actor=officer or city.market_officer, year=year, title="2026年度监督检查计划")
    yearly_plan_line_add(actor=officer or city.market_officer, plan=plan, matter=city.matter_of(
        officer or city.market_officer), visits=120, deadline=dt.date(year, 11, 30), division="370611")
    return plan


def test_a_plan_published_by_31_march_is_on_time_and_public(city):
    with freeze(MARCH):
        plan = drafted(city)
        assert not published_plans(year=2026).exists()  # a draft is not public
        plan = yearly_plan_publish(actor=city.market_officer, plan=plan)
    assert (plan.status, plan.late, plan.published_on) == (YearlyPlan.Status.PUBLISHED, False, dt.date(2026, 3, 10))
    assert list(published_plans(year=2026)) == [plan]
    assert [line.visits for line in published_lines(year=2026)] == [120]
    entry = AuditEntry.objects.filter(action="yearly_plan.publish", object_id=str(plan.pk)).get()
    assert entry.details["late"] is False


def test_a_plan_published_after_31_march_is_published_and_marked_late(city):
    with freeze(MARCH):
        plan = drafted(city)
    with freeze(APRIL):
        plan = yearly_plan_publish(actor=city.market_officer, plan=plan)
    assert (plan.status, plan.late) == (YearlyPlan.Status.PUBLISHED, True)


def test_a_published_plan_is_final(city):
    with freeze(MARCH):
        plan = yearly_plan_publish(actor=city.market_officer, plan=drafted(city))
        line = plan.lines.get()
        with pytest.raises(DomainError, match="published"):
            yearly_plan_line_add(actor=city.market_officer, plan=plan, matter=city.market_matter, visits=1,
                                 deadline=dt.date(2026, 6, 30))
        with pytest.raises(DomainError, match="published"):
            yearly_plan_line_remove(actor=city.market_officer, line=line)
        with pytest.raises(DomainError, match="published"):
            yearly_plan_publish(actor=city.market_officer, plan=plan)
    assert plan.lines.count() == 1


def test_lines_take_only_the_agency_s_matters_in_force_and_sane_numbers(city):
    with freeze(MARCH):
        plan = yearly_plan_draft(actor=city.market_officer, year=2026, title="计划")

        def add(**kwargs):
            args = {"matter": city.market_matter, "visits": 10, "deadline": dt.date(2026, 9, 30), **kwargs}
            return yearly_plan_line_add(actor=city.market_officer, plan=plan, **args)

        with pytest.raises(DomainError, match="owned by another department"):
            add(matter=city.ecology_matter)
        with pytest.raises(DomainError, match="from 1 to 1000000"):
            add(visits=0)
        with pytest.raises(DomainError, match="a day of 2026"):
            add(deadline=dt.date(2027, 1, 5))
        with pytest.raises(DomainError, match="already past"):
            add(deadline=dt.date(2026, 2, 1))
        with pytest.raises(DomainError, match="Unknown division"):
            add(division="999999")
        city.market_matter.effective_until = dt.date(2026, 6, 30)
        city.market_matter.save()
        with pytest.raises(DomainError, match="no longer in force"):
            add()  # ends before the line's deadline: 清单之外无检查
        add(deadline=dt.date(2026, 6, 30))
        assert plan.lines.count() == 1
    # its line's deadline passed before publication
    with freeze(dt.datetime(2026, 7, 2, 10, 0, tzinfo=SHANGHAI)), pytest.raises(DomainError, match="already past"):
        yearly_plan_publish(actor=city.market_officer, plan=plan)


def test_a_district_agency_plans_only_its_district(city):
    fushan = AgencyFactory(code="fs-market", department=city.market_dept, level=Agency.Level.DISTRICT,
                           division="370611", parent=city.market)
    officer = OfficerFactory(agency=fushan)
    with freeze(MARCH):
        plan = yearly_plan_draft(actor=officer, year=2026, title="福山区计划")
        with pytest.raises(DomainError, match="outside your agency's area"):
            yearly_plan_line_add(actor=officer, plan=plan, matter=city.market_matter, visits=5,
                                 deadline=dt.date(2026, 9, 30), division="370683")
        yearly_plan_line_add(actor=officer, plan=plan, matter=city.market_matter, visits=5,
                             deadline=dt.date(2026, 9, 30), division="370611")


def test_one_plan_per_agency_and_year_for_this_year_or_the_next_and_never_empty(city):
    with freeze(MARCH):
        plan = yearly_plan_draft(actor=city.market_officer, year=2026, title="计划")
        with pytest.raises(DomainError, match="already has a yearly plan for 2026"):
            yearly_plan_draft(actor=city.market_officer2, year=2026, title="又一个")
        with pytest.raises(DomainError, match="this year or the next"):
            yearly_plan_draft(actor=city.market_officer, year=2025, title="去年")
        with pytest.raises(DomainError, match="at least one line"):
            yearly_plan_publish(actor=city.market_officer, plan=plan)
        yearly_plan_draft(actor=city.market_officer, year=2027, title="明年")


def test_the_refused_roles(city):
    with freeze(MARCH):
        plan = drafted(city)
        justice = JusticeUserFactory(agency=city.justice_bureau)
        with pytest.raises(PermissionDenied):
            yearly_plan_draft(actor=justice, year=2026, title="司法局不检查")
        with pytest.raises(Http404):  # another agency's plan is not found
            yearly_plan_publish(actor=city.ecology_officer, plan=plan)
        with pytest.raises(Http404):
            yearly_plan_line_remove(actor=city.ecology_officer, line=plan.lines.get())
        with pytest.raises(PermissionDenied):
            yearly_overview(user=city.market_officer, year=2026)
    assert YearlyPlanLine.objects.count() == 1 and not YearlyPlan.objects.filter(status="published").exists()


def test_the_justice_bureau_sees_which_agencies_have_not_published(city):
    justice = JusticeUserFactory(agency=city.justice_bureau)
    laizhou_bureau = JusticeBureauFactory(code="lz-justice", name="莱州市司法局", level=Agency.Level.DISTRICT,
                                          division="370683")
    laizhou = AgencyFactory(code="lz-market", name="莱州市市场监督管理局", department=city.market_dept,
                            level=Agency.Level.DISTRICT, division="370683")
    with freeze(MARCH):
        yearly_plan_publish(actor=city.market_officer, plan=drafted(city))
        rows = {r["agency"].code: r for r in yearly_overview(user=justice, year=2026)}
    assert set(rows) == {"yt-market", "yt-ecology", "yt-emergency"}  # the city's, not Laizhou's
    assert (rows["yt-market"]["missing"], rows["yt-ecology"]["missing"], rows["yt-ecology"]["overdue"]) == (
        False, True, False)
    with freeze(APRIL):
        rows = {r["agency"].code: r for r in yearly_overview(user=justice, year=2026)}
        assert rows["yt-ecology"]["overdue"] and not rows["yt-market"]["overdue"]
        mine = yearly_overview(user=JusticeUserFactory(agency=laizhou_bureau), year=2026)
    assert [(r["agency"], r["overdue"]) for r in mine] == [(laizhou, True)]
