import pytest
from django.core.management import call_command

from enterprises.tests.factories import EnterpriseFactory
from plans.models import JointTask, Plan
from plans.rematch import rematch_all
from plans.services import plan_file

from .conftest import days

pytestmark = pytest.mark.django_db


def test_rematching_everything_serves_every_plan_with_the_fewest_visits(city, frozen):
    enterprises = [city.enterprise] + [EnterpriseFactory() for _ in range(4)]
    for n, enterprise in enumerate(enterprises):
        plan_file(
            actor=city.market_officer,
            enterprise=enterprise,
            matters=[city.market_matter],
            window_start=days(8),
            window_end=days(12 + n),
        )
        plan_file(
            actor=city.ecology_officer,
            enterprise=enterprise,
            matters=[city.ecology_matter],
            window_start=days(10),
            window_end=days(20),
        )
        plan_file(
            actor=city.emergency_officer,
            enterprise=enterprise,
            matters=[city.emergency_matter],
            window_start=days(22),
            window_end=days(30),
        )
    before = sorted(JointTask.objects.values_list("enterprise_id", "visit_date"))
    # Scramble the assignment as if the calendar had changed under it.
    JointTask.objects.update(visit_date=days(40))
    ids_before = set(JointTask.objects.values_list("pk", flat=True))
    counts = rematch_all(batch_size=2)
    assert counts == {"enterprises": 5, "plans": 15, "visits": 10, "changed": 10, "unschedulable": 0}
    assert set(JointTask.objects.values_list("pk", flat=True)) == ids_before  # the apps' visit ids stay
    assert sorted(JointTask.objects.values_list("enterprise_id", "visit_date")) == before
    assert not Plan.objects.filter(joint_task__isnull=True).exists()
    for plan in Plan.objects.select_related("joint_task"):
        assert plan.window_start <= plan.joint_task.visit_date <= plan.window_end


def test_rematching_twice_changes_nothing_and_keeps_fixed_visits(city, frozen):
    from plans.matching import joint_task_fix

    plan = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
    )
    joint_task_fix(actor=None, task_id=plan.joint_task_id)
    plan_file(
        actor=city.ecology_officer,
        enterprise=city.enterprise,
        matters=[city.ecology_matter],
        window_start=days(20),
        window_end=days(25),
    )
    call_command("rematch_visits", "--no-progress")
    first = sorted(JointTask.objects.values_list("pk", "visit_date", "fixed"))
    assert rematch_all()["changed"] == 0  # nothing to change the second time
    second = sorted(JointTask.objects.values_list("pk", "visit_date", "fixed"))
    assert first == second
    assert JointTask.objects.filter(pk=plan.joint_task_id, fixed=True).exists()


def _state():
    return (
        sorted(
            JointTask.objects.values_list(
                "pk", "enterprise_id", "visit_date", "status", "fixed", "lead_agency_id", "theme_id", "updated_at"
            )
        ),
        sorted(Plan.objects.values_list("pk", "status", "joint_task_id")),
    )


def test_filing_and_rematch_agree_on_the_lead_agency(city, frozen):
    """The theme's lead agency leads a visit it takes part in, even on a plan without the theme. On the old
    code rematch_visits gave the lead to the first filer instead (its own copy of ``lead_of``)."""
    ecology = plan_file(
        actor=city.ecology_officer,
        enterprise=city.enterprise,
        theme=city.theme,
        matters=[city.ecology_matter],
        window_start=days(8),
        window_end=days(12),
    )
    plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(12),
    )
    task = JointTask.objects.get(pk=ecology.joint_task_id)
    assert (task.lead_agency, task.theme) == (city.market, city.theme)
    before = _state()
    rematch_all()
    assert _state() == before


def test_rematching_a_matched_city_changes_no_visit_no_lead_no_assignment_and_writes_no_audit_entry(city, frozen):
    from accounts.tests.factories import JusticeUserFactory
    from audit.models import AuditEntry
    from plans.matching import joint_task_fix
    from plans.services import plan_review

    enterprises = [city.enterprise] + [EnterpriseFactory() for _ in range(5)]
    city.whitelist(enterprises[-1])
    for n, enterprise in enumerate(enterprises):
        plan_file(
            actor=city.ecology_officer,
            enterprise=enterprise,
            theme=city.theme,
            matters=[city.ecology_matter],
            window_start=days(8 + n),
            window_end=days(14 + n),
        )
        plan_file(
            actor=city.market_officer,
            enterprise=enterprise,
            matters=[city.market_matter],
            window_start=days(10),
            window_end=days(20),
        )
        plan_file(
            actor=city.emergency_officer,
            enterprise=enterprise,
            matters=[city.emergency_matter],
            window_start=days(25),
            window_end=days(30 + n),
        )
    for plan in Plan.objects.filter(status=Plan.Status.PENDING_REVIEW):
        plan_review(actor=JusticeUserFactory(agency=city.justice_bureau), plan=plan, approve=True)
    first = JointTask.objects.order_by("visit_date", "pk").first()
    joint_task_fix(actor=None, task_id=first.pk)
    before, audit = _state(), AuditEntry.objects.count()
    counts = rematch_all(batch_size=4)
    assert _state() == before
    assert AuditEntry.objects.count() == audit
    assert counts["changed"] == 0 and counts["enterprises"] == len(enterprises)


def test_rematching_the_seeded_demo_city_changes_nothing(settings):
    import datetime as dt

    import time_machine

    from audit.models import AuditEntry

    from .conftest import SHANGHAI

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        call_command("seed_demo", stdout=__import__("io").StringIO())
        assert Plan.objects.filter(joint_task__isnull=False).exists()
        before, audit = _state(), AuditEntry.objects.count()
        counts = rematch_all()
    assert _state() == before
    assert AuditEntry.objects.count() == audit
    assert counts["changed"] == 0


def test_a_plan_a_new_holiday_calendar_leaves_with_no_day_leaves_its_visit_and_the_others_are_rematched(city, frozen):
    from enterprises.models import BusyPeriod

    stranded = plan_file(
        actor=city.market_officer,
        enterprise=city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(9),
    )
    other = plan_file(
        actor=city.ecology_officer,
        enterprise=city.enterprise,
        matters=[city.ecology_matter],
        window_start=days(20),
        window_end=days(25),
    )
    old_task = stranded.joint_task_id
    # Days that become unavailable for everybody at once (as a newly published holiday would make them).
    BusyPeriod.objects.create(enterprise=city.enterprise, start=days(8), end=days(9))
    counts = rematch_all()
    assert counts["unschedulable"] == 1
    stranded.refresh_from_db()
    assert stranded.joint_task_id is None and stranded.status == Plan.Status.FILED
    assert not JointTask.objects.filter(pk=old_task).exists()
    other.refresh_from_db()
    assert other.joint_task is not None
    # Filing for the enterprise is not blocked by the stranded plan.
    plan_file(
        actor=city.emergency_officer,
        enterprise=city.enterprise,
        matters=[city.emergency_matter],
        window_start=days(20),
        window_end=days(22),
    )


def _file_pair(city, enterprise):
    for officer, start, end in ((city.market_officer, 8, 12), (city.ecology_officer, 10, 20)):
        plan_file(
            actor=officer,
            enterprise=enterprise,
            matters=[city.matter_of(officer)],
            window_start=days(start),
            window_end=days(end),
        )


def _rematch_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        rematch_all(batch_size=100)
    return len(ctx.captured_queries)


def test_rematching_a_matched_batch_costs_the_same_queries_for_two_enterprises_or_eight(city, frozen):
    for _ in range(2):
        _file_pair(city, EnterpriseFactory())
    two = _rematch_queries()
    for _ in range(6):
        _file_pair(city, EnterpriseFactory())
    assert _rematch_queries() == two
