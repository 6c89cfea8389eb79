"""Every periodic job declared in the settings runs on real due data with the clock stopped: the first run
does its work, the second changes nothing (rows, audit entries, notifications, outbox, stored files)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from accounts.tests.factories import OfficerFactory
from accounts.tokens import api_token_issue
from audit.models import AuditEntry
from credit.models import CreditProfile, WhitelistEntry
from enterprises.tests.factories import EnterpriseFactory, LicenceFactory
from inspections import qrtokens
from inspections.models import Finding, InspectionRecord
from inspections.services import check_in, finding_add, record_finalise, record_item_set
from notifications.models import Notification
from outbox.models import OutboxMessage
from plans.matching import joint_task_fix
from plans.models import Invitation, JointTask, StatisticsDirty
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, City
from tests.dbstate import database_state
from tests.test_statistics_recount import recount_cells, stored_cells
from yantai_inspect.celery import app

pytestmark = pytest.mark.django_db
JOBS = sorted(settings.CELERY_BEAT_SCHEDULE.items())

TODAY = dt.date(2026, 6, 5)  # a Friday: the day the jobs run
NOW = dt.datetime(2026, 6, 5, 7, 30, tzinfo=SHANGHAI)


def at(day: dt.date, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)


class DueCity:
    """A city on 2026-06-05 with something due for every job:

    - a visit on Monday 8 June, not yet fixed (fixing day: 3 days before), whose invitation's deadline passed;
    - a thematic plan for Wednesday 10 June whose invitations are due tomorrow (the reminder window);
    - a visit done on 12 May with a minor finding to fix by 27 May, still open (overdue), and its record's
      PDF waiting in the outbox;
    - a food licence expiring on 15 June (within the month's warning window);
    - an officer's enforcement certificate expiring on 20 June (within the month's warning window);
    - a grade-A enterprise with nothing against it in 12 months (a whitelist candidate);
    - a complaint received on 25 May and never handled (overdue);
    - a supervision opinion issued on 25 May to be answered in 5 working days (by 1 June), never answered;
    - May's monthly report not yet stored (the month has ended);
    - a browser signed in on 30 April and an API token issued then (ended by their limits, still stored);
    - no agency has published its yearly inspection plan, due by 31 March (overdue)."""

    def __init__(self, clock):
        city = self.city = City()
        clock.move_to(at(dt.date(2026, 4, 30)))
        self.stale_officer = OfficerFactory(agency=city.market)
        Client().force_login(self.stale_officer)
        api_token_issue(user=self.stale_officer, device="phone")
        for officer in (city.market_officer, city.ecology_officer):
            plan = plan_file(
                actor=officer,
                enterprise=city.enterprise,
                matters=[city.matter_of(officer)],
                window_start=dt.date(2026, 5, 12),
                window_end=dt.date(2026, 5, 12),
            )
        self.done_visit = plan.joint_task
        clock.move_to(at(dt.date(2026, 5, 9)))
        joint_task_fix(actor=None, task_id=self.done_visit.pk)
        self.done_visit.refresh_from_db()
        clock.move_to(at(dt.date(2026, 5, 12), hour=9))
        for officer in (city.market_officer, city.ecology_officer):
            check_in(actor=officer, task=self.done_visit, token=qrtokens.enterprise_token(city.enterprise.uscc))
        record = InspectionRecord.objects.get(task=self.done_visit)
        record_item_set(actor=city.market_officer, item=record.items.get(matter=city.market_matter), result="compliant")
        bad = record_item_set(
            actor=city.ecology_officer, item=record.items.get(matter=city.ecology_matter), result="non_compliant"
        )
        self.finding = finding_add(
            actor=city.ecology_officer,
            item=bad,
            description="废气收集设施未运行",
            severity="minor",
            deadline=dt.date(2026, 5, 27),
        )
        self.record = record_finalise(actor=city.market_officer, record=record)

        clock.move_to(at(dt.date(2026, 5, 25)))
        self.due_visit = self._lead_plan(dt.date(2026, 6, 8)).joint_task
        self.near_lead = self._lead_plan(dt.date(2026, 6, 10))
        self.licence = LicenceFactory(
            enterprise=city.enterprise,
            licence_type="食品经营许可证",
            valid_from=dt.date(2021, 6, 15),
            valid_to=dt.date(2026, 6, 15),
        )
        self.expiring_officer = OfficerFactory(agency=city.market, certificate_valid_until=dt.date(2026, 6, 20))
        # a grade-A enterprise with a clean year: a whitelist candidate
        self.good = EnterpriseFactory()
        CreditProfile.objects.create(enterprise=self.good, grade="A")
        # a complaint received on 25 May, never handled: its reply was due on 1 June (already with the hotline)
        from complaints.models import Complaint
        from complaints.services import complaint_file
        from enterprises.tests.factories import enterprise_user

        self.complaint = complaint_file(actor=enterprise_user(city.enterprise), kind="conduct", text="态度恶劣")
        OutboxMessage.objects.filter(handler="complaints.hotline_deliver").update(status=OutboxMessage.Status.DONE)
        Complaint.objects.filter(pk=self.complaint.pk).update(hotline_delivery=Complaint.Delivery.DELIVERED)
        from accounts.tests.factories import JusticeUserFactory
        from supervision.services import opinion_issue

        self.opinion = opinion_issue(
            actor=JusticeUserFactory(agency=city.justice_bureau), kind="opinion", subject="visit",
            task=self.done_visit, agency=city.market, text="检查记录未载明依据", due_workdays=5,
        )
        clock.move_to(NOW)

    def _lead_plan(self, day):
        return plan_file(
            actor=self.city.market_officer,
            enterprise=EnterpriseFactory(),
            matters=[self.city.market_matter],
            theme=self.city.theme,
            window_start=day,
            window_end=day,
        )


def did_fix_remind_and_expire(world, result):
    assert JointTask.objects.get(pk=world.due_visit.pk).fixed
    assert Invitation.objects.filter(lead_plan__joint_task=world.due_visit, status="expired").count() == 2
    near = Invitation.objects.filter(lead_plan=world.near_lead)
    assert near.count() == 2 and all(i.status == "open" and i.reminded_at for i in near)
    assert Notification.objects.filter(dedupe_key__startswith="invitation-reminder:").count() == 2
    assert AuditEntry.objects.filter(action="invitation.expire").count() == 2


def did_flag_the_overdue_finding(world, result):
    assert Finding.objects.get(pk=world.finding.pk).overdue_flagged_on == TODAY


def did_warn_about_the_licence(world, result):
    assert Notification.objects.filter(dedupe_key__startswith=f"licence-expiry:{world.licence.pk}:").count() == 2


def did_warn_about_the_certificate(world, result):
    warning = Notification.objects.get(dedupe_key__startswith=f"certificate-expiry:{world.expiring_officer.pk}:")
    assert warning.agency == world.city.market and result == 1


def did_render_the_pdf(world, result):
    assert InspectionRecord.objects.get(pk=world.record.pk).pdf_path
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).exists()


def did_compact_the_statistics(world, result):
    """The day's filings left their division-days dirty (no commit in a test: nothing enqueued them)."""
    assert result >= 1 and not StatisticsDirty.objects.exists()
    assert stored_cells() == recount_cells()


def did_propose_the_candidate(world, result):
    assert result == 1
    assert WhitelistEntry.objects.get().enterprise == world.good


def did_flag_the_overdue_complaint(world, result):
    world.complaint.refresh_from_db()
    assert result is None or result == 1
    assert world.complaint.overdue_since == TODAY


def did_anchor_the_chain(world, result):
    """The day's entries chained and sound; the head written in the day's signed file and told to the city's
    justice bureau (audit.anchoring, accounts.audit_anchor)."""
    from audit.anchoring import anchor_dir

    assert result is True
    assert (anchor_dir() / f"{TODAY.isoformat()}.json").exists()
    assert Notification.objects.filter(dedupe_key=f"audit-anchor:{TODAY.isoformat()}").exists()


def did_raise_the_burden_alert(world, result):
    """The visit of 12 May is over a threshold of 0 visits in the quarter (the fixture's setting): one alert,
    told to the justice bureau responsible for the enterprise's division."""
    from plans.models import BurdenAlert

    alert = BurdenAlert.objects.get()
    assert result == 1 and alert.enterprise == world.city.enterprise and alert.kind == "threshold"
    assert Notification.objects.filter(agency=world.city.justice_bureau, dedupe_key__startswith="burden:").count() == 1


def did_flag_the_overdue_opinion(world, result):
    world.opinion.refresh_from_db()
    assert result == 1 and world.opinion.overdue_since == TODAY
    assert Notification.objects.filter(dedupe_key__startswith=f"opinion:{world.opinion.pk}:overdue:").count() == 1


def did_store_the_monthly_report(world, result):
    """The report of May (the month that ended before 5 June), stored once with its file."""
    from oversight.models import MonthlyReport

    report = MonthlyReport.objects.get()
    assert report.month == dt.date(2026, 5, 1) and report.size > 0 and result == "2026-05 stored"


def did_clear_the_ended_sessions(world, result):
    from accounts.models import ApiToken, BrowserSession

    assert not BrowserSession.objects.filter(user=world.stale_officer).exists()
    assert not ApiToken.objects.filter(user=world.stale_officer).exists()
    assert result == 2, result


def did_remind_about_the_yearly_plans(world, result):
    """No agency has published its yearly plan of 2026 and 31 March has passed: each inspecting agency is told,
    once, that it is overdue (plans.yearly)."""
    from accounts.models import Agency, inspecting_agencies_q

    agencies = Agency.objects.filter(inspecting_agencies_q()).count()
    assert result == agencies >= 3
    told = Notification.objects.filter(dedupe_key__startswith="yearly-plan:2026:overdue:")
    assert told.count() == agencies and told.filter(agency=world.city.market).exists()


FIRST_RUN = {
    "supervision-opinions-overdue": did_flag_the_overdue_opinion,
    "oversight-monthly-report": did_store_the_monthly_report,
    "sessions-expired-clear": did_clear_the_ended_sessions,
    "yearly-plan-reminders": did_remind_about_the_yearly_plans,
    "burden-alerts": did_raise_the_burden_alert,
    "audit-anchor": did_anchor_the_chain,
    "complaints-deadlines": did_flag_the_overdue_complaint,
    "outbox-drain": did_render_the_pdf,
    "plans-daily-checks": did_fix_remind_and_expire,
    "findings-overdue-check": did_flag_the_overdue_finding,
    "licence-expiry-warnings": did_warn_about_the_licence,
    "certificate-expiry-warnings": did_warn_about_the_certificate,
    "statistics-cells-compact": did_compact_the_statistics,
    "whitelist-proposals": did_propose_the_candidate,
}


def test_every_beat_job_has_its_due_data_and_first_run_check():
    assert set(FIRST_RUN) == {name for name, _ in JOBS}


@pytest.fixture
def world(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the audit anchors' signed files
    settings.BURDEN_ALERT_VISITS = 0  # the visit of 12 May passes it (plans.burden)
    with time_machine.travel(at(dt.date(2026, 4, 30)), tick=False) as clock:
        yield DueCity(clock)


@pytest.mark.parametrize("name,job", JOBS, ids=[name for name, _ in JOBS])
def test_each_beat_job_does_its_work_once_and_a_rerun_changes_nothing(world, name, job):
    app.loader.import_default_modules()
    task = app.tasks[job["task"]]
    before = database_state()
    first = task.apply()
    assert first.successful(), first.traceback
    after_first = database_state()
    assert after_first != before, f"{name} found nothing to do on due data"
    FIRST_RUN[name](world, first.result)
    second = task.apply()
    assert second.successful(), second.traceback
    assert database_state() == after_first
