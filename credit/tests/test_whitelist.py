"""The whitelist's life: proposed by the job, decided by the right justice bureau, ended by a falling grade
or a serious finding, with the reason kept."""

import datetime as dt
import random

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.tests.factories import JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from credit.events import credit_event_record
from credit.grades import credit_grade_record
from credit.models import CreditEvent, CreditGrade, CreditProfile, WhitelistEntry
from credit.services import credit_profile_set
from credit.whitelist import whitelist_decide, whitelist_propose
from enterprises.tests.factories import EnterpriseFactory
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)
S = WhitelistEntry.Status


@pytest.fixture(autouse=True)
def _frozen_english():
    with translation.override("en"), time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def listed(enterprise):
    credit_profile_set(actor=None, enterprise=enterprise, grade="A", whitelisted=True)
    return WhitelistEntry.objects.get(enterprise=enterprise, status=S.LISTED)


def test_the_entry_ends_when_the_grade_falls_below_a_and_keeps_the_reason():
    enterprise = EnterpriseFactory()
    entry = listed(enterprise)

    credit_grade_record(actor=None, enterprise=enterprise, grade="B", source=CreditGrade.Source.CREDIT_CHINA_SD,
                        valid_from=TODAY)

    entry.refresh_from_db()
    profile = CreditProfile.objects.get(enterprise=enterprise)
    assert (profile.grade, profile.whitelisted, profile.whitelisted_since) == ("B", False, None)
    assert (entry.status, entry.ended_on, entry.end_kind) == (S.ENDED, TODAY, WhitelistEntry.EndKind.GRADE_FELL)
    assert entry.end_reason == "A → B"
    assert AuditEntry.objects.filter(action="whitelist.end", object_id=str(entry.pk)).exists()
    assert AuditEntry.objects.get(action="credit_grade.record").details["current_after"] == "B"


def test_a_grade_that_stays_a_keeps_the_entry_and_an_older_grade_does_not_replace_a_newer_one():
    enterprise = EnterpriseFactory()
    entry = listed(enterprise)
    credit_grade_record(actor=None, enterprise=enterprise, grade="C", source=CreditGrade.Source.MARKET_CLASSIFICATION,
                        valid_from=TODAY - dt.timedelta(days=400))
    credit_grade_record(actor=None, enterprise=enterprise, grade="A", source=CreditGrade.Source.CREDIT_CHINA_SD,
                        valid_from=TODAY - dt.timedelta(days=3))

    entry.refresh_from_db()
    assert entry.status == S.LISTED and CreditProfile.objects.get(enterprise=enterprise).grade == "A"


def test_a_grade_not_yet_in_force_or_expired_does_not_count():
    enterprise = EnterpriseFactory()
    listed(enterprise)
    credit_grade_record(actor=None, enterprise=enterprise, grade="D", source=CreditGrade.Source.CREDIT_CHINA_SD,
                        valid_from=TODAY + dt.timedelta(days=1))
    credit_grade_record(actor=None, enterprise=enterprise, grade="C", source=CreditGrade.Source.MARKET_CLASSIFICATION,
                        valid_from=TODAY - dt.timedelta(days=30), valid_to=TODAY - dt.timedelta(days=1))
    assert CreditProfile.objects.get(enterprise=enterprise).whitelisted


def test_a_grade_is_checked_and_a_bad_one_writes_nothing():
    enterprise = EnterpriseFactory()
    for kwargs, field in (({"grade": "E"}, "grade"), ({"source": "rumour"}, "source"),
                          ({"valid_to": TODAY - dt.timedelta(days=1)}, "valid_to")):
        args = {"grade": "B", "source": CreditGrade.Source.CREDIT_CHINA_SD, "valid_from": TODAY, **kwargs}
        with pytest.raises(DomainError) as exc:
            credit_grade_record(actor=None, enterprise=enterprise, **args)
        assert exc.value.field == field
    assert not CreditGrade.objects.exists() and not AuditEntry.objects.exists()


def test_a_serious_finding_ends_the_entry_in_the_same_call_once():
    enterprise = EnterpriseFactory()
    entry = listed(enterprise)

    for _ in range(2):
        credit_event_record(actor=None, enterprise_id=enterprise.pk, kind=CreditEvent.Kind.SERIOUS_FINDING,
                            occurred_on=TODAY, source_ref="finding:7")

    entry.refresh_from_db()
    assert (entry.status, entry.end_kind, entry.end_reason) == (S.ENDED, "serious_finding", "finding:7")
    assert not CreditProfile.objects.get(enterprise=enterprise).whitelisted
    assert CreditEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="whitelist.end").count() == 1


def test_an_upheld_complaint_blocks_proposals_but_does_not_end_the_entry():
    enterprise = EnterpriseFactory()
    entry = listed(enterprise)
    credit_event_record(actor=None, enterprise_id=enterprise.pk, kind=CreditEvent.Kind.COMPLAINT_UPHELD,
                        occurred_on=TODAY, source_ref="complaint:3")
    entry.refresh_from_db()
    assert entry.status == S.LISTED


def test_a_profile_whitelisted_before_entries_were_kept_gets_an_ended_entry_with_the_reason():
    enterprise = EnterpriseFactory()
    CreditProfile.objects.create(enterprise=enterprise, grade="A", whitelisted=True,
                                 whitelisted_since=dt.date(2025, 1, 1))

    credit_event_record(actor=None, enterprise_id=enterprise.pk, kind=CreditEvent.Kind.SERIOUS_FINDING,
                        occurred_on=TODAY, source_ref="finding:8")

    entry = WhitelistEntry.objects.get(enterprise=enterprise)
    assert (entry.status, entry.listed_on, entry.end_kind) == (S.ENDED, dt.date(2025, 1, 1), "serious_finding")


# -- the proposal job ------------------------------------------------------------------------------------


def population(n: int, seed: int = 9) -> set[int]:
    """``n`` enterprises of every kind; returns the ids the job must propose."""
    rng = random.Random(seed)
    eligible = set()
    old, recent = TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=100)
    enterprises = EnterpriseFactory.create_batch(n)
    profiles, events, entries = [], [], []
    for k, enterprise in enumerate(enterprises):
        grade = rng.choice("AAABCD")
        case = rng.choice(["plain", "listed", "proposed", "declined_recently", "declined_long_ago",
                           "serious_recent", "serious_old", "complaint_recent", "ended_grade", "ended_admin"])
        white = case == "listed" and grade == "A"
        profiles.append(CreditProfile(enterprise=enterprise, grade=grade, whitelisted=white))
        if white:
            entries.append(WhitelistEntry(enterprise=enterprise, status=S.LISTED, listed_on=old))
        elif case == "proposed":
            entries.append(WhitelistEntry(enterprise=enterprise, status=S.PROPOSED, proposed_on=recent))
        elif case.startswith("declined"):
            entries.append(WhitelistEntry(enterprise=enterprise, status=S.DECLINED, proposed_on=old,
                                          decided_on=recent if case == "declined_recently" else old))
        elif case.startswith("ended"):
            entries.append(WhitelistEntry(enterprise=enterprise, status=S.ENDED, listed_on=old, ended_on=recent,
                                          end_kind="grade_fell" if case == "ended_grade" else "admin"))
        elif case in ("serious_recent", "serious_old", "complaint_recent"):
            events.append(CreditEvent(enterprise=enterprise, source_ref=f"x:{k}",
                                      kind="complaint_upheld" if case == "complaint_recent" else "serious_finding",
                                      occurred_on=old if case == "serious_old" else recent))
        blocked = case in ("listed", "proposed", "declined_recently", "serious_recent", "complaint_recent",
                           "ended_admin")
        if grade == "A" and not blocked:
            eligible.add(enterprise.pk)
    CreditProfile.objects.bulk_create(profiles)
    CreditEvent.objects.bulk_create(events)
    WhitelistEntry.objects.bulk_create(entries)
    return eligible


def test_the_job_proposes_exactly_the_eligible_enterprises_and_is_rerunnable():
    eligible = population(120)
    assert 10 < len(eligible) < 110

    assert whitelist_propose() == len(eligible)
    proposed = set(WhitelistEntry.objects.filter(status=S.PROPOSED, proposed_on=TODAY)
                   .values_list("enterprise_id", flat=True))
    assert proposed == eligible
    assert whitelist_propose() == 0  # rerun: nothing more
    assert WhitelistEntry.objects.filter(status=S.PROPOSED, proposed_on=TODAY).count() == len(eligible)
    assert AuditEntry.objects.filter(action="whitelist.propose").count() == 1


def test_the_job_runs_chunk_by_chunk_with_the_same_result():
    eligible = population(60, seed=3)
    assert whitelist_propose(chunk=7) == len(eligible)
    assert set(WhitelistEntry.objects.filter(status=S.PROPOSED, proposed_on=TODAY)
               .values_list("enterprise_id", flat=True)) == eligible


@pytest.mark.parametrize("n", [20, 200])
def test_the_job_runs_in_a_fixed_number_of_statements(n):
    JusticeBureauFactory(division="370600")
    JusticeBureauFactory(division="370611")
    population(n, seed=n)
    with CaptureQueriesContext(connection) as queries:
        whitelist_propose()
    # the bureaus (1), bounds (2), a savepoint pair around the chunk, the INSERT ... SELECT of the candidates
    # and of their bureaus' notifications, the audit's read, the audit chain's lock (audit.chain.lock_head)
    # and insert
    assert len(queries) == 10, [q["sql"][:80] for q in queries]


# -- the justice bureau decides -------------------------------------------------------------------------


@pytest.fixture
def candidate():
    enterprise = EnterpriseFactory(division="370611")  # Fushan
    CreditProfile.objects.create(enterprise=enterprise, grade="A")
    whitelist_propose()
    return WhitelistEntry.objects.get(enterprise=enterprise)


@pytest.fixture
def bureaus():
    return {
        "city": JusticeUserFactory(agency=JusticeBureauFactory(division="370600")),
        "fushan": JusticeUserFactory(agency=JusticeBureauFactory(division="370611")),
        "laizhou": JusticeUserFactory(agency=JusticeBureauFactory(division="370683")),
    }


def test_the_bureau_of_the_enterprises_district_confirms(candidate, bureaus):
    entry = whitelist_decide(actor=bureaus["fushan"], entry=candidate, confirm=True)

    assert (entry.status, entry.listed_on, entry.authority) == (S.LISTED, TODAY, bureaus["fushan"].agency)
    assert entry.reason.startswith("Credit grade A")
    profile = CreditProfile.objects.get(enterprise=candidate.enterprise)
    assert (profile.whitelisted, profile.whitelisted_since) == (True, TODAY)
    assert AuditEntry.objects.filter(action="whitelist.confirm").count() == 1
    with pytest.raises(DomainError, match="already been decided"):
        whitelist_decide(actor=bureaus["fushan"], entry=candidate, confirm=False, reason="x")


@pytest.mark.parametrize("who", ["city", "laizhou", "officer"])
def test_other_bureaus_and_agencies_are_refused(candidate, bureaus, who):
    actor = OfficerFactory() if who == "officer" else bureaus[who]
    with pytest.raises(PermissionDenied):
        whitelist_decide(actor=actor, entry=candidate, confirm=True)
    candidate.refresh_from_db()
    assert candidate.status == S.PROPOSED


def test_declining_needs_a_reason_and_the_candidate_is_not_proposed_again(candidate, bureaus):
    with pytest.raises(DomainError, match="reason"):
        whitelist_decide(actor=bureaus["fushan"], entry=candidate, confirm=False)
    whitelist_decide(actor=bureaus["fushan"], entry=candidate, confirm=False, reason="近期有投诉待核实")
    assert whitelist_propose() == 0
    assert WhitelistEntry.objects.get().status == S.DECLINED


def test_the_admin_adds_a_grade_through_the_service(client):
    from accounts.tests.factories import AdminUserFactory

    enterprise = EnterpriseFactory()
    entry = listed(enterprise)
    client.force_login(AdminUserFactory())
    response = client.post("/admin/credit/creditgrade/add/", {
        "enterprise": enterprise.pk, "grade": "C", "source": "market_classification", "valid_from": "2026-06-01",
        "valid_to": "", "note": "年度信用风险分类",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.status == S.ENDED and CreditProfile.objects.get(enterprise=enterprise).grade == "C"
    assert AuditEntry.objects.filter(action="credit_grade.record", actor__isnull=False).count() == 1
    bad = client.post("/admin/credit/creditgrade/add/", {
        "enterprise": enterprise.pk, "grade": "C", "source": "market_classification", "valid_from": "2026-06-01",
        "valid_to": "2026-01-01"})
    assert bad.status_code == 200 and CreditGrade.objects.count() == 2  # the profile's A and this C


def test_the_daily_refresh_derives_grades_that_came_into_force_and_ends_the_entry():
    from credit.grades import credit_grades_refresh_due

    enterprise = EnterpriseFactory()
    entry = listed(enterprise)
    credit_grade_record(actor=None, enterprise=enterprise, grade="C", source=CreditGrade.Source.CREDIT_CHINA_SD,
                        valid_from=TODAY + dt.timedelta(days=2))  # imported ahead
    assert CreditProfile.objects.get(enterprise=enterprise).grade == "A"

    with time_machine.travel(dt.datetime(2026, 6, 3, 10, 0, tzinfo=dt.UTC), tick=False):
        assert credit_grades_refresh_due() == 1
        assert credit_grades_refresh_due() == 0  # rerun
    entry.refresh_from_db()
    assert CreditProfile.objects.get(enterprise=enterprise).grade == "C" and entry.status == S.ENDED


# -- the bureaus are told of their candidates ------------------------------------------------------------


def test_each_candidate_is_notified_once_to_the_bureau_that_decides_it(bureaus):
    from notifications.models import Notification

    fushan = EnterpriseFactory(division="370611")
    zhifu = EnterpriseFactory(division="370602")  # no bureau of its own here: the city's decides
    plain = EnterpriseFactory(division="370611")
    for enterprise, grade in ((fushan, "A"), (zhifu, "A"), (plain, "B")):
        CreditProfile.objects.create(enterprise=enterprise, grade=grade)

    assert whitelist_propose() == 2
    assert whitelist_propose(chunk=1) == 0  # a rerun tells nobody again
    entries = {e.enterprise_id: e for e in WhitelistEntry.objects.all()}
    notes = {n.dedupe_key: n for n in Notification.objects.all()}
    assert set(notes) == {f"whitelist-candidate:{entries[fushan.pk].pk}", f"whitelist-candidate:{entries[zhifu.pk].pk}"}
    by_enterprise = {n.body.split(" · ")[1]: n for n in notes.values()}
    assert by_enterprise[fushan.uscc].agency == bureaus["fushan"].agency
    assert by_enterprise[zhifu.uscc].agency == bureaus["city"].agency
    assert by_enterprise[fushan.uscc].body == f"{fushan.name} · {fushan.uscc}"
    assert by_enterprise[fushan.uscc].link == "/justice/whitelist/"
    assert by_enterprise[fushan.uscc].title == "Whitelist candidate awaits your decision"
    assert all(n.read_at is None for n in notes.values())


def test_the_decision_or_the_candidates_end_resolves_its_notification(bureaus):
    from notifications.models import Notification

    confirmed, declined, fallen = (EnterpriseFactory(division="370611") for _n in range(3))
    for enterprise in (confirmed, declined, fallen):
        CreditProfile.objects.create(enterprise=enterprise, grade="A")
    whitelist_propose()
    entry = {e.enterprise_id: e for e in WhitelistEntry.objects.all()}

    def unread(enterprise):
        return Notification.objects.get(dedupe_key=f"whitelist-candidate:{entry[enterprise.pk].pk}").read_at is None

    whitelist_decide(actor=bureaus["fushan"], entry=entry[confirmed.pk], confirm=True)
    whitelist_decide(actor=bureaus["fushan"], entry=entry[declined.pk], confirm=False, reason="待核实")
    assert (unread(confirmed), unread(declined), unread(fallen)) == (False, False, True)
    credit_grade_record(actor=None, enterprise=fallen, grade="C", source="credit_china_sd", valid_from=TODAY)
    assert WhitelistEntry.objects.get(pk=entry[fallen.pk].pk).status == S.ENDED
    assert not unread(fallen)
