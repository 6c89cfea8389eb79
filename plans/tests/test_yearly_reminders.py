"""The reminders of 31 March (``plans.yearly.yearly_plan_reminders_send``, beat ``yearly-plan-reminders``): from
1 March each agency with inspection authority that has not published its yearly plan is told once that it is
due, and once after 31 March that it is overdue; set-based, rerunnable without a second notice; the justice
bureau sees the reminders beside the overdue agencies."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory
from audit.models import AuditEntry
from enterprises.tests.factories import enterprise_user
from notifications.models import Notification
from plans.models import YearlyPlanReminder
from plans.tasks import yearly_plan_reminders
from plans.yearly import reminder_stage, yearly_overview, yearly_plan_publish, yearly_plan_reminders_send

from .conftest import SHANGHAI, freeze
from .test_yearly_plans import drafted

pytestmark = pytest.mark.django_db

FEB_END, MARCH_1 = dt.date(2026, 2, 28), dt.date(2026, 3, 1)
MARCH_31, APRIL_1 = dt.date(2026, 3, 31), dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(day: dt.date):
    return freeze(dt.datetime(day.year, day.month, day.day, 7, 10, tzinfo=SHANGHAI))


def keys(prefix="yearly-plan:"):
    return set(Notification.objects.filter(dedupe_key__startswith=prefix).values_list("dedupe_key", flat=True))


def state():
    return (Notification.objects.count(), AuditEntry.objects.count(), YearlyPlanReminder.objects.count())


def test_the_stage_of_a_day():
    assert [reminder_stage(d) for d in (FEB_END, MARCH_1, MARCH_31, APRIL_1, dt.date(2026, 12, 31))] == [
        None, "due", "due", "overdue", "overdue"]


def test_each_agency_that_has_not_published_is_told_once_that_it_is_due_and_once_that_it_is_overdue(city):
    no_authority = AgencyFactory(code="yt-grid", name="网格中心", inspection_authority=False)
    with at(MARCH_1):
        drafted(city, city.ecology_officer)  # a draft is not a published plan: still reminded
        yearly_plan_publish(actor=city.emergency_officer, plan=drafted(city, city.emergency_officer))
    with at(FEB_END):
        assert yearly_plan_reminders_send() == 0 and not keys()

    with at(MARCH_1):
        assert yearly_plan_reminders_send() == 2
    assert keys() == {f"yearly-plan:2026:due:{city.market.pk}", f"yearly-plan:2026:due:{city.ecology.pk}"}
    told = Notification.objects.get(dedupe_key=f"yearly-plan:2026:due:{city.market.pk}")
    assert told.agency == city.market and "due by 2026-03-31" in told.title and told.link == "/agency/yearly-plans/"
    entry = AuditEntry.objects.get(action="yearly_plan.reminder", agency_id=city.market.pk)
    assert entry.details == {"year": 2026, "stage": "due", "publish_by": "2026-03-31"}
    assert not Notification.objects.filter(agency__in=[no_authority, city.justice_bureau, city.emergency]).exists()

    before = state()
    with at(dt.date(2026, 3, 20)):
        assert yearly_plan_reminders_send() == 0  # the next days: nobody told twice
    with at(MARCH_31):
        yearly_plan_reminders.apply()
    assert state() == before

    with at(APRIL_1):
        assert yearly_plan_reminders_send() == 2
        assert yearly_plan_reminders_send() == 0
    overdue = Notification.objects.get(dedupe_key=f"yearly-plan:2026:overdue:{city.ecology.pk}")
    assert "overdue" in overdue.title and "2026-03-31" in overdue.body
    assert YearlyPlanReminder.objects.filter(stage="overdue").count() == 2


def test_an_agency_first_met_after_the_deadline_is_told_only_that_it_is_overdue(city):
    with at(dt.date(2026, 5, 4)):
        assert yearly_plan_reminders_send() == 3
    assert not keys("yearly-plan:2026:due:") and len(keys("yearly-plan:2026:overdue:")) == 3


def test_publishing_resolves_the_reminder_in_the_agency_s_inbox(city):
    with at(dt.date(2026, 3, 5)):
        plan = drafted(city)
        yearly_plan_reminders_send()
        assert Notification.objects.get(dedupe_key=f"yearly-plan:2026:due:{city.market.pk}").read_at is None
        yearly_plan_publish(actor=city.market_officer, plan=plan)
    assert Notification.objects.get(dedupe_key=f"yearly-plan:2026:due:{city.market.pk}").read_at is not None
    with at(APRIL_1):
        yearly_plan_reminders_send()
    assert f"yearly-plan:2026:overdue:{city.market.pk}" not in keys()  # published: not overdue


def test_a_batch_costs_a_fixed_number_of_statements_and_a_small_batch_reaches_everyone(city):
    def run(day):
        with at(day), CaptureQueriesContext(connection) as queries:
            sent = yearly_plan_reminders_send()
        return sent, len(queries)

    few = run(MARCH_1)
    for n in range(6):
        AgencyFactory(code=f"more-{n}")
    many = run(APRIL_1)
    assert (few[0], many[0]) == (3, 9) and few[1] == many[1]
    with at(dt.date(2026, 4, 2)):
        assert yearly_plan_reminders_send(batch_size=2) == 0
    YearlyPlanReminder.objects.filter(stage="overdue").delete()
    Notification.objects.filter(dedupe_key__startswith="yearly-plan:2026:overdue:").delete()
    with at(dt.date(2026, 4, 2)):
        assert yearly_plan_reminders_send(batch_size=2) == 9  # five batches, the last one short


def test_the_justice_bureau_sees_the_reminders_beside_the_overdue_agencies(city):
    justice = JusticeUserFactory(agency=city.justice_bureau)
    with at(MARCH_1):
        yearly_plan_reminders_send()
    with at(APRIL_1):
        yearly_plan_reminders_send()
        rows = {r["agency"].code: r for r in yearly_overview(user=justice, year=2026)}
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(justice)
        page = client.get("/justice/yearly-plans/?year=2026").content.decode()
        api = APIClient()
        api.force_authenticate(justice)
        listed = {r["agency"]: r for r in api.get("/api/v1/yearly-plans/overview/?year=2026").json()}
    market = rows["yt-market"]
    assert market["overdue"] and market["reminded_overdue"]
    assert market["reminded_due"].astimezone(SHANGHAI).date() == MARCH_1
    assert "即将到期：2026-03-01" in page and "已逾期：2026-04-01" in page
    assert listed["yt-market"]["overdue"] and listed["yt-market"]["reminded_overdue"]


@pytest.mark.parametrize("who", ["officer", "enterprise", "other district's justice bureau", "anonymous"])
def test_the_justice_page_of_the_reminders_refuses_the_wrong_roles(city, who):
    with at(APRIL_1):
        yearly_plan_reminders_send()
        users = {
            "officer": city.market_officer,
            "enterprise": enterprise_user(city.enterprise),
            "other district's justice bureau": JusticeUserFactory(agency=JusticeBureauFactory(
                code="lz-justice", name="莱州市司法局", level=Agency.Level.DISTRICT, division="370683")),
            "anonymous": None,
        }
        client, api = Client(), APIClient()
        if users[who] is not None:
            client.force_login(users[who])
            api.force_authenticate(users[who])
        page = client.get("/justice/yearly-plans/?year=2026")
        listed = api.get("/api/v1/yearly-plans/overview/?year=2026")
    if who == "other district's justice bureau":  # its own agencies only: none of the city's
        assert page.status_code == 200 and city.market.name not in page.content.decode()
        assert listed.status_code == 200 and listed.json() == []
    else:
        assert page.status_code in (302, 403) and listed.status_code in (401, 403)
