"""Build the Yantai demo city: catalogue, agencies and justice bureaus, officers, 300 enterprises with
licences and credit profiles, and one login per role.

Idempotent: everything is derived from fixed seeds and keyed on codes, usernames and credit codes, so a
second run finds it all in place and writes nothing (not even audit entries). Everything is written in
one transaction: a failure leaves nothing half-written.
"""
import datetime
import json
import random
import unicodedata
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.divisions import CITY_CODE
from accounts.heads import agency_head_approval_set, agency_head_set
from accounts.models import Agency, Department, User
from accounts.selectors import justice_bureau_for_division
from accounts.services import agency_create, user_create
from audit.services import audit_record
from catalogue.models import Theme
from catalogue.services import catalogue_load
from credit.models import CreditGrade, CreditProfile, WhitelistEntry
from credit.policy import cap_policy_seed_defaults
from credit.whitelist import WHITELIST_REASON, whitelist_propose
from enterprises.licences import licence_expiry_warnings_send
from enterprises.models import Enterprise, EnterpriseAccount, Licence
from enterprises.services import enterprise_account_link
from plans.models import SpecialQuota
from plans.services import plan_file, plans_daily_checks
from plans.special import special_quota_set
from portals.demo.activity import demo_activity_seed
from portals.demo.agencies import (
    ADMIN_USERNAME,
    DEMO_DISTRICTS,
    DEMO_HEADS,
    DEMO_JUSTICE,
    DEMO_OFFICERS,
    DEPARTMENT_ORDER,
    agency_code,
    agency_name,
)
from portals.demo.enterprises import JINHAI, LAIZHOU_STONE, SEED, person_name, plan_enterprises
from portals.demo.supervision import demo_objection_seed, demo_opinion_seed
from portals.demo.voice import demo_voice_seed
from yantai_inspect.errors import DomainError, domain_error_from_validation

DEMO_PASSWORD = "Yantai-Demo-2026!"

# --- The command ----------------------------------------------------------------------------------------


class _Batch:
    """What the summary audit entry of a bulk insert is about (``audit_record`` needs a label, an id and a
    name; a batch of 300 rows has no single row to name)."""

    _meta = SimpleNamespace(label_lower="enterprises.batch")
    pk = "seed_demo"

    def __str__(self):
        return "seed_demo"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


class Command(BaseCommand):
    help = "Build the Yantai demo city (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--credentials", metavar="FILE", help="also write the demo logins to FILE as JSON")
        parser.add_argument("--no-activity", action="store_true",
                            help="only the city, people and enterprises: no demo plans or notifications")

    def handle(self, *args, credentials=None, no_activity=False, **options):
        if settings.PRODUCTION:
            # Public passwords and invented enterprises have no place in a production database.
            raise CommandError("seed_demo refuses to run in production (DJANGO_ENV=production, or DJANGO_ENV unset); "
                               "the demo is for DJANGO_ENV=local")
        self.today = timezone.localdate()
        try:
            with transaction.atomic():
                logins = self.seed()
                self.seed_caps()
                self.seed_special_quota()
                if not no_activity:
                    self.seed_activity()
        except DomainError as exc:
            raise CommandError(f"seed_demo failed, nothing was written: {exc.message}") from exc
        self.print_logins(logins)
        if credentials:
            path = Path(credentials)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(logins, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"demo logins written to {path}")

    def seed_caps(self):
        """The yearly caps' defaults (credit.policy: whitelist 1, A 1, B 2, C 3, D none per agency), in force
        from the first of the year; left alone once a version exists (the justice bureau's own)."""
        policy = cap_policy_seed_defaults(effective_from=datetime.date(self.today.year, 1, 1))
        self.progress("inspection caps: " + ("defaults set" if policy else "a policy exists, left as it is"))

    def seed_special_quota(self):
        """专项检查: a default quota of 2 special inspection campaigns per agency for this year and the next;
        a year that has a quota already is left as the justice bureau set it."""
        for year in (self.today.year, self.today.year + 1):
            if not SpecialQuota.objects.filter(year=year).exists():
                special_quota_set(actor=None, year=year, quota=2, note="演示默认限额", today=self.today)
        self.progress("special inspection quotas: 2 per agency a year unless set")

    def seed_activity(self):
        """Plans through the real services, then the daily jobs, so the portals have something to show."""
        filed = demo_activity_seed(today=self.today)
        filed += self.seed_head_approval(first_run=bool(filed))
        objections = demo_objection_seed(today=self.today)
        opinions = demo_opinion_seed(today=self.today)
        voice = demo_voice_seed(today=self.today)
        self.progress(f"the enterprise's voice: {voice['routes']} service-request routes, {voice['visits']} visit "
                      f"carried out today to rate, {voice['requests']} request for help")
        warned = licence_expiry_warnings_send(today=self.today)
        checks = plans_daily_checks(today=self.today)
        # The daily whitelist job, last: it reads the grades and the credit events the activity may have added
        # (an upheld complaint, a serious finding), and tells each candidate's justice bureau once.
        proposed = whitelist_propose(today=self.today)
        self.progress(f"activity: {filed} plans filed, {warned} licence-expiry warnings, "
                      f"{checks['fixed']} visits fixed, {objections} objection, {opinions} supervision opinion, "
                      f"{proposed} whitelist candidates proposed")

    def seed_head_approval(self, *, first_run: bool) -> int:
        """检查审批 in the demo: from now on the city market regulator's routine plans wait for its head
        (``head_market``), and one of officer_market2's plans is waiting. Turned on after the demo's other plans
        are filed, so that they are matched as before; ``--no-activity`` leaves the setting off."""
        market = Agency.objects.get(code="370600-market")
        agency_head_approval_set(actor=None, agency=market, required=True)
        if not first_run:
            return 0
        officer = User.objects.select_related("agency__department").get(username="officer_market2")
        enterprise = (Enterprise.objects.filter(division="370602", credit__whitelisted=False, plans__isnull=True)
                      .order_by("uscc").first())
        matters = list(market.department.matters.filter(active=True).order_by("code")[:1])
        if enterprise is None or not matters:
            return 0
        day = datetime.timedelta(days=1)
        try:
            with transaction.atomic():
                plan_file(actor=officer, enterprise=enterprise, matters=matters, window_start=self.today + 10 * day,
                          window_end=self.today + 20 * day)
        except DomainError:
            return 0
        return 1

    def progress(self, message: str):
        self.stdout.write(f"· {message}")

    def seed(self) -> list[dict]:
        self._users_created = 0
        counts = catalogue_load(actor=None)
        self.progress("catalogue: {departments} departments, {themes} themes, {matters} matters, "
                      "{checklists} checklists ({created} created, {updated} updated)".format(**counts))
        agencies = self.seed_agencies()
        logins = self.seed_staff(agencies)
        admin = self.ensure_user(username=ADMIN_USERNAME, password=DEMO_PASSWORD, role=User.Role.ADMIN,
                                 full_name="平台管理员")
        logins.insert(0, {"role": "admin", "username": admin.username, "password": DEMO_PASSWORD})
        enterprises = self.seed_enterprises()
        logins += self.seed_enterprise_accounts(enterprises)
        return logins

    # Agencies and people ---------------------------------------------------------------------------------

    def seed_agencies(self) -> dict[str, Agency]:
        departments = {d.code: d for d in Department.objects.all()}
        existing = {a.code: a for a in Agency.objects.all()}
        created = 0
        for division in [CITY_CODE, *DEMO_DISTRICTS]:
            for department in DEPARTMENT_ORDER:
                code = agency_code(department, division)
                if code in existing:
                    continue
                parent = existing.get(agency_code(department, CITY_CODE)) if division != CITY_CODE else None
                existing[code] = agency_create(
                    actor=None, code=code, name=agency_name(department, division),
                    department=departments[department],
                    level=Agency.Level.CITY if division == CITY_CODE else Agency.Level.DISTRICT,
                    division=division, parent=parent,
                    is_justice_bureau=department == "justice",
                )
                created += 1
        self.progress(f"agencies: {len(existing)} ({created} created), a justice bureau in each of "
                      f"{1 + len(DEMO_DISTRICTS)} divisions")
        return existing

    def ensure_user(self, **kwargs) -> User:
        user = User.objects.filter(username=kwargs["username"]).first()
        if user is None:
            user = user_create(actor=None, **kwargs)
            self._users_created += 1
        return user

    def seed_staff(self, agencies: dict[str, Agency]) -> list[dict]:
        """Two or three certified officers per enforcement agency and two staff per justice bureau. Only the
        named demo accounts get a password; the others exist to be picked for joint tasks."""
        rng = random.Random(f"{SEED}-people")
        certificate_seq: dict[str, int] = {}
        officers, justice, logins = [], [], []
        for division in [CITY_CODE, *DEMO_DISTRICTS]:
            for department in DEPARTMENT_ORDER:
                agency = agencies[agency_code(department, division)]
                size = 2 if agency.is_justice_bureau else rng.choice([2, 3])
                for position in range(1, size + 1):
                    full_name = person_name(rng)
                    year = rng.randint(2018, 2024)
                    if agency.is_justice_bureau:
                        username = DEMO_JUSTICE.get(agency.code) if position == 1 else None
                        role, certificate = User.Role.JUSTICE, ""
                    else:
                        username = DEMO_OFFICERS.get((agency.code, position))
                        role = User.Role.OFFICER
                        certificate_seq[division] = certificate_seq.get(division, 0) + 1
                        certificate = f"{division}{year}{certificate_seq[division]:04d}"
                    password = DEMO_PASSWORD if username else None
                    validity = {} if not certificate else {
                        "certificate_issuer": "山东省人民政府", "certificate_valid_from": datetime.date(year, 1, 1),
                        "certificate_valid_until": datetime.date(2029, 12, 31)}
                    user = self.ensure_user(username=username or f"{agency.code}-{position}", password=password,
                                            role=role, full_name=full_name, agency=agency,
                                            certificate_number=certificate, **validity)
                    (justice if agency.is_justice_bureau else officers).append(user)
                    if username:
                        logins.append({"role": role.value, "username": username, "password": DEMO_PASSWORD,
                                       "agency": agency.code})
        for code, (username, full_name) in DEMO_HEADS.items():
            user = self.ensure_user(username=username, password=DEMO_PASSWORD, role=User.Role.OFFICER,
                                    full_name=full_name, agency=agencies[code],
                                    certificate_number=f"{agencies[code].division}20199001",
                                    certificate_issuer="山东省人民政府",
                                    certificate_valid_from=datetime.date(2019, 1, 1),
                                    certificate_valid_until=datetime.date(2029, 12, 31))
            if not user.is_agency_head:
                agency_head_set(actor=None, user=user, is_head=True)
            logins.append({"role": User.Role.OFFICER.value, "username": username, "password": DEMO_PASSWORD,
                           "agency": code, "head": True})
        self.progress(f"officers: {len(officers)}, justice bureau staff: {len(justice)} "
                      f"({self._users_created} accounts created)")
        # Justice logins first (city bureau, then districts), officers in the order of DEMO_OFFICERS, heads.
        order = [*DEMO_JUSTICE.values(), *DEMO_OFFICERS.values(), *(u for u, _ in DEMO_HEADS.values())]
        return sorted(logins, key=lambda login: order.index(login["username"]))

    # Enterprises -----------------------------------------------------------------------------------------

    def _clean(self, obj, **kwargs):
        try:
            obj.full_clean(**kwargs)
        except ValidationError as exc:
            raise domain_error_from_validation(exc) from exc

    def seed_enterprises(self) -> dict[str, Enterprise]:
        """Bulk-inserts what is missing (enterprises, their themes, licences, credit profiles), each row
        validated with full_clean first, and writes one audit entry summarising the batch."""
        plans = plan_enterprises()
        themes = {t.code: t for t in Theme.objects.all()}
        usccs = [p.uscc for p in plans]
        existing = set(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", flat=True))

        new = []
        for plan in plans:
            if plan.uscc in existing:
                continue
            enterprise = Enterprise(uscc=plan.uscc, name=plan.name, division=plan.division, industry=plan.industry,
                                    legal_representative=plan.legal_representative, address=plan.address)
            self._clean(enterprise, validate_unique=False)  # uniqueness: filtered above
            new.append(enterprise)
        Enterprise.objects.bulk_create(new)
        enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
        new_usccs = {e.uscc for e in new}

        through = Enterprise.themes.through
        through.objects.bulk_create(
            [through(enterprise_id=enterprises[p.uscc].pk, theme_id=themes[code].pk)
             for p in plans if p.uscc in new_usccs for code in p.themes],
            ignore_conflicts=True,
        )

        have_licence = set(Licence.objects.filter(enterprise__uscc__in=usccs)
                           .values_list("enterprise_id", "licence_type", "number"))
        licences = []
        for plan in plans:
            enterprise = enterprises[plan.uscc]
            for lic in plan.licences:
                if (enterprise.pk, lic.licence_type, lic.number) in have_licence:
                    continue
                valid_to = self.today + datetime.timedelta(days=lic.days_left)
                licence = Licence(enterprise=enterprise, licence_type=lic.licence_type, number=lic.number,
                                  issuing_agency=lic.issuing_agency, valid_to=valid_to,
                                  valid_from=valid_to - datetime.timedelta(days=5 * 365))
                self._clean(licence, validate_constraints=False)
                licences.append(licence)
        Licence.objects.bulk_create(licences)

        have_profile = set(CreditProfile.objects.filter(enterprise__uscc__in=usccs)
                           .values_list("enterprise_id", flat=True))
        profiles = []
        for plan in plans:
            enterprise = enterprises[plan.uscc]
            if enterprise.pk in have_profile:
                continue
            profile = CreditProfile(enterprise=enterprise, grade=plan.grade, whitelisted=plan.whitelisted,
                                    whitelisted_since=self.today - datetime.timedelta(days=180)
                                    if plan.whitelisted else None)
            self._clean(profile, validate_unique=False)
            profiles.append(profile)
        CreditProfile.objects.bulk_create(profiles)
        # Each new profile's grade as Credit China (Shandong) gave it half a year ago, valid a year; each
        # whitelisted one listed by the justice bureau responsible for its division.
        CreditGrade.objects.bulk_create([
            CreditGrade(enterprise=p.enterprise, grade=p.grade, source=CreditGrade.Source.CREDIT_CHINA_SD,
                        valid_from=self.today - datetime.timedelta(days=180),
                        valid_to=self.today + datetime.timedelta(days=185))
            for p in profiles
        ])
        divisions = {p.enterprise.division for p in profiles if p.whitelisted}
        bureaus = {d: justice_bureau_for_division(d) for d in divisions}
        WhitelistEntry.objects.bulk_create([
            WhitelistEntry(enterprise=p.enterprise, status=WhitelistEntry.Status.LISTED,
                           proposed_on=p.whitelisted_since, listed_on=p.whitelisted_since,
                           decided_on=p.whitelisted_since, authority=bureaus[p.enterprise.division],
                           reason=str(WHITELIST_REASON))
            for p in profiles if p.whitelisted
        ])

        expiring = sum(1 for lic in licences if 0 <= (lic.valid_to - self.today).days <= 30)
        expired = sum(1 for lic in licences if lic.valid_to < self.today)
        whitelisted = [p.enterprise.uscc for p in profiles if p.whitelisted]
        if new or licences or profiles:
            audit_record(actor=None, action="enterprise.seed_batch", obj=_Batch(), details={
                "seed": SEED, "enterprises": len(new), "licences": len(licences), "credit_profiles": len(profiles),
                "licences_expiring_within_30_days": expiring, "licences_expired": expired,
                "whitelisted": whitelisted,
            })
        self.progress(f"enterprises: {len(enterprises)} ({len(new)} created) in {len({p.division for p in plans})} "
                      f"divisions and {len({t for p in plans for t in p.themes})} themes")
        self.progress(f"licences: {len(licences)} created ({expiring} expiring within 30 days, {expired} expired)")
        self.progress(f"credit profiles: {len(profiles)} created ({len(whitelisted)} whitelisted)")
        return enterprises

    def seed_enterprise_accounts(self, enterprises: dict[str, Enterprise]) -> list[dict]:
        by_name = {e.name: e for e in enterprises.values()}
        rng = random.Random(f"{SEED}-enterprise-accounts")
        logins = []
        for username, enterprise in (("enterprise", by_name[JINHAI]), ("enterprise2", by_name[LAIZHOU_STONE])):
            user = self.ensure_user(username=username, password=DEMO_PASSWORD, role=User.Role.ENTERPRISE,
                                    full_name=person_name(rng))
            if not EnterpriseAccount.objects.filter(user=user).exists():
                enterprise_account_link(actor=None, user=user, enterprise=enterprise)
            logins.append({"role": "enterprise", "username": username, "password": DEMO_PASSWORD,
                           "enterprise": enterprise.uscc})
        self.progress(f"enterprise accounts: {', '.join(login['username'] for login in logins)}")
        return logins

    # Output ----------------------------------------------------------------------------------------------

    def print_logins(self, logins: list[dict]):
        names = dict(Agency.objects.values_list("code", "name"))
        names.update(Enterprise.objects.filter(uscc__in=[x["enterprise"] for x in logins if "enterprise" in x])
                     .values_list("uscc", "name"))
        rows = [("role", "username", "password", "agency / enterprise")]
        for login in logins:
            key = login.get("agency") or login.get("enterprise") or ""
            role = f"{login['role']} (负责人 head)" if login.get("head") else login["role"]
            rows.append((role, login["username"], login["password"],
                         f"{names.get(key, '')} ({key})" if key else "—"))
        widths = [max(_display_width(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for index, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("  Change a password after logging in: 修改密码 at the top right (/account/password/).")
