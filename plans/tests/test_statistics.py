"""The statistics computed in the database: figures, breakdowns, filters, the reader's scope, missed visits,
and the pages and endpoint that show them in a number of queries that does not grow with the plans."""

import pytest
from django.db.models import Q
from rest_framework.test import APIClient

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans.matching import joint_task_counts_refresh
from plans.models import JointTask, Plan, StatisticsDirty
from plans.selectors import capped_count, plan_scope_q
from plans.services import plan_file
from plans.statistics import DIMENSIONS, MISSED, cells_compact, plan_statistics

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def file(city, officer, enterprise=None, start=8, end=12, **extra):
    return plan_file(
        actor=officer,
        enterprise=enterprise or city.enterprise,
        matters=[city.matter_of(officer)],
        window_start=days(start),
        window_end=days(end),
        **extra,
    )


def joint_visit_and_a_lone_one(city):
    """Three agencies on one visit of city.enterprise, the market regulator alone at another enterprise."""
    for officer in (city.market_officer, city.ecology_officer, city.emergency_officer):
        file(city, officer)
    file(city, city.market_officer, enterprise=EnterpriseFactory(division="370602"), start=42, end=42)


def test_the_figures_overall_and_by_each_dimension(city, frozen):
    joint_visit_and_a_lone_one(city)
    qs = Q()  # everything: an administrator's scope
    overall = plan_statistics(scope=qs)
    assert (overall["plans"], overall["visits"], overall["visits_avoided"]) == (4, 2, 2)
    assert (overall["joint_plans"], overall["joint_share"], overall["filed_ahead_rate"]) == (3, 0.75, 1.0)
    assert overall["missed"] == 0 and overall["green_channel"] == 0
    by_agency = {g["key"]: g for g in plan_statistics(scope=qs, by="agency")["groups"]}
    market = by_agency[city.market.name]
    # its share of the joint visit (1/3) and the lone visit: the groups' visits add up to the total
    assert (market["plans"], market["visits"], market["joint_plans"], market["visits_avoided"]) == (2, 1.33, 1, 0.67)
    assert sum(g["visits"] for g in by_agency.values()) == pytest.approx(2, abs=0.02)
    assert sum(g["visits_avoided"] for g in by_agency.values()) == pytest.approx(2, abs=0.02)
    by_district = {g["key"]: g["plans"] for g in plan_statistics(scope=qs, by="district")["groups"]}
    assert by_district["Zhifu District"] == 1 and sum(by_district.values()) == 4
    by_month = plan_statistics(scope=qs, by="month")["groups"]
    assert [g["key"] for g in by_month] == ["2026-06", "2026-07"]
    assert [g["plans"] for g in by_month] == [3, 1]
    assert {g["key"] for g in plan_statistics(scope=qs, by="theme")["groups"]} == {"—"}


def test_date_filters_bound_the_visits(city, frozen):
    joint_visit_and_a_lone_one(city)
    qs = Q()  # everything: an administrator's scope
    assert plan_statistics(scope=qs, date_from=days(30))["plans"] == 1
    assert plan_statistics(scope=qs, date_to=days(30))["plans"] == 3
    empty = plan_statistics(scope=qs, date_from=days(43))
    assert (empty["plans"], empty["visits"], empty["joint_share"], empty["visits_avoided"]) == (0, 0, None, 0)


def test_each_reader_counts_only_the_plans_in_its_scope(city, frozen):
    joint_visit_and_a_lone_one(city)
    district_agency = AgencyFactory(level=Agency.Level.DISTRICT, division="370602")
    district_officer = OfficerFactory(agency=district_agency)
    from catalogue.tests.factories import MatterFactory

    matter = MatterFactory(department=district_agency.department)
    plan_file(
        actor=district_officer,
        enterprise=EnterpriseFactory(division="370602"),
        matters=[matter],
        window_start=days(8),
        window_end=days(8),
    )
    city_bureau = JusticeUserFactory(agency=city.justice_bureau)
    district_bureau = JusticeUserFactory(
        agency=JusticeBureauFactory(code="zf-justice", division="370602", level=Agency.Level.DISTRICT)
    )
    other_district = JusticeUserFactory(
        agency=JusticeBureauFactory(code="fs-justice", division="370611", level=Agency.Level.DISTRICT)
    )
    figures = {
        who: plan_statistics(scope=plan_scope_q(user=user))["plans"]
        for who, user in {
            "city": city_bureau,
            "district": district_bureau,
            "other district": other_district,
            "market": city.market_officer,
            "district officer": district_officer,
            "enterprise": enterprise_user(city.enterprise),
        }.items()
    }
    assert figures == {
        "city": 4,
        "district": 1,
        "other district": 0,
        "market": 2,
        "district officer": 1,
        "enterprise": 0,
    }


def test_green_channel_plans_and_their_reviews_after_the_fact_are_counted(city, frozen):
    from plans.services import plan_post_review

    urgent = file(
        city,
        city.market_officer,
        start=0,
        end=0,
        urgent=True,
        urgent_category="public_report",
        urgent_reason="群众举报",
        officers=[city.market_officer, city.market_officer2],
    )
    file(city, city.ecology_officer)
    figures = plan_statistics(scope=Q())
    assert (figures["green_channel"], figures["green_channel_pending"], figures["filed_ahead"]) == (1, 1, 1)
    assert figures["joint_plans"] == 0 and figures["visits"] == 2
    plan_post_review(actor=JusticeUserFactory(agency=city.justice_bureau), plan=urgent, justified=False, note="不急")
    figures = plan_statistics(scope=Q())
    assert (figures["green_channel_unjustified"], figures["green_channel_pending"]) == (1, 0)


def test_a_missed_visit_is_counted_and_its_plans_are_not_served(city, frozen):
    joint_visit_and_a_lone_one(city)
    lone = Plan.objects.exclude(enterprise=city.enterprise).get()
    # What the missed-visit service writes (plans.missed: JointTask.Status.MISSED, Plan.Status.NOT_CARRIED_OUT,
    # then the recount of the visit, which refreshes its statistics), without its daily job's other steps.
    JointTask.objects.filter(pk=lone.joint_task_id).update(status=MISSED)
    Plan.objects.filter(pk=lone.pk).update(status="not_carried_out")
    joint_task_counts_refresh(JointTask.objects.filter(pk=lone.joint_task_id))
    figures = plan_statistics(scope=Q())
    assert (figures["missed"], figures["plans"], figures["visits"]) == (1, 3, 1)
    by_agency = {g["key"]: g for g in plan_statistics(scope=Q(), by="agency")["groups"]}
    assert by_agency[city.market.name]["missed"] == 1 and by_agency[city.ecology.name]["missed"] == 0


def test_a_dashboard_queue_count_stops_at_its_cap(city, frozen):
    for start in (8, 23, 42):
        file(city, city.market_officer, start=start, end=start)
    assert capped_count(Plan.objects.all(), cap=5) == 3
    assert capped_count(Plan.objects.all(), cap=2) == "2+"


def grow(city, n):
    for _ in range(n):
        enterprise = EnterpriseFactory()
        for officer in (city.market_officer, city.ecology_officer):
            file(city, officer, enterprise=enterprise)


PAGES = [
    # the city bureau reads once which districts have no active bureau of their own (divisions_supervised_by);
    # each figure set is three queries (the dirty division-days, the cells with the dirty days summed from the
    # plans, the missed visits); every portal page reads the unread notifications for the navigation (one LIMIT);
    # the signed-in user comes with its agency in one query (accounts.backends, issue 8's fourth pass: one less);
    # the statistics pages add the remote checks' own figure (plans.remote.remote_check_figures, one GROUP BY)
    ("justice", "/justice/", 12),
    ("justice", "/justice/statistics/?by=agency", 9),
    ("officer", "/agency/statistics/?by=month", 8),
    # the dashboard's upcoming visits are one values() query (plans.listing), no longer four (issue 8's third pass)
    ("officer", "/agency/", 7),
]


@pytest.mark.parametrize("who,url,queries", PAGES)
def test_the_pages_with_statistics_take_a_fixed_number_of_queries(
    client, city, frozen, django_assert_num_queries, who, url, queries
):
    user = JusticeUserFactory(agency=city.justice_bureau) if who == "justice" else city.market_officer
    client.force_login(user)
    grow(city, 2)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    grow(city, 4)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("params", [{}, {"by": "district"}, {"by": "month", "from": "2026-06-01", "to": "2026-12-31"}])
def test_the_statistics_endpoint_takes_a_fixed_number_of_queries(api, city, frozen, django_assert_num_queries, params):
    user = JusticeUserFactory(agency=city.justice_bureau)
    grow(city, 2)
    # the districts the city bureau answers for (divisions_supervised_by), then the figures: the dirty
    # division-days, the sum of the cells (UNION ALL the dirty days from the plans) and the missed visits
    # (grouped: also overall); each request gets the user freshly loaded, as a real one does
    # and the remote checks' own figure (plans.remote.remote_check_figures, one query)
    queries = 6 if params else 5
    api.force_authenticate(type(user).objects.select_related("agency").get(pk=user.pk))
    with django_assert_num_queries(queries):
        assert api.get("/api/v1/statistics/", params).status_code == 200
    grow(city, 3)
    api.force_authenticate(type(user).objects.select_related("agency").get(pk=user.pk))
    with django_assert_num_queries(queries):
        figures = api.get("/api/v1/statistics/", params).json()["figures"]
    assert (figures if not params else figures["groups"][0])["plans"] == 10


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_dates_out_of_the_platforms_range_are_a_400_on_their_field(api, city, frozen, value):
    # They gave empty figures; yantai_inspect.inputs now refuses them as every other date parameter.
    grow(city, 1)
    api.force_authenticate(JusticeUserFactory(agency=city.justice_bureau))
    response = api.get("/api/v1/statistics/", {"from": value, "to": value})
    assert response.status_code == 400 and {"from", "to"} & set(response.json())


def test_the_widest_dates_of_the_platforms_range_give_empty_figures(api, city, frozen):
    grow(city, 1)
    api.force_authenticate(JusticeUserFactory(agency=city.justice_bureau))
    response = api.get("/api/v1/statistics/", {"from": "2199-12-31", "to": "2199-12-31"})
    assert response.status_code == 200 and response.json()["figures"]["plans"] == 0


@pytest.mark.parametrize("value", ["2026-13-01", "abc\x00", "99999-01-01", "1" * 400])
def test_bad_dates_are_refused(api, city, frozen, value):
    api.force_authenticate(JusticeUserFactory(agency=city.justice_bureau))
    assert api.get("/api/v1/statistics/", {"from": value}).status_code == 400


def test_the_statistics_are_refused_to_enterprises_and_anonymous_readers(api, client, city, frozen):
    grow(city, 1)
    assert api.get("/api/v1/statistics/").status_code in (401, 403)
    api.force_authenticate(enterprise_user(city.enterprise))
    assert api.get("/api/v1/statistics/").status_code == 403
    client.force_login(enterprise_user(city.enterprise))
    assert client.get("/justice/statistics/").status_code == 403
    assert client.get("/agency/statistics/").status_code == 403


@pytest.mark.parametrize("by", [None, *DIMENSIONS])
def test_the_figures_take_three_queries_whatever_the_plans_and_the_dirty_days(
    city, frozen, django_assert_num_queries, by
):
    """The dirty division-days, the sum of the cells UNION ALL the dirty days' cells from the plans, and the
    missed visits (grouped, also the missed visits overall); the reader's scope is a filter, not a query. The
    same with the writes pending (dirty) and compacted, at two sizes."""
    scope = plan_scope_q(user=city.market_officer)
    queries = 3 if by is None else 4
    for n, plans in ((2, 2), (4, 6)):
        grow(city, n)
        assert StatisticsDirty.objects.exists()
        with django_assert_num_queries(queries):
            pending = plan_statistics(scope=scope, by=by)
        cells_compact()
        assert not StatisticsDirty.objects.exists()
        with django_assert_num_queries(queries):
            figures = plan_statistics(scope=scope, by=by)
        assert figures == pending
        assert (figures if by is None else figures["groups"][0])["plans"] == plans


def test_a_filing_only_logs_its_division_days_one_statement(city, frozen):
    """The rollup costs a filing one statement (the dirty log's INSERT ... SELECT): no lock, no recompute
    (it was four: the days, the advisory locks, the cells' DELETE and INSERT)."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans import statistics

    def statements(enterprise):
        with CaptureQueriesContext(connection) as queries:
            file(city, city.market_officer, enterprise=enterprise)
        return [q["sql"] for q in queries.captured_queries]

    file(city, city.market_officer, enterprise=EnterpriseFactory())  # warm the caches of the first filing
    with (
        mock.patch("plans.matching.cells_refresh_for_visits"),
        mock.patch("plans.services.filing.cells_refresh_for_visits"),
    ):
        without = statements(EnterpriseFactory())
    logged = statements(EnterpriseFactory())
    extra = [sql for sql in logged if "statistics" in sql.lower()]
    if connection.vendor == "postgresql":
        # The dirty log is a CTE of the one statement that follows the matching (plans.matching.
        # open_visits_refresh, issue 8's third pass): not a statement of its own, still no lock or recompute.
        assert len(logged) == len(without)
        assert len(extra) == 1 and extra[0].startswith("WITH ") and 'INSERT INTO "plans_statisticsdirty"' in extra[0]
        assert "advisory" not in extra[0] and "plans_statisticscell" not in extra[0]
        logged_days = 3  # the patch does not reach the CTE: each of the three filings logged its day
    else:
        assert len(logged) == len(without) + 1
        assert len(extra) == 1 and extra[0].startswith("INSERT INTO") and "statisticsdirty" in extra[0]
        logged_days = 2
    assert StatisticsDirty.objects.count() == logged_days and not statistics.StatisticsCell.objects.exists()


def test_a_breakdown_says_how_a_joint_visit_is_shared(client, city, frozen):
    """Visits and visits avoided are shares of joint visits in a breakdown (1/k and (k - 1)/k): the page says
    so beside the fractions it shows."""
    client.force_login(city.market_officer)
    grow(city, 1)
    body = client.get("/agency/statistics/?by=month", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "1/k" in body and "均摊" in body
    # Without a breakdown the note is there only when the agency's own figure is a fraction (issue 12).
    overall = client.get("/agency/statistics/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ("1/k" in overall) == ("a share of joint visits" in overall)



@pytest.mark.parametrize("avoided,explained", [(4.67, True), (4, False)])
def test_an_agency_s_fractional_visits_avoided_are_explained(rf, avoided, explained):
    """Issue 12: an agency's own figure is its share of joint visits (4.67): the KPI says it is a share and the
    page explains the sharing even without a breakdown; a whole number needs no note."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.utils import translation

    request = rf.get("/agency/statistics/")
    request.user = AnonymousUser()
    overall = {"joint_share": None, "visits_avoided": avoided, "filed_ahead_rate": None, "green_channel": 0,
               "green_channel_pending": 0}
    with translation.override("en"):
        body = render_to_string(
            "plans/statistics.html", {"overall": overall, "grouped": None, "dimensions": []}, request=request
        )
    assert ("a share of joint visits" in body) == explained and ("1/k" in body) == explained
