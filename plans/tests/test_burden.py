"""检查负担: every visit counts, the enterprise sees its own count, the justice bureau of its division is alerted
once when it passes the threshold in the period or one agency visits twice within 30 days, and sees the
most-visited list. The job is set-based: its statements do not grow with the alerts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from notifications.models import Notification
from plans import burden
from plans.models import BurdenAlert, JointTask, Participation, Plan

TODAY = dt.date(2026, 6, 20)
S = JointTask.Status


class Town:
    def __init__(self):
        self.city_bureau = JusticeBureauFactory(code="yt-justice", division="370600")
        self.fushan_bureau = JusticeBureauFactory(code="fs-justice", division="370611")
        self.fushan_justice = JusticeUserFactory(agency=self.fushan_bureau)
        self.city_justice = JusticeUserFactory(agency=self.city_bureau)
        self.market = AgencyFactory(code="fs-market", division="370611")
        self.ecology = AgencyFactory(code="fs-ecology", division="370611")
        self.officer = OfficerFactory(agency=self.market)
        self.enterprise = EnterpriseFactory(division="370611", name="烟台常被查企业有限公司")
        self.user = enterprise_user(self.enterprise)
        # 370613 (莱山区) has no bureau of its own: the city's is responsible
        self.laishan = EnterpriseFactory(division="370613", name="莱山企业有限公司")

    def visit(self, enterprise, day, agencies, status=S.DONE, urgent=False, recheck=False, campaign=""):
        task = JointTask.objects.create(enterprise=enterprise, visit_date=day, division=enterprise.division,
                                        lead_agency=agencies[0], status=status, urgent=urgent,
                                        n_agencies=len(agencies), n_plans=len(agencies))
        for agency in agencies:
            Participation.objects.create(agency=agency, joint_task=task, visit_date=day)
            Plan.objects.create(agency=agency, filed_by=self.officer, enterprise=enterprise, window_start=day,
                                window_end=day, filed_on=day - dt.timedelta(days=8), status=Plan.Status.DONE,
                                joint_task=task, urgent=urgent, campaign=campaign,
                                cap_exemption=Plan.CapExemption.RECHECK if recheck else "")
        return task


@pytest.fixture
def town(db, settings):
    settings.BURDEN_ALERT_VISITS = 3
    settings.BURDEN_PERIOD_MONTHS = 3
    settings.BURDEN_REPEAT_DAYS = 30
    return Town()


def test_periods_are_calendar_blocks_of_the_configured_months(settings):
    settings.BURDEN_PERIOD_MONTHS = 3
    assert burden.period_of(dt.date(2026, 6, 20)) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert burden.period_of(dt.date(2026, 12, 31)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    settings.BURDEN_PERIOD_MONTHS = 12
    assert burden.period_of(dt.date(2026, 2, 28)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    settings.BURDEN_PERIOD_MONTHS = 1
    assert burden.period_of(dt.date(2026, 2, 10)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_every_kind_of_visit_counts_and_upcoming_or_cancelled_ones_do_not(town):
    e = town.enterprise
    town.visit(e, dt.date(2026, 4, 2), [town.market, town.ecology])  # joint
    town.visit(e, dt.date(2026, 4, 20), [town.market], urgent=True)  # green channel
    town.visit(e, dt.date(2026, 5, 6), [town.ecology], recheck=True)  # re-check
    town.visit(e, dt.date(2026, 5, 20), [town.market], campaign="RC-1")  # random check
    town.visit(e, dt.date(2026, 6, 3), [town.market], status=S.MISSED)  # missed
    town.visit(e, dt.date(2026, 6, 10), [town.market], status=S.IN_PROGRESS)
    town.visit(e, dt.date(2026, 6, 25), [town.market], status=S.FIXED)  # not yet
    town.visit(e, dt.date(2026, 6, 12), [town.market], status=S.CANCELLED)
    town.visit(e, dt.date(2026, 3, 30), [town.market])  # the period before
    b = burden.enterprise_burden(enterprise=e, today=TODAY)
    assert (b["visits"], b["joint"], b["urgent"], b["recheck"], b["random"], b["missed"]) == (6, 1, 1, 1, 1, 1)
    assert b["year_visits"] == 7 and b["over"] is True and b["threshold"] == 3


def test_the_enterprise_sees_its_own_count_on_its_page_and_in_the_api(town, client):
    import re

    import time_machine

    for day in (2, 9):
        town.visit(town.enterprise, dt.date(2026, 6, day), [town.market])
    town.visit(EnterpriseFactory(division="370611"), dt.date(2026, 6, 2), [town.market])
    with time_machine.travel(dt.datetime(2026, 6, 20, 10, 0), tick=False):
        client.force_login(town.user)
        page = client.get("/enterprise/burden/").content.decode()
        api = APIClient()
        api.force_authenticate(town.user)
        figures = api.get("/api/v1/my-enterprise/burden/").json()
    count = re.search(r'id="burden-count"><strong>([^<]*)</strong>', page).group(1)
    assert re.match(r"2\D", count), count
    assert (figures["visits"], figures["period_start"], figures["over"]) == (2, "2026-04-01", False)


def test_alerts_go_once_to_the_bureau_of_the_enterprises_division(town):
    e = town.enterprise
    for day in (4, 8, 12, 16):  # four visits in June: over 3
        town.visit(e, dt.date(2026, 6, day), [town.ecology if day % 8 else town.market])
    for day in (2, 9, 15, 19):  # Laishan: the city's bureau
        town.visit(town.laishan, dt.date(2026, 5, day) if day < 10 else dt.date(2026, 6, day), [town.market])
    assert burden.burden_alerts_raise(today=TODAY) > 0
    threshold = BurdenAlert.objects.filter(kind="threshold")
    assert {(a.enterprise_id, a.justice_bureau_id, a.visits) for a in threshold} == {
        (e.pk, town.fushan_bureau.pk, 4), (town.laishan.pk, town.city_bureau.pk, 4)}
    # the market regulator visited Laishan on 2 and 9 May, 15 and 19 June: the job looks back 30 + 7 days, so
    # the May pair (alerted by the runs of May) is out of its range and June's pair is in
    repeats = BurdenAlert.objects.filter(kind="repeat", enterprise=town.laishan)
    assert [(a.period_start, a.period_end, a.agency) for a in repeats] == [
        (dt.date(2026, 6, 15), dt.date(2026, 6, 19), town.market)]
    # ecology on 4, 12 (8 days apart) and market on 8, 16: one repeat each at the Fushan enterprise
    assert BurdenAlert.objects.filter(kind="repeat", enterprise=e).count() == 2
    notified = Notification.objects.filter(dedupe_key__startswith="burden:")
    assert notified.count() == BurdenAlert.objects.count()
    assert set(notified.filter(agency=town.fushan_bureau).values_list("dedupe_key", flat=True)) == {
        f"burden:{a.kind}:{a.enterprise_id}:{a.key}" for a in BurdenAlert.objects.filter(enterprise=e)}
    assert AuditEntry.objects.filter(action="burden.alert").count() == BurdenAlert.objects.count()
    # rerun, and the next day: nothing more
    before = (BurdenAlert.objects.count(), Notification.objects.count(), AuditEntry.objects.count())
    assert burden.burden_alerts_raise(today=TODAY) == 0
    assert burden.burden_alerts_raise(today=TODAY + dt.timedelta(days=1)) == 0
    assert (BurdenAlert.objects.count(), Notification.objects.count(), AuditEntry.objects.count()) == before
    # a fifth visit is not a new threshold alert in the same period, a visit in the next period starts afresh
    town.visit(e, dt.date(2026, 6, 19), [AgencyFactory(code="fs-emergency", division="370611")])
    burden.burden_alerts_raise(today=TODAY)
    assert BurdenAlert.objects.filter(kind="threshold", enterprise=e).count() == 1


def test_the_same_agency_twice_within_30_days_is_a_repeat_31_days_is_not(town, settings):
    settings.BURDEN_ALERT_VISITS = 10
    e = town.enterprise
    town.visit(e, dt.date(2026, 5, 1), [town.market])
    town.visit(e, dt.date(2026, 6, 1), [town.market])  # 31 days later
    town.visit(e, dt.date(2026, 6, 5), [town.ecology])  # another agency
    assert burden.burden_alerts_raise(today=TODAY) == 0
    town.visit(e, dt.date(2026, 6, 18), [town.market, town.ecology])  # joint: both agencies again
    assert burden.burden_alerts_raise(today=TODAY) == 2
    assert set(BurdenAlert.objects.values_list("agency_id", flat=True)) == {town.market.pk, town.ecology.pk}


def test_the_job_costs_the_same_statements_for_one_alert_and_for_forty(town):
    def run(n, day):
        for i in range(n):
            enterprise = EnterpriseFactory(division="370611" if i % 2 else "370613")
            for d in range(4):
                town.visit(enterprise, day + dt.timedelta(days=d), [town.market if d % 2 else town.ecology])
        with CaptureQueriesContext(connection) as queries:
            raised = burden.burden_alerts_raise(today=day + dt.timedelta(days=5))
        return raised, len(queries)

    small, large = run(2, dt.date(2026, 1, 5)), run(40, dt.date(2026, 4, 5))
    assert small[0] == 6 and large[0] == 120
    # two grouped SELECTs, a bureau per division, and per batch a handful of statements (SQLite splits a bulk
    # INSERT at its 999 parameters, PostgreSQL does not): never one per alert
    assert large[1] <= 20 and large[1] - small[1] <= 4, (small, large)


def test_the_justice_bureau_sees_the_most_visited_of_its_area_and_the_alerts(town, client, settings):
    import time_machine

    for day in (4, 8, 12, 16):
        town.visit(town.enterprise, dt.date(2026, 6, day), [town.market])
    town.visit(EnterpriseFactory(division="370611", name="少查企业有限公司"), dt.date(2026, 6, 3), [town.market])
    town.visit(town.laishan, dt.date(2026, 6, 3), [town.market])
    burden.burden_alerts_raise(today=TODAY)
    rows = burden.most_visited(divisions=["370611"], start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30))
    assert [r["visits"] for r in rows] == [4, 1] and rows[0]["enterprise_id"] == town.enterprise.pk
    with time_machine.travel(dt.datetime(2026, 6, 20, 10, 0), tick=False):
        client.force_login(town.fushan_justice)
        page = client.get("/justice/burden/").content.decode()
        csv = b"".join(client.get("/justice/burden/export.csv").streaming_content).decode("utf-8-sig")
        alerts_csv = b"".join(client.get("/justice/burden/alerts.csv").streaming_content).decode("utf-8-sig")
        api = APIClient()
        api.force_authenticate(town.fushan_justice)
        listed = api.get("/api/v1/burden/most-visited/").json()["results"]
        alerts = api.get("/api/v1/burden/alerts/").json()["results"]
    assert town.enterprise.name in page and "莱山企业" not in page and town.enterprise.uscc in csv
    assert town.enterprise.uscc in alerts_csv and town.laishan.uscc not in alerts_csv
    assert [r["visits"] for r in listed] == [4, 1]
    assert {a["kind"] for a in alerts} == {"threshold", "repeat"}
    assert all(a["enterprise"] == town.enterprise.uscc for a in alerts)
    client.force_login(town.officer)
    assert client.get("/justice/burden/").status_code == 403
    client.force_login(town.user)
    assert client.get("/justice/burden/").status_code == 403


def test_burden_counts_for_the_dashboard_group_by_month_district_and_agency(town):
    town.visit(town.enterprise, dt.date(2026, 5, 4), [town.market, town.ecology], recheck=True)
    town.visit(town.enterprise, dt.date(2026, 6, 4), [town.market], urgent=True, campaign="RC-2")
    town.visit(town.laishan, dt.date(2026, 6, 8), [town.market], status=S.MISSED)
    town.visit(town.laishan, dt.date(2026, 6, 9), [town.market], status=S.CANCELLED)
    rows = burden.burden_counts(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    got = {(r["month"], r["district"]): (r["visits"], r["joint"], r["urgent"], r["missed"], r["recheck"], r["random"])
           for r in rows}
    # the joint re-check has two re-check plans: one visit
    assert got == {(dt.date(2026, 5, 1), "370611"): (1, 1, 0, 0, 1, 0),
                   (dt.date(2026, 6, 1), "370611"): (1, 0, 1, 0, 0, 1),
                   (dt.date(2026, 6, 1), "370613"): (1, 0, 0, 1, 0, 0)}
    by_agency = burden.burden_counts(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), by_agency=True)
    got = {(r["month"], r["district"], r["agency_id"]): r["visits"] for r in by_agency}
    may, june = dt.date(2026, 5, 1), dt.date(2026, 6, 1)
    assert got == {(may, "370611", town.market.pk): 1, (may, "370611", town.ecology.pk): 1,
                   (june, "370611", town.market.pk): 1, (june, "370613", town.market.pk): 1}
