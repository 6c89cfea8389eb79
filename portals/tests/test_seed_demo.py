import datetime
import io
import json

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from accounts.divisions import DIVISION_CODES
from accounts.models import Agency, Department, User
from audit.models import AuditEntry
from catalogue.models import Matter, ThematicChecklist, Theme
from credit.models import CreditProfile
from enterprises.models import Enterprise, EnterpriseAccount, Licence
from enterprises.uscc import uscc_error
from notifications.models import Notification
from plans.models import JointTask, Plan
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db

MODELS = [
    Department,
    Agency,
    User,
    Theme,
    Matter,
    ThematicChecklist,
    Enterprise,
    Enterprise.themes.through,
    Licence,
    CreditProfile,
    EnterpriseAccount,
    AuditEntry,
    Plan,
    JointTask,
    Notification,
]


@pytest.fixture(autouse=True)
def _a_fixed_day():
    """The demo city is built around "today" (visits ahead, licences about to expire): a fixed one here."""
    with time_machine.travel(
        datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    ):
        yield


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts():
    return {model._meta.label: model.objects.count() for model in MODELS}


def test_it_builds_the_demo_city_once_and_a_second_run_changes_nothing():
    seed()
    first = counts()

    output = seed()

    assert counts() == first
    assert first["enterprises.Enterprise"] == 300
    assert first["accounts.Agency"] >= 15
    assert "0 created" in output


def test_the_demo_activity_shows_a_joint_visit_a_review_and_a_green_channel_inspection():
    seed()
    jinhai = Enterprise.objects.get(name="烟台金海药业有限公司")
    # The article's visit; the demo's green-channel visit of today (its record with an objection) is another.
    # the article's joint visit ahead (beside today's green-channel visit, carried out for the ratings)
    tasks = JointTask.objects.filter(enterprise=jinhai, urgent=False)
    assert tasks.count() == 1 and tasks.get().plans.values("agency").distinct().count() == 3
    assert Plan.objects.filter(status="pending_review").exists()
    assert Plan.objects.filter(urgent=True, post_review="pending").exists()
    assert Notification.objects.filter(kind="licence_expiry", enterprise=jinhai).exists()
    # 检查审批: the city market regulator's plans wait for head_market from now on; one is waiting.
    assert Plan.objects.filter(status="pending_approval", agency__code="370600-market").exists()
    assert Agency.objects.get(code="370600-market").plans_need_head_approval


def test_the_demo_shows_an_objection_decided_replied_and_a_supervision_opinion():
    from inspections.access import visit_participant_ids
    from inspections.models import Objection
    from supervision.models import Opinion

    seed()
    objection = Objection.objects.select_related("record").get()
    assert objection.status == "not_upheld" and objection.reply
    assert objection.decided_by_id not in visit_participant_ids(objection.record)
    assert Opinion.objects.get().status == "issued"
    seed()  # idempotent
    assert (Objection.objects.count(), Opinion.objects.count()) == (1, 1)
def test_the_demo_has_a_visit_to_rate_and_a_request_for_help_waiting():
    seed()
    jinhai = Enterprise.objects.get(name="烟台金海药业有限公司")
    done = JointTask.objects.get(enterprise=jinhai, status="done")
    # the visit carried out today is the objection's (portals.demo.supervision runs first: its record is
    # signed), so the voice seed adds no second one; either way it is done, with its record final, to rate
    assert done.urgent and done.visit_date == datetime.date(2026, 6, 1)
    assert done.record.status in ("final", "signed", "refused")
    from complaints.models import ServiceRequest, ServiceRoute

    assert ServiceRoute.objects.filter(division="").count() == 5
    request = ServiceRequest.objects.get(enterprise=jinhai)
    assert request.agency.code == "370611-market" and request.status == "open"


def test_the_whitelist_job_proposes_the_demo_candidates_to_their_justice_bureaus_once():
    """The seed runs the daily proposal job over its own data (credit.whitelist.whitelist_propose): every
    grade-A enterprise not listed and without a credit event in 12 months is a candidate, on the justice
    bureau's page of its division, the bureau told once; a second run proposes nobody again."""
    from accounts.selectors import justice_bureau_for_division
    from credit.models import CreditEvent, WhitelistEntry

    seed()
    candidates = WhitelistEntry.objects.filter(status="proposed").select_related("enterprise")
    eligible = set(CreditProfile.objects.filter(grade="A", whitelisted=False)
                   .exclude(enterprise__in=CreditEvent.objects.values("enterprise"))
                   .values_list("enterprise_id", flat=True))
    assert eligible and {c.enterprise_id for c in candidates} == eligible
    for candidate in candidates:
        bureau = justice_bureau_for_division(candidate.enterprise.division)
        assert Notification.objects.filter(agency=bureau, dedupe_key=f"whitelist-candidate:{candidate.pk}").count() == 1
    fushan = next(c for c in candidates if c.enterprise.division == "370611")
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="justice_fushan"))
    page = client.get("/justice/whitelist/").content.decode()
    assert fushan.enterprise.name in page
    seed()
    assert WhitelistEntry.objects.filter(status="proposed").count() == len(eligible)


def test_without_activity_there_are_no_plans():
    seed(no_activity=True)
    assert not Plan.objects.exists()


def test_the_demo_enterprises_have_valid_codes_spread_over_every_division_and_theme():
    seed()

    enterprises = list(Enterprise.objects.prefetch_related("themes"))
    for enterprise in enterprises:
        assert uscc_error(enterprise.uscc) is None, enterprise.uscc
        assert enterprise.uscc[:2] == "91" and enterprise.uscc[2:8] == enterprise.division
    assert {e.division for e in enterprises} == DIVISION_CODES
    assert {t.code for e in enterprises for t in e.themes.all()} == set(Theme.objects.values_list("code", flat=True))
    jinhai = Enterprise.objects.get(name="烟台金海药业有限公司")
    assert jinhai.division == "370611"
    assert {t.code for t in jinhai.themes.all()} == {"medical", "industry"}


def test_it_seeds_licences_due_for_the_expiry_warning_and_whitelisted_enterprises():
    seed()

    today = timezone.localdate()
    expiring = Licence.objects.filter(valid_to__gte=today, valid_to__lte=today + datetime.timedelta(days=30))
    assert 15 <= expiring.count() <= 25
    assert Licence.objects.filter(valid_to__lt=today).exists()
    whitelisted = CreditProfile.objects.filter(whitelisted=True)
    assert 3 <= whitelisted.count() <= 5
    assert set(whitelisted.values_list("grade", flat=True)) == {"A"}
    assert whitelisted.filter(enterprise__division="370683").exists()
    assert CreditProfile.objects.count() == Enterprise.objects.count()
    assert AuditEntry.objects.filter(action="enterprise.seed_batch").count() == 1


def test_every_agency_has_officers_with_unique_certificates_and_each_division_one_justice_bureau():
    seed()

    for agency in Agency.objects.filter(is_justice_bureau=False):
        officers = agency.staff.filter(role=User.Role.OFFICER)
        assert 2 <= officers.count() <= 3, agency.code
        assert not officers.filter(certificate_number="").exists()
    assert set(Agency.objects.filter(is_justice_bureau=True).values_list("division", flat=True)) == {
        "370600",
        "370602",
        "370611",
        "370683",
    }
    assert Agency.objects.get(code="370611-market").parent.code == "370600-market"


def test_the_credentials_file_has_every_role_and_each_login_works(tmp_path):
    path = tmp_path / "var" / "demo-credentials.json"
    output = seed(credentials=str(path))

    logins = json.loads(path.read_text(encoding="utf-8"))
    assert {login["role"] for login in logins} == {"officer", "justice", "enterprise", "admin"}
    by_username = {login["username"]: login for login in logins}
    assert {
        "admin",
        "justice",
        "justice_fushan",
        "officer_market",
        "officer_market2",
        "officer_ecology",
        "officer_emergency",
        "officer_fushan_market",
        "enterprise",
        "enterprise2",
    } <= set(by_username)
    for login in logins:
        # A request, as every login has one: django-axes counts attempts per address.
        user = authenticate(RequestFactory().post("/login/"), username=login["username"], password=login["password"])
        validate_password(login["password"], user)  # 12 characters, not common, not like the username
        assert user is not None and user.role == login["role"], login["username"]
        if login["role"] in ("officer", "justice"):
            assert user.agency.code == login["agency"]
        if login["role"] == "enterprise":
            assert user.enterprise_account.enterprise.uscc == login["enterprise"]
    assert by_username["enterprise"]["enterprise"] == Enterprise.objects.get(name="烟台金海药业有限公司").uscc
    assert by_username["officer_fushan_market"]["agency"] == "370611-market"
    assert User.objects.get(username="admin").is_superuser
    assert "officer_market" in output and "Yantai-Demo-2026!" in output


def test_a_failure_leaves_nothing_written(monkeypatch):
    def refuse(**kwargs):
        raise DomainError("refused")

    monkeypatch.setattr("portals.management.commands.seed_demo.enterprise_account_link", refuse)

    with pytest.raises(CommandError, match="nothing was written"):
        seed()

    assert all(count == 0 for count in counts().values())


def test_it_seeds_the_yearly_caps_defaults_once():
    from credit.policy import CapPolicy, cap_limits_for

    seed(no_activity=True)
    seed(no_activity=True)
    policy = CapPolicy.objects.get()
    assert policy.effective_from == datetime.date(2026, 1, 1)
    limits = {tier: cap_limits_for(on=datetime.date(2026, 6, 1), agency_id=0, tier=tier)["agency"]
              for tier in ("whitelist", "A", "B", "C", "D")}
    assert limits == {"whitelist": (1, "refuse"), "A": (1, "refuse"), "B": (2, "refuse"), "C": (3, "refuse"),
                      "D": None}


def test_it_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run in production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()
