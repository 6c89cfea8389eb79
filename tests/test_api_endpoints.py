"""Every endpoint under /api/v1/, walked from the URL resolver: each (route, method) has a happy-path case and
is refused to another agency's officer, another enterprise's account, an anonymous caller and, where the
justice bureau acts, the justice bureau of another district. A refusal is 401/403/404 (or the field error
that says the enterprise is outside the caller's area) and leaves the database and the stored files exactly
as they were. A new endpoint without a case here fails ``test_every_api_endpoint_has_a_case``.

"Scoped" endpoints (lists, the inbox, the caller's own QR code) answer everyone signed in with the caller's
own rows: for them the refusal is that the owner's rows are absent and nothing changes."""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from credit.models import CreditProfile, WhitelistEntry
from credit.whitelist import whitelist_propose
from enterprises.models import BusyPeriod
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections import qrtokens, uploads
from inspections.models import Finding, InspectionRecord, Photo, RecordItem, Rectification
from inspections.services import (
    check_in,
    finding_add,
    photo_add,
    record_finalise,
    record_item_set,
    rectification_submit,
)
from notifications.services import notification_send
from plans.matching import joint_task_fix
from plans.models import Invitation, Plan
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, City
from tests.dbstate import database_state

pytestmark = pytest.mark.django_db

VISIT_DAY = dt.date(2026, 6, 9)  # a Tuesday
FILED_AT = dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)
ON_SITE = dt.datetime(2026, 6, 9, 9, 30, tzinfo=SHANGHAI)
LATER = (dt.date(2026, 6, 22), dt.date(2026, 6, 26))  # a window more than 7 days after the visit day

SAFE = {401, 403, 404}
OUTSIDE_AREA = {400, 401, 403, 404}  # a filing refused because the enterprise is not in the caller's area


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


class World:
    """The city, a fixed joint visit of the market regulator and the ecology bureau at 烟台金海药业 on its
    visit day, and the strangers who must be refused. Everything else is built on demand."""

    def __init__(self):
        self.city = city = City()
        self.market, self.ecology = city.market_officer, city.ecology_officer
        self.account = enterprise_user(city.enterprise, full_name="邹德志")
        self.justice = JusticeUserFactory(agency=city.justice_bureau)
        laizhou = AgencyFactory(
            code="laizhou-market", name="莱州市市场监督管理局", level=Agency.Level.DISTRICT, division="370683"
        )
        self.strangers = {
            "other_agency": OfficerFactory(agency=laizhou),
            "other_enterprise": enterprise_user(EnterpriseFactory(division="370683")),
            "other_justice": JusticeUserFactory(
                agency=JusticeBureauFactory(
                    code="laizhou-justice", name="莱州市司法局", level=Agency.Level.DISTRICT, division="370683"
                )
            ),
            "anonymous": None,
        }
        self.clock = time_machine.travel(FILED_AT, tick=False)
        coordinates = self.clock.start()
        for officer in (self.market, self.ecology):
            plan = plan_file(
                actor=officer,
                enterprise=city.enterprise,
                matters=[city.matter_of(officer)],
                window_start=VISIT_DAY,
                window_end=VISIT_DAY,
            )
        self.market_plan = Plan.objects.get(agency=city.market)
        joint_task_fix(actor=None, task_id=plan.joint_task_id)
        self.visit = plan.joint_task
        self.visit.refresh_from_db()
        coordinates.move_to(ON_SITE)

    def stop(self):
        self.clock.stop()

    # -- the visit and its record --

    @cached_property
    def draft(self) -> InspectionRecord:
        for officer in (self.market, self.ecology):
            check_in(actor=officer, task=self.visit, token=qrtokens.enterprise_token(self.city.enterprise.uscc))
        return InspectionRecord.objects.get(task=self.visit)

    def item(self, matter) -> RecordItem:
        return self.draft.items.get(matter=matter)

    def checked(self) -> InspectionRecord:
        """Every matter checked: the market's compliant with a photo, the ecology's not, with a minor finding
        and, on the market's second look, a serious one."""
        record_item_set(actor=self.market, item=self.item(self.city.market_matter), result="compliant")
        photo_add(actor=self.market, item=self.item(self.city.market_matter), upload=self._upload())
        bad = record_item_set(
            actor=self.ecology, item=self.item(self.city.ecology_matter), result="non_compliant", note="废气未收集"
        )
        finding_add(
            actor=self.ecology,
            item=bad,
            description="废气收集设施未运行",
            severity="minor",
            deadline=VISIT_DAY + dt.timedelta(days=15),
        )
        finding_add(
            actor=self.ecology,
            item=bad,
            description="危险废物贮存场所无防渗",
            severity="serious",
            deadline=VISIT_DAY + dt.timedelta(days=30),
        )
        return self.draft

    @cached_property
    def final(self) -> InspectionRecord:
        self.checked()
        return record_finalise(actor=self.market, record=self.draft, summary="企业配合检查")

    def finding(self, severity) -> Finding:
        self.final  # noqa: B018
        return Finding.objects.get(severity=severity)

    @cached_property
    def rectification(self) -> Rectification:
        return rectification_submit(actor=self.account, finding=self.finding("minor"), note="已修复并恢复运行")

    @property
    def photo(self) -> Photo:
        self.checked()
        return Photo.objects.get()

    def stored_pdf(self) -> InspectionRecord:
        record = self.final
        stored = uploads.store_bytes(b"%PDF-1.4 test", folder="pdf", ext="pdf", content_type="application/pdf")
        InspectionRecord.objects.filter(pk=record.pk).update(pdf_path=stored.path)
        return record

    @staticmethod
    def _upload():
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile("site.jpg", jpeg(), content_type="image/jpeg")

    # -- recusal (回避) and random checks (双随机、一公开) --

    # -- complaints (行为云监督) --
    @cached_property
    def complaint(self):
        from complaints.services import complaint_file

        return complaint_file(actor=self.account, kind="conduct", text="索要财物", task=self.visit)

    # -- objections to findings (异议与陈述申辩) --
    @cached_property
    def signed(self) -> InspectionRecord:
        from inspections.services import record_sign

        record_sign(actor=self.account, record=self.final, method="typed", typed_name="邹德志", confirmed=True)
        return self.final

    @cached_property
    def objection(self):
        from inspections.services import objection_file

        return objection_file(actor=self.account, finding=self.signed.findings.get(severity="minor"),
                              text="检查时已当场整改")

    @cached_property
    def ecology_colleague(self):
        """An officer of the ecology bureau who took no part in the visit: may decide an objection."""
        return OfficerFactory(agency=self.city.ecology)

    @cached_property
    def decided_objection(self):
        from inspections.services import objection_decide

        return objection_decide(actor=self.ecology_colleague, objection=self.objection, upheld=False,
                                decision="问题存在")

    # -- supervision opinions (行政执法监督) --
    @cached_property
    def opinion(self):
        from supervision.services import opinion_issue

        return opinion_issue(actor=self.justice, kind="opinion", subject="plan", plan=self.market_plan,
                             agency=self.city.market, text="检查依据不足")

    @cached_property
    def answered_opinion(self):
        from supervision.services import opinion_answer

        return opinion_answer(actor=self.market, opinion=self.opinion, answer="已补充检查依据")
    # -- ratings, visit burden, service requests --
    @cached_property
    def rating(self):
        from complaints.services_ratings import visit_rate

        self.final  # noqa: B018 - the visit is done once its record is final
        return visit_rate(actor=self.account, task=self.visit, score=4, comment="检查规范")

    @cached_property
    def burden_alert(self):
        from django.test import override_settings

        from plans.burden import burden_alerts_raise

        self.final  # noqa: B018
        with override_settings(BURDEN_ALERT_VISITS=0):
            burden_alerts_raise()
        from plans.models import BurdenAlert

        return BurdenAlert.objects.get()

    @cached_property
    def service_route(self):
        from complaints.models import ServiceRoute

        return ServiceRoute.objects.create(category="ip", division="", department=self.city.market_dept)

    @cached_property
    def service_request(self):
        from complaints.services_requests import service_request_file

        self.service_route  # noqa: B018
        return service_request_file(actor=self.account, category="ip", text="商标被仿冒", task=self.visit)

    @cached_property
    def recusal_plan(self) -> Plan:
        return self.later_plan(officers=[self.market, self.city.market_officer2])

    @cached_property
    def recusal(self):
        from plans.recusal import recusal_request

        return recusal_request(actor=self.account, plan=self.recusal_plan, officer=self.city.market_officer2,
                               reason="曾有经济纠纷")

    @cached_property
    def conflict(self):
        from plans.recusal import conflict_declare

        return conflict_declare(actor=self.market, enterprise=EnterpriseFactory(), reason="亲属在该企业任职")

    @cached_property
    def campaign(self):
        from plans.campaigns import campaign_create

        return campaign_create(actor=self.market, name="双随机抽查", matters=[self.city.market_matter],
                               window_start=LATER[0], window_end=LATER[1], division="370611")

    @cached_property
    def drawn_campaign(self):
        from plans.campaigns import campaign_draw

        return campaign_draw(actor=self.market, campaign=self.campaign)

    # -- yearly plans (年度检查计划) and special inspections (专项检查) --

    @cached_property
    def yearly_plan(self):
        from plans.yearly import yearly_plan_draft, yearly_plan_line_add

        plan = yearly_plan_draft(actor=self.market, year=2026, title="2026年度监督检查计划")
        yearly_plan_line_add(actor=self.market, plan=plan, matter=self.city.market_matter, visits=80,
                             deadline=dt.date(2026, 11, 30))
        return plan

    @cached_property
    def published_yearly_plan(self):
        from plans.yearly import yearly_plan_publish

        return yearly_plan_publish(actor=self.market, plan=self.yearly_plan)

    @cached_property
    def special_quota(self):
        from plans.special import special_quota_set

        return special_quota_set(actor=self.justice, year=2026, quota=3)

    @cached_property
    def special(self):
        from plans.special import special_campaign_request

        self.special_quota  # noqa: B018
        return special_campaign_request(actor=self.market, name="药品安全专项检查", basis="市政府专项部署",
                                        matters=[self.city.market_matter], window_start=LATER[0],
                                        window_end=dt.date(2026, 8, 31))

    @cached_property
    def approved_special(self):
        from plans.special import special_campaign_decide

        return special_campaign_decide(actor=self.justice, campaign=self.special, approve=True, opinion="同意")
    # -- remote checks (非现场检查, plans.remote) --

    @cached_property
    def remote_check(self):
        from catalogue.tests.factories import MatterFactory

        licence = MatterFactory(code="market-licence-docs", department=self.city.market_dept, remote_checkable=True)
        plan = plan_file(actor=self.market, enterprise=self.city.enterprise, matters=[licence], remote=True,
                         window_start=LATER[0], window_end=LATER[1])
        return plan.remote_check

    @cached_property
    def remote_submitted(self):
        from inspections.services.remote import remote_check_submit

        return remote_check_submit(actor=self.account, remote_check=self.remote_check, files=[self._upload()],
                                   note="许可证照片")

    @property
    def remote_evidence(self):
        return self.remote_submitted.evidence.get()

    # -- plans --

    def later_plan(self, officer=None, enterprise=None, **extra) -> Plan:
        officer = officer or self.market
        return plan_file(
            actor=officer,
            enterprise=enterprise or self.city.enterprise,
            matters=[self.city.matter_of(officer)],
            window_start=LATER[0],
            window_end=LATER[1],
            **extra,
        )

    @cached_property
    def not_carried_out_plan(self) -> Plan:
        """A plan whose visit was missed (closed by ``plans.missed``; set directly: the job has its own tests)."""
        plan = self.later_plan(enterprise=EnterpriseFactory())
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.NOT_CARRIED_OUT, joint_task=None)
        return plan

    @cached_property
    def whitelist_plan(self) -> Plan:
        whitelisted = EnterpriseFactory(name="烟台白名单企业有限公司")
        self.city.whitelist(whitelisted)
        plan = self.later_plan(enterprise=whitelisted)
        assert plan.status == Plan.Status.PENDING_REVIEW
        return plan

    @cached_property
    def head(self):
        """The market regulator's head (负责人), once its plans need the head's approval (检查审批)."""
        from accounts.heads import agency_head_approval_set, agency_head_set

        agency_head_approval_set(actor=None, agency=self.city.market, required=True)
        self.market.agency.refresh_from_db()
        return agency_head_set(actor=None, user=OfficerFactory(agency=self.city.market), is_head=True)

    @cached_property
    def head_plan(self) -> Plan:
        self.head  # noqa: B018
        plan = self.later_plan(enterprise=EnterpriseFactory())
        assert plan.status == Plan.Status.PENDING_APPROVAL
        return plan

    @cached_property
    def urgent_plan(self) -> Plan:
        return plan_file(
            actor=self.market,
            enterprise=EnterpriseFactory(),
            matters=[self.city.market_matter],
            window_start=VISIT_DAY,
            window_end=VISIT_DAY,
            urgent=True,
            urgent_category="public_report",
            urgent_reason="群众举报夜间偷排",
            officers=[self.market, self.city.market_officer2],
        )

    @cached_property
    def invitation(self) -> Invitation:
        lead = self.later_plan(theme=self.city.theme, enterprise=EnterpriseFactory())
        return Invitation.objects.get(lead_plan=lead, agency=self.city.ecology)

    @cached_property
    def busy_period(self) -> BusyPeriod:
        from plans.busy import busy_period_declare

        return busy_period_declare(
            actor=self.account,
            enterprise=self.city.enterprise,
            start=dt.date(2026, 7, 1),
            end=dt.date(2026, 7, 3),
            reason="年中盘点",
        )

    # -- credit --

    @cached_property
    def whitelist_candidate(self):
        enterprise = EnterpriseFactory(name="烟台候选企业有限公司")  # Fushan: the city bureau decides
        CreditProfile.objects.create(enterprise=enterprise, grade="A")
        whitelist_propose()
        return WhitelistEntry.objects.get(enterprise=enterprise)

    @cached_property
    def listed_enterprise(self):
        enterprise = EnterpriseFactory(name="烟台名单企业有限公司")
        self.city.whitelist(enterprise)
        WhitelistEntry.objects.create(enterprise=enterprise, status="listed", listed_on=FILED_AT.date())
        return enterprise

    @cached_property
    def grade_import(self):
        from credit.grade_imports import grade_import_run, grade_import_start

        job = grade_import_start(actor=self.justice, upload=self._grades_csv())
        grade_import_run(import_id=job.pk)
        job.refresh_from_db()
        return job

    def _grades_csv(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = f"uscc,grade,source,valid_from,valid_to\n{self.city.enterprise.uscc},A,credit_china_sd,2026-01-01,\n"
        return SimpleUploadedFile("grades.csv", body.encode(), content_type="text/csv")

    @cached_property
    def graded(self):
        return CreditProfile.objects.create(enterprise=self.city.enterprise, grade="A")

    @cached_property
    def market_device(self):
        from accounts.tokens import api_token_issue

        return api_token_issue(user=self.market, device="phone")[0]

    @cached_property
    def notification(self):
        return notification_send(dedupe_key="walk-test", title="测试通知", agency=self.city.market)


@pytest.fixture
def world():
    w = World()
    yield w
    w.stop()


def _ids(response) -> set:
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    return {row.get("id", row.get("uscc")) for row in rows}


@dataclass
class Case:
    """One (route name, method): who may call it, how to build the call, what the happy path returns."""

    name: str
    method: str
    owner: str  # attribute of World: market, ecology, account, justice
    call: Callable  # world -> (path kwargs, body) ; body None for GET/DELETE
    ok: int = 200
    kind: str = "object"  # object | scoped | catalogue | public
    justice: bool = False  # the justice bureau acts here: another district's bureau is refused too
    happy: Callable | None = None  # (world, response) -> None, extra assertions on the happy path
    absent: Callable | None = None  # scoped: (world, response) -> True when the owner's rows are not shown
    refused: set = field(default_factory=lambda: SAFE)
    fmt: str = "json"
    skip: tuple = ()  # strangers for whom the call means something else (their own enterprise's data)

    @property
    def id(self) -> str:
        return f"{self.name}:{self.method}"


def _stored_paper(w):
    """The results notice of the world's finalised record, its PDF rendered (as the worker would)."""
    from inspections.models import Paper
    from inspections.paper_pdf import store_paper_pdf

    paper = Paper.objects.get(record=w.final, kind="results_notice")
    if not paper.pdf_path:
        store_paper_pdf(paper)
    return paper


def listed(key):
    return lambda w, r: key(w) not in _ids(r)


CASES = [
    Case(
        "api-token",
        "post",
        "market",
        lambda w: ({}, {"username": w.market.username, "password": "pass-12345"}),
        kind="public",
        happy=lambda w, r: r.json()["token"],
    ),
    # Logging out ends the calling device's token (accounts/tests/test_token_authentication.py); any logged-in
    # user may log itself out, so only the anonymous caller is a stranger here.
    Case("api-logout", "post", "market", lambda w: ({}, None), ok=204, kind="scoped",
         skip=("other_agency", "other_enterprise", "other_justice")),
    Case(
        "api-devices",
        "get",
        "market",
        lambda w: (w.market_device and {}, None),
        kind="scoped",
        happy=lambda w, r: w.market_device.pk in _ids(r),
        absent=lambda w, r: w.market_device.pk not in _ids(r),
    ),
    Case("api-device-revoke", "post", "market", lambda w: ({"pk": w.market_device.pk}, None), ok=204),
    Case(
        "api-enterprise-list",
        "get",
        "market",
        lambda w: ({}, None),
        kind="scoped",
        happy=lambda w, r: w.city.enterprise.uscc in _ids(r),
        absent=listed(lambda w: w.city.enterprise.uscc),
    ),
    Case(
        "api-enterprise-suggestions",
        "get",
        "market",
        lambda w: ({}, {"q": "金海"}),
        kind="scoped",
        happy=lambda w, r: w.city.enterprise.uscc in _ids(r),
        absent=listed(lambda w: w.city.enterprise.uscc),
    ),
    Case("api-enterprise-detail", "get", "market", lambda w: ({"uscc": w.city.enterprise.uscc}, None)),
    Case("api-matter-list", "get", "market", lambda w: ({}, None), kind="catalogue"),
    Case("api-theme-list", "get", "market", lambda w: ({}, None), kind="catalogue"),
    Case(
        "api-plan-list",
        "get",
        "market",
        lambda w: ({}, None),
        kind="scoped",
        happy=lambda w, r: w.market_plan.pk in _ids(r),
        absent=listed(lambda w: w.market_plan.pk),
    ),
    Case(
        "api-plan-list",
        "post",
        "market",
        lambda w: (
            {},
            {
                "enterprise": w.city.enterprise.uscc,
                "matters": [w.city.market_matter.code],
                "window_start": "2026-06-22",
                "window_end": "2026-06-26",
            },
        ),
        ok=201,
        refused=OUTSIDE_AREA,
    ),
    Case(
        "api-plan-campaign",
        "post",
        "market",
        lambda w: (
            {},
            {
                "enterprises": [w.city.enterprise.uscc],
                "matters": [w.city.market_matter.code],
                "window_start": "2026-06-22",
                "window_end": "2026-06-26",
            },
        ),
        ok=201,
        refused=OUTSIDE_AREA,
    ),
    Case(
        "api-plan-preview",
        "get",
        "market",
        lambda w: (
            {},
            {"enterprise": w.city.enterprise.uscc, "window_start": "2026-06-22", "window_end": "2026-06-26"},
        ),
    ),
    Case("api-plan-detail", "get", "market", lambda w: ({"pk": w.market_plan.pk}, None)),
    Case(
        "api-plan-withdraw",
        "post",
        "market",
        lambda w: ({"pk": w.later_plan().pk}, {"note": "企业已停业"}),
        happy=lambda w, r: r.json()["status"] == "withdrawn",
    ),
    Case(
        "api-plan-refile",
        "post",
        "market",
        lambda w: (
            {"pk": w.not_carried_out_plan.pk},
            {"window_start": LATER[0].isoformat(), "window_end": LATER[1].isoformat()},
        ),
        ok=201,
        happy=lambda w, r: r.json()["status"] == "filed",
    ),
    Case(
        "api-plan-officers",
        "post",
        "market",
        lambda w: ({"pk": w.later_plan().pk}, {"officers": [w.city.market_officer2.username]}),
    ),
    Case(
        "api-plan-review",
        "post",
        "justice",
        lambda w: ({"pk": w.whitelist_plan.pk}, {"decision": "approve", "note": "确有必要"}),
        justice=True,
        happy=lambda w, r: Plan.objects.get(pk=w.whitelist_plan.pk).status != Plan.Status.PENDING_REVIEW,
    ),
    Case(
        "api-plan-post-review",
        "post",
        "justice",
        lambda w: ({"pk": w.urgent_plan.pk}, {"decision": "justified"}),
        justice=True,
        happy=lambda w, r: r.json()["post_review"] == "justified",
    ),
    Case(
        "api-review-queue",
        "get",
        "justice",
        lambda w: ({}, None) if w.whitelist_plan else None,
        kind="scoped",
        justice=True,
        happy=lambda w, r: w.whitelist_plan.pk in _ids(r),
        absent=listed(lambda w: w.whitelist_plan.pk),
    ),
    Case(
        "api-approval-queue",
        "get",
        "head",
        lambda w: ({}, None) if w.head_plan else None,
        kind="scoped",
        happy=lambda w, r: w.head_plan.pk in _ids(r),
        absent=listed(lambda w: w.head_plan.pk),
    ),
    Case(
        "api-plan-head-approval",
        "post",
        "head",
        lambda w: ({"pk": w.head_plan.pk}, {"decision": "approve", "note": "同意"}),
        happy=lambda w, r: r.json()["status"] == "filed" and r.json()["head_approval"] == "approved",
    ),
    Case(
        "api-joint-task-list",
        "get",
        "market",
        lambda w: ({}, None),
        kind="scoped",
        happy=lambda w, r: w.visit.pk in _ids(r),
        absent=listed(lambda w: w.visit.pk),
    ),
    Case("api-joint-task-detail", "get", "market", lambda w: ({"pk": w.visit.pk}, None)),
    Case(
        "api-invitation-list",
        "get",
        "ecology",
        lambda w: ({}, None) if w.invitation else None,
        kind="scoped",
        happy=lambda w, r: w.invitation.pk in _ids(r),
        absent=listed(lambda w: w.invitation.pk),
    ),
    Case(
        "api-invitation-decline",
        "post",
        "ecology",
        lambda w: ({"pk": w.invitation.pk}, {"note": "本月已检查"}),
        happy=lambda w, r: Invitation.objects.get(pk=w.invitation.pk).status == "declined",
    ),
    Case(
        "api-statistics",
        "get",
        "market",
        lambda w: ({}, None),
        kind="scoped",
        happy=lambda w, r: r.json()["figures"]["plans"] == 1,
        absent=lambda w, r: r.json()["figures"]["plans"] == 0,
    ),
    Case(
        "api-oversight",
        "get",
        "market",
        lambda w: ({}, None),
        kind="scoped",
        happy=lambda w, r: r.json()["overall"]["plans"] == 1,
        absent=lambda w, r: r.json()["overall"]["plans"] == 0,
    ),
    Case(
        "api-busy-periods",
        "get",
        "account",
        lambda w: ({}, None) if w.busy_period else None,
        kind="scoped",
        happy=lambda w, r: w.busy_period.pk in _ids(r),
        absent=listed(lambda w: w.busy_period.pk),
    ),
    Case(
        "api-busy-periods",
        "post",
        "account",
        lambda w: ({}, {"start": "2026-07-01", "end": "2026-07-03", "reason": "年中盘点"}),
        ok=201,
        skip=("other_enterprise",),  # another enterprise declares its own busy days
    ),
    Case("api-busy-period", "delete", "account", lambda w: ({"pk": w.busy_period.pk}, None), ok=204),
    Case(
        "api-notifications",
        "get",
        "market",
        lambda w: ({}, None) if w.notification else None,
        kind="scoped",
        happy=lambda w, r: w.notification.pk in _ids(r),
        absent=listed(lambda w: w.notification.pk),
    ),
    Case(
        "api-notifications-read",
        "post",
        "market",
        lambda w: ({}, {"ids": [w.notification.pk]}),
        kind="scoped",
        happy=lambda w, r: r.json()["marked"] == 1,
        absent=lambda w, r: r.json()["marked"] == 0,
    ),
    Case(
        "api-enterprise-qr",
        "get",
        "account",
        lambda w: ({}, None),
        kind="scoped",
        happy=lambda w, r: qrtokens.read_enterprise_token(r.json()["token"]) == w.city.enterprise.uscc,
        absent=lambda w, r: qrtokens.read_enterprise_token(r.json()["token"]) != w.city.enterprise.uscc,
    ),
    Case(
        "api-check-in",
        "post",
        "market",
        lambda w: ({"pk": w.visit.pk}, {"token": qrtokens.enterprise_token(w.city.enterprise.uscc)}),
        ok=201,
    ),
    Case(
        "api-visit-notice",
        "get",
        "account",
        lambda w: ({"pk": w.visit.pk}, None),
        happy=lambda w, r: qrtokens.read_task_token(r.json()["inspection_code"]["token"]) == w.visit.pk,
    ),
    Case("api-task-record", "get", "market", lambda w: ({"pk": w.draft.task_id}, None)),
    Case(
        "api-record-list",
        "get",
        "market",
        lambda w: ({}, None) if w.draft else None,
        kind="scoped",
        happy=lambda w, r: w.draft.pk in _ids(r),
        absent=listed(lambda w: w.draft.pk),
    ),
    Case("api-record-detail", "get", "market", lambda w: ({"pk": w.draft.pk}, None)),
    Case(
        "api-record-finalise",
        "post",
        "market",
        lambda w: ({"pk": w.checked().pk}, {"summary": "企业配合检查"}),
        happy=lambda w, r: r.json()["status"] == "final" and r.json()["content_hash"],
    ),
    Case(
        "api-record-sign",
        "post",
        "account",
        lambda w: ({"pk": w.final.pk}, {"method": "typed", "typed_name": "邹德志", "confirmed": True}),
        ok=201,
        happy=lambda w, r: InspectionRecord.objects.get(pk=w.final.pk).status == "signed",
    ),
    Case(
        "api-record-refuse",
        "post",
        "account",
        lambda w: ({"pk": w.final.pk}, {"objection": "检查人员未出示执法证"}),
        ok=201,
        happy=lambda w, r: InspectionRecord.objects.get(pk=w.final.pk).status == "refused",
    ),
    Case(
        "api-record-pdf",
        "get",
        "market",
        lambda w: ({"pk": w.stored_pdf().pk}, None),
        happy=lambda w, r: b"".join(r.streaming_content).startswith(b"%PDF"),
    ),
    Case(
        "api-record-papers",
        "get",
        "market",
        lambda w: ({"pk": w.final.pk}, None),
        happy=lambda w, r: [p["kind"] for p in r.json()] == ["results_notice", "rectification_order"],
    ),
    Case(
        "api-paper-pdf",
        "get",
        "market",
        lambda w: ({"pk": _stored_paper(w).pk}, None),
        happy=lambda w, r: b"".join(r.streaming_content).startswith(b"%PDF"),
    ),
    Case(
        "api-verify-paper",
        "get",
        "account",
        lambda w: ({"token": qrtokens.paper_verify_path(_stored_paper(w)).rstrip("/").rsplit("/", 1)[1]}, None),
        kind="public",
        happy=lambda w, r: r.json()["found"] and r.json()["unchanged"],
    ),
    Case(
        "api-record-item",
        "patch",
        "market",
        lambda w: ({"pk": w.item(w.city.market_matter).pk}, {"result": "compliant", "note": "许可证已公示"}),
        happy=lambda w, r: RecordItem.objects.get(pk=r.json()["id"]).result == "compliant",
    ),
    Case(
        "api-item-photos",
        "post",
        "market",
        lambda w: ({"pk": w.item(w.city.market_matter).pk}, {"photo": w._upload()}),
        ok=201,
        fmt="multipart",
        happy=lambda w, r: Photo.objects.filter(pk=r.json()["id"]).exists(),
    ),
    Case(
        "api-item-findings",
        "post",
        "ecology",
        lambda w: (
            {"pk": record_item_set(actor=w.ecology, item=w.item(w.city.ecology_matter), result="non_compliant").pk},
            {"description": "危废台账缺失", "severity": "minor", "deadline": "2026-06-24"},
        ),
        ok=201,
        happy=lambda w, r: Finding.objects.filter(pk=r.json()["id"], description="危废台账缺失").exists(),
    ),
    Case(
        "api-photo",
        "get",
        "market",
        lambda w: ({"pk": w.photo.pk}, None),
        happy=lambda w, r: b"".join(r.streaming_content).startswith(b"\xff\xd8"),
    ),
    Case(
        "api-finding-list",
        "get",
        "ecology",
        lambda w: ({}, None) if w.final else None,
        kind="scoped",
        happy=lambda w, r: w.finding("minor").pk in _ids(r),
        absent=listed(lambda w: w.finding("minor").pk),
    ),
    Case(
        "api-rectification-submit",
        "post",
        "account",
        lambda w: ({"pk": w.finding("minor").pk}, {"note": "已修复并恢复运行"}),
        ok=201,
        fmt="multipart",
    ),
    Case(
        "api-finding-recheck",
        "post",
        "ecology",
        lambda w: ({"pk": w.finding("serious").pk}, {"window_start": "2026-06-22", "window_end": "2026-06-26"}),
        ok=201,
        happy=lambda w, r: Finding.objects.get(severity="serious").recheck_plan_id == r.json()["plan"],
    ),
    Case(
        "api-rectification-accept",
        "post",
        "ecology",
        lambda w: ({"pk": w.rectification.pk}, {}),
        happy=lambda w, r: Finding.objects.get(severity="minor").status == "accepted",
    ),
    Case(
        "api-rectification-return",
        "post",
        "ecology",
        lambda w: ({"pk": w.rectification.pk}, {"reason": "请补充运行记录照片"}),
        happy=lambda w, r: Finding.objects.get(severity="minor").status == "returned",
    ),
    Case(
        "api-remote-checks",
        "get",
        "market",
        lambda w: ({}, None) if w.remote_check else None,
        kind="scoped",
        happy=lambda w, r: w.remote_check.pk in _ids(r),
        absent=listed(lambda w: w.remote_check.pk),
    ),
    Case(
        "api-remote-check",
        "get",
        "account",
        lambda w: ({"pk": w.remote_check.pk}, None),
        justice=True,
        happy=lambda w, r: r.json()["status"] == "requested"
        and r.json()["matters"][0]["code"] == "market-licence-docs",
    ),
    Case(
        "api-remote-check-submit",
        "post",
        "account",
        lambda w: ({"pk": w.remote_check.pk}, {"files": [w._upload()], "note": "营业执照与许可证"}),
        ok=201,
        fmt="multipart",
        happy=lambda w, r: r.json()["status"] == "submitted" and len(r.json()["evidence"]) == 1,
    ),
    Case(
        "api-remote-check-conclude",
        "post",
        "market",
        lambda w: ({"pk": w.remote_submitted.pk}, {"outcome": "compliant", "conclusion": "许可证在有效期内"}),
        happy=lambda w, r: r.json()["status"] == "compliant" and not w.remote_check.plan.joint_task_id,
    ),
    Case(
        "api-remote-check-withdrawal",
        "post",
        "market",
        lambda w: ({"pk": w.remote_check.pk}, {"reason": "企业已在其他系统提交，撤回"}),
        happy=lambda w, r: r.json()["status"] == "withdrawn" and r.json()["withdrawal_reason"].startswith("企业"),
    ),
    Case(
        "api-remote-evidence",
        "get",
        "market",
        lambda w: ({"pk": w.remote_evidence.pk}, None),
        justice=True,
        happy=lambda w, r: b"".join(r.streaming_content).startswith(b"\xff\xd8"),
    ),
    Case(
        "api-audit-verification",
        "get",
        "justice",
        lambda w: ({}, None),
        justice=True,
        happy=lambda w, r: r.json()["head_seq"] >= 1 and len(r.json()["head_hash"]) == 64,
    ),
    Case(
        "api-audit-verification",
        "post",
        "justice",
        lambda w: ({}, {}),
        ok=202,
        justice=True,
    ),
    Case(
        "api-cap-policy",
        "get",
        "justice",
        lambda w: ({}, {"on": "2026-06-01"}),
        happy=lambda w, r: r.json()["on"] == "2026-06-01" and "history" in r.json(),
        # every justice bureau and every officer reads the city's caps; only the city's bureau sets them
        skip=("other_justice", "other_agency"),
    ),
    Case(
        "api-cap-policy",
        "post",
        "justice",
        lambda w: ({}, {"effective_from": "2026-06-10", "note": "试行",
                        "rules": [{"scope": "agency", "agency": None, "tier": "B", "limit": 2}]}),
        ok=201,
        justice=True,
        happy=lambda w, r: r.json()["rules"] == [
            {"scope": "agency", "agency": None, "tier": "B", "limit": 2, "over_cap": "refuse"}],
    ),
    Case(
        "api-enterprise-caps",
        "get",
        "account",
        lambda w: ({}, None),
        happy=lambda w, r: r.json()["all_routine"] == 1 and r.json()["agencies"][0]["routine"] == 1,
        skip=("other_enterprise",),  # another enterprise sees its own counts
    ),
    Case(
        "api-verify-inspection",
        "get",
        "account",
        lambda w: ({"token": qrtokens.task_token(w.visit.pk)}, None),
        kind="public",
        happy=lambda w, r: r.json()["registered"] is True,
    ),
    Case(
        "api-certificate-check",
        "get",
        "account",
        lambda w: ({"number": w.market.certificate_number}, None),
        kind="public",
        happy=lambda w, r: r.json()["found"] and r.json()["name"] == w.market.full_name,
    ),
    Case(
        "api-register-officers",
        "get",
        "account",
        lambda w: ({"code": w.city.market.code}, None),
        kind="public",
        happy=lambda w, r: w.market.certificate_number in {o["certificate_number"] for o in r.json()["results"]},
    ),
    Case(
        "api-public-whitelist",
        "get",
        "account",
        lambda w: ({}, None) if w.listed_enterprise else None,
        kind="public",
        happy=lambda w, r: [row["uscc"] for row in r.json()["results"]] == [w.listed_enterprise.uscc],
    ),
    Case(
        "api-whitelist-candidates",
        "get",
        "justice",
        lambda w: ({}, None) if w.whitelist_candidate else None,
        kind="scoped",
        justice=True,
        happy=lambda w, r: w.whitelist_candidate.pk in _ids(r),
        absent=listed(lambda w: w.whitelist_candidate.pk),
    ),
    Case(
        "api-whitelist-decide",
        "post",
        "justice",
        lambda w: ({"pk": w.whitelist_candidate.pk}, {"decision": "confirm"}),
        justice=True,
        happy=lambda w, r: r.json()["status"] == "listed",
    ),
    Case(
        "api-credit-grade-imports",
        "get",
        "justice",
        lambda w: (w.grade_import and {}, None),
        justice=True,
        happy=lambda w, r: w.grade_import.pk in _ids(r),
    ),
    Case(
        "api-credit-grade-imports",
        "post",
        "justice",
        lambda w: ({}, {"file": w._grades_csv()}),
        ok=202,
        fmt="multipart",
        justice=True,
        happy=lambda w, r: r.json()["status"] == "queued" and r.json()["total_lines"] == 1,
    ),
    Case(
        "api-credit-grade-import",
        "get",
        "justice",
        lambda w: ({"pk": w.grade_import.pk}, None),
        justice=True,
        happy=lambda w, r: (r.json()["status"], r.json()["created"]) == ("done", 1),
    ),
    Case(
        "api-credit-grade-import-rerun",
        "post",
        "justice",
        lambda w: ({"pk": w.grade_import.pk}, None),
        ok=202,
        justice=True,
        happy=lambda w, r: r.json()["status"] == "queued",
    ),
    Case(
        "api-my-credit",
        "get",
        "account",
        lambda w: ({}, None) if w.graded else None,
        kind="scoped",
        happy=lambda w, r: r.json()["grade"] == "A",
        absent=lambda w, r: r.json()["grade"] != "A",
    ),
    Case(
        "api-conflicts",
        "get",
        "market",
        lambda w: ({}, None) if w.conflict else None,
        kind="scoped",
        happy=lambda w, r: w.conflict.pk in _ids(r),
        absent=listed(lambda w: w.conflict.pk),
    ),
    Case(
        "api-conflicts",
        "post",
        "market",
        lambda w: ({}, {"enterprise": EnterpriseFactory().uscc, "reason": "配偶在该企业任职"}),
        ok=201,
        happy=lambda w, r: r.json()["source"] == "declared",
    ),
    Case(
        "api-recusals",
        "get",
        "account",
        lambda w: ({}, None) if w.recusal else None,
        kind="scoped",
        happy=lambda w, r: w.recusal.pk in _ids(r),
        absent=listed(lambda w: w.recusal.pk),
    ),
    Case(
        "api-recusals",
        "post",
        "account",
        lambda w: ({}, {"plan": w.recusal_plan.pk, "officer": w.city.market_officer2.username, "reason": "纠纷"}),
        ok=201,
        happy=lambda w, r: r.json()["status"] == "pending",
    ),
    Case(
        "api-complaints",
        "get",
        "account",
        lambda w: ({}, None) if w.complaint else None,
        kind="scoped",
        happy=lambda w, r: w.complaint.pk in _ids(r),
        absent=listed(lambda w: w.complaint.pk),
    ),
    Case(
        "api-complaints",
        "post",
        "account",
        lambda w: ({}, {"kind": "not_scanned", "text": "未扫码进入", "task": w.visit.pk}),
        ok=201,
        happy=lambda w, r: r.json()["status"] == "received" and r.json()["hotline_delivery"] == "pending",
    ),
    Case(
        "api-complaint-detail",
        "get",
        "account",
        lambda w: ({"pk": w.complaint.pk}, None),
        happy=lambda w, r: [s["action"] for s in r.json()["steps"]] == ["file"],
    ),
    Case(
        "api-complaint-action",
        "post",
        "justice",
        lambda w: ({"pk": w.complaint.pk}, {"action": "accept"}),
        justice=True,
        happy=lambda w, r: r.json()["status"] == "accepted",
    ),
    Case(
        "api-record-objections",
        "get",
        "account",
        lambda w: ({"pk": w.objection.record_id}, None),
        happy=lambda w, r: [o["id"] for o in r.json()] == [w.objection.pk],
    ),
    Case(
        "api-record-objections",
        "post",
        "account",
        lambda w: ({"pk": w.signed.pk}, {"finding": w.signed.findings.get(severity="serious").pk,
                                         "text": "已有防渗措施"}),
        ok=201,
        happy=lambda w, r: r.json()["status"] == "pending" and r.json()["agency"] == w.city.ecology.code,
    ),
    Case(
        "api-objections",
        "get",
        "account",
        lambda w: ({}, None) if w.objection else None,
        kind="scoped",
        happy=lambda w, r: w.objection.pk in _ids(r),
        absent=listed(lambda w: w.objection.pk),
    ),
    Case(
        "api-objection-detail",
        "get",
        "ecology",
        lambda w: ({"pk": w.objection.pk}, None),
        happy=lambda w, r: r.json()["text"] == "检查时已当场整改",
    ),
    Case(
        "api-objection-decide",
        "post",
        "ecology_colleague",
        lambda w: ({"pk": w.objection.pk}, {"upheld": True, "decision": "检查时已整改到位"}),
        happy=lambda w, r: r.json()["status"] == "upheld",
    ),
    Case(
        "api-objection-reply",
        "post",
        "account",
        lambda w: ({"pk": w.decided_objection.pk}, {"reply": "保留申请复议的权利"}),
        happy=lambda w, r: r.json()["reply"] == "保留申请复议的权利",
    ),
    Case(
        "api-opinions",
        "get",
        "justice",
        lambda w: ({}, None) if w.opinion else None,
        kind="scoped",
        happy=lambda w, r: w.opinion.pk in _ids(r),
        absent=listed(lambda w: w.opinion.pk),
    ),
    Case(
        "api-opinions",
        "post",
        "justice",
        lambda w: ({}, {"kind": "correction", "plan": w.market_plan.pk, "agency": w.city.market.code,
                        "text": "未说明检查依据", "due_workdays": 5}),
        ok=201,
        justice=True,
        happy=lambda w, r: r.json()["status"] == "issued" and r.json()["subject"] == "plan",
    ),
    Case(
        "api-opinion-detail",
        "get",
        "market",
        lambda w: ({"pk": w.opinion.pk}, None),
        happy=lambda w, r: [s["action"] for s in r.json()["steps"]] == ["issue"],
    ),
    Case(
        "api-opinion-answer",
        "post",
        "market",
        lambda w: ({"pk": w.opinion.pk}, {"answer": "已补充检查依据"}),
        happy=lambda w, r: r.json()["status"] == "answered",
    ),
    Case(
        "api-opinion-review",
        "post",
        "justice",
        lambda w: ({"pk": w.answered_opinion.pk}, {"decision": "return", "note": "未附材料"}),
        justice=True,
        happy=lambda w, r: r.json()["status"] == "returned",
    ),
    Case(
        "api-opinion-counts",
        "get",
        "justice",
        lambda w: ({}, None) if w.opinion else None,
        kind="scoped",
        happy=lambda w, r: [(c["agency_id"], c["status"], c["count"]) for c in r.json()]
        == [(w.city.market.pk, "issued", 1)],
        absent=lambda w, r: not r.json(),
    ),
    Case(
        "api-ratings",
        "get",
        "account",
        lambda w: ({}, None) if w.rating else None,
        kind="scoped",
        happy=lambda w, r: w.rating.pk in _ids(r),
        absent=listed(lambda w: w.rating.pk),
    ),
    Case(
        "api-ratings",
        "post",
        "account",
        lambda w: ({}, {"task": w.final.task_id, "score": 5, "comment": "满意"}),
        ok=201,
        happy=lambda w, r: r.json()["score"] == 5 and r.json()["rated_by"] == w.account.username,
    ),
    Case(
        "api-rating-summary",
        "get",
        "market",
        lambda w: ({}, None) if w.rating else None,
        kind="scoped",
        # one rating: under 5, so the agency sees nothing of it
        happy=lambda w, r: r.json()["months"] == [] and r.json()["total"] is None,
        absent=lambda w, r: r.json()["months"] == [],
    ),
    Case(
        "api-my-burden",
        "get",
        "account",
        lambda w: ({}, None) if w.final else None,
        kind="scoped",
        happy=lambda w, r: r.json()["visits"] >= 1,
        absent=lambda w, r: r.json()["visits"] == 0,
    ),
    Case(
        "api-most-visited",
        "get",
        "justice",
        lambda w: ({}, None) if w.final else None,
        kind="scoped",
        happy=lambda w, r: [row["uscc"] for row in r.json()["results"]] == [w.city.enterprise.uscc],
        absent=lambda w, r: w.city.enterprise.uscc not in {row["uscc"] for row in r.json()["results"]},
    ),
    Case(
        "api-burden-alerts",
        "get",
        "justice",
        lambda w: ({}, None) if w.burden_alert else None,
        kind="scoped",
        happy=lambda w, r: w.burden_alert.pk in _ids(r),
        absent=listed(lambda w: w.burden_alert.pk),
    ),
    Case(
        "api-service-requests",
        "get",
        "account",
        lambda w: ({}, None) if w.service_request else None,
        kind="scoped",
        happy=lambda w, r: w.service_request.pk in _ids(r),
        absent=listed(lambda w: w.service_request.pk),
    ),
    Case(
        "api-service-requests",
        "post",
        "account",
        lambda w: ({}, {"category": "ip", "text": "专利申请指导", "task": w.visit.pk}) if w.service_route else None,
        ok=201,
        happy=lambda w, r: r.json()["status"] == "open" and r.json()["agency"] == w.city.market.code,
    ),
    Case(
        "api-service-request-detail",
        "get",
        "account",
        lambda w: ({"pk": w.service_request.pk}, None),
        happy=lambda w, r: r.json()["category"] == "ip",
    ),
    Case(
        "api-service-request-answer",
        "post",
        "market",
        lambda w: ({"pk": w.service_request.pk}, {"answer": "请到窗口办理"}),
        happy=lambda w, r: r.json()["status"] == "answered",
    ),
    Case(
        "api-service-request-close",
        "post",
        "account",
        lambda w: ({"pk": w.service_request.pk}, {"note": "已解决"}),
        happy=lambda w, r: r.json()["status"] == "closed",
    ),
    Case(
        "api-service-request-reroute",
        "post",
        "market",
        lambda w: ({"pk": w.service_request.pk}, {"agency": w.city.ecology.code, "reason": "不属本部门职责"}),
        happy=lambda w, r: r.json()["agency"] == w.city.ecology.code and len(r.json()["reroutes"]) == 1,
    ),
    Case(
        "api-recusal-decide",
        "post",
        "market",
        lambda w: ({"pk": w.recusal.pk}, {"grant": True}),
        happy=lambda w, r: r.json()["status"] == "granted",
    ),
    Case(
        "api-campaigns",
        "get",
        "market",
        lambda w: ({}, None) if w.campaign else None,
        kind="scoped",
        happy=lambda w, r: w.campaign.code in {row["code"] for row in r.json()["results"]},
        absent=lambda w, r: w.campaign.code not in {row["code"] for row in r.json()["results"]},
    ),
    Case(
        "api-campaigns",
        "post",
        "market",
        lambda w: ({}, {"name": "第二批", "matters": [w.city.market_matter.code], "division": "370611",
                        "window_start": LATER[0].isoformat(), "window_end": LATER[1].isoformat()}),
        ok=201,
        refused=OUTSIDE_AREA,
        happy=lambda w, r: r.json()["seed"] is None and len(r.json()["seed_sha256"]) == 64,
    ),
    Case(
        "api-campaign-detail",
        "get",
        "market",
        lambda w: ({"code": w.drawn_campaign.code}, None),
        happy=lambda w, r: len(r.json()["results"]) == w.drawn_campaign.drawn_count,
    ),
    Case(
        "api-campaign-draw",
        "post",
        "market",
        lambda w: ({"code": w.campaign.code}, None),
        happy=lambda w, r: r.json()["status"] == "drawn",
    ),
    Case(
        "api-campaign-replay",
        "get",
        "account",
        lambda w: ({"code": w.drawn_campaign.code}, None),
        kind="public",
        happy=lambda w, r: r.json()["matches_stored"] is True,
    ),
    Case(
        "api-yearly-plans",
        "get",
        "market",
        lambda w: ({}, None) if w.yearly_plan else None,
        kind="scoped",
        happy=lambda w, r: w.yearly_plan.pk in _ids(r),
        absent=listed(lambda w: w.yearly_plan.pk),
    ),
    Case(
        "api-yearly-plans",
        "post",
        "market",
        lambda w: ({}, {"year": 2026, "title": "2026年度检查计划"}),
        ok=201,
        skip=("other_agency",),  # another agency drafts its own plan
        happy=lambda w, r: r.json()["status"] == "draft" and r.json()["publish_by"] == "2026-03-31",
    ),
    Case("api-yearly-plan", "get", "market", lambda w: ({"pk": w.yearly_plan.pk}, None),
         happy=lambda w, r: [x["visits"] for x in r.json()["lines"]] == [80]),
    Case(
        "api-yearly-line-add",
        "post",
        "market",
        lambda w: ({"pk": w.yearly_plan.pk}, {"matter": w.city.market_matter.code, "visits": 20,
                                               "deadline": "2026-10-31", "division": "370611"}),
        ok=201,
        happy=lambda w, r: len(r.json()["lines"]) == 2,
    ),
    Case("api-yearly-line-remove", "post", "market", lambda w: ({"pk": w.yearly_plan.lines.get().pk}, None), ok=204),
    Case(
        "api-yearly-publish",
        "post",
        "market",
        lambda w: ({"pk": w.yearly_plan.pk}, None),
        happy=lambda w, r: r.json()["status"] == "published" and r.json()["late"] is True,  # June: after 31 March
    ),
    Case(
        "api-yearly-overview",
        "get",
        "justice",
        lambda w: ({}, {"year": "2026"}) if w.published_yearly_plan else None,
        kind="scoped",
        justice=True,
        happy=lambda w, r: {row["agency"]: row["missing"] for row in r.json()}["yt-market"] is False,
        absent=lambda w, r: "yt-market" not in {row["agency"] for row in r.json()},
    ),
    Case(
        "api-public-yearly-plans",
        "get",
        "account",
        lambda w: ({}, {"year": "2026"}) if w.published_yearly_plan else None,
        kind="public",
        happy=lambda w, r: [p["id"] for p in r.json()["results"]] == [w.published_yearly_plan.pk],
    ),
    Case(
        "api-special",
        "get",
        "market",
        lambda w: ({}, None) if w.special else None,
        kind="scoped",
        happy=lambda w, r: w.special.code in {row["code"] for row in r.json()["results"]},
        absent=lambda w, r: w.special.code not in {row["code"] for row in r.json()["results"]},
    ),
    Case(
        "api-special",
        "post",
        "market",
        lambda w: ({}, {"name": "食品安全专项检查", "basis": "《食品安全法》", "matters": [w.city.market_matter.code],
                        "window_start": LATER[0].isoformat(), "window_end": LATER[1].isoformat()})
        if w.special_quota else None,
        ok=201,
        refused=OUTSIDE_AREA,  # another agency: the matter is not its department's
        happy=lambda w, r: r.json()["status"] == "pending" and r.json()["approver"] == "yt-justice",
    ),
    Case("api-special-detail", "get", "market", lambda w: ({"code": w.special.code}, None),
         happy=lambda w, r: r.json()["quota"] == 3 and r.json()["quota_used"] == 0),
    Case(
        "api-special-decision",
        "post",
        "justice",
        lambda w: ({"code": w.special.code}, {"decision": "approve", "opinion": "同意开展"}),
        justice=True,
        happy=lambda w, r: r.json()["status"] == "approved" and r.json()["opinion"] == "同意开展",
    ),
    Case(
        "api-special-withdrawal",
        "post",
        "market",
        lambda w: ({"code": w.special.code}, {"reason": "与市级专项重复，撤回"}),
        happy=lambda w, r: r.json()["status"] == "withdrawn" and r.json()["withdrawal_reason"].startswith("与市级"),
    ),
    Case(
        "api-special-quotas",
        "get",
        "justice",
        lambda w: ({}, {"year": "2026"}) if w.special_quota else None,
        skip=("other_justice",),  # every justice bureau reads the city's quotas; only the city's sets them
        happy=lambda w, r: [q["quota"] for q in r.json()] == [3],
    ),
    Case(
        "api-special-quotas",
        "post",
        "justice",
        lambda w: ({}, {"year": 2026, "quota": 2, "agency": "yt-market", "note": "年中调整"}),
        ok=201,
        justice=True,
        happy=lambda w, r: r.json()["agency"] == "yt-market" and r.json()["quota"] == 2,
    ),
    Case(
        "api-public-special",
        "get",
        "account",
        lambda w: ({}, None) if w.approved_special else None,
        kind="public",
        happy=lambda w, r: [c["code"] for c in r.json()["results"]] == [w.approved_special.code]
        and "requested_by" not in r.json()["results"][0],
    ),
    Case("api-sampling-rates", "get", "market", lambda w: ({}, None), kind="catalogue"),
    Case(
        "api-sampling-rates",
        "post",
        "justice",
        lambda w: ({}, {"grade": "B", "rate": "0.12"}),
        justice=True,
        happy=lambda w, r: {"grade": "B", "rate": "0.12"} in r.json(),
    ),
]
CASE_OF = {case.id: case for case in CASES}
STRANGERS = ("other_agency", "other_enterprise", "other_justice", "anonymous")


def api_endpoints(resolver=None, prefix=""):
    """(route name, method) of every view under /api/v1/, from the URL resolver."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from api_endpoints(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            view = getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)
            if view is None:  # a function view (obtain_auth_token is an APIView instance's as_view)
                view = entry.callback
            methods = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)]
            for method in methods:
                yield f"{entry.name}:{method}"


def test_every_api_endpoint_has_a_case():
    endpoints = set(api_endpoints())
    assert len(endpoints) > 40
    assert endpoints - set(CASE_OF) == set(), "endpoints without a happy-path and refusal case"
    assert set(CASE_OF) - endpoints == set(), "cases for endpoints that no longer exist"


def call(client: APIClient, case: Case, built):
    kwargs, body = built
    path = reverse(case.name, kwargs=kwargs)
    method = getattr(client, case.method)
    if case.method == "get":
        return method(path, body or {})
    if case.method == "delete":
        return method(path)
    return method(path, body or {}, format=case.fmt)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_happy_path(world, case):
    client = APIClient()
    client.force_authenticate(getattr(world, case.owner))
    audit_before = AuditEntry.objects.count()
    response = call(client, case, case.call(world))
    assert response.status_code == case.ok, getattr(response, "data", response)
    if case.happy:
        assert case.happy(world, response), getattr(response, "data", None)
    if case.method != "get" and case.kind == "object" and response.status_code in (200, 201, 204):
        assert AuditEntry.objects.count() > audit_before, "a state change without its audit entry"


REFUSALS = [
    (case, stranger)
    for case in CASES
    for stranger in STRANGERS
    if case.kind != "public"
    and not (case.kind == "catalogue" and stranger != "anonymous")
    and stranger not in case.skip
]


@pytest.mark.parametrize("case,stranger", REFUSALS, ids=[f"{c.id}-{s}" for c, s in REFUSALS])
def test_a_stranger_is_refused_and_nothing_changes(world, case, stranger):
    client = APIClient()
    user = world.strangers[stranger]
    if user is not None:
        client.force_authenticate(user)
    built = case.call(world)  # build the owner's objects before taking the picture
    before = database_state()
    response = call(client, case, built)
    if stranger == "anonymous":
        assert response.status_code in (401, 403), response.status_code
    elif case.kind == "scoped" and response.status_code == 200:
        assert case.absent(world, response), response.json()
    else:
        assert response.status_code in case.refused, (response.status_code, getattr(response, "data", None))
    assert database_state() == before


def test_the_public_endpoints_refuse_what_is_not_theirs(world):
    client = APIClient()
    wrong = client.post(reverse("api-token"), {"username": world.market.username, "password": "wrong"}, format="json")
    assert wrong.status_code == 400 and "token" not in wrong.json()
    before = database_state()
    forged = qrtokens.task_token(world.visit.pk)[:-2] + "xx"
    assert client.get(reverse("api-verify-inspection", kwargs={"token": forged})).json() == {"registered": False}
    foreign = qrtokens.enterprise_token(world.city.enterprise.uscc)  # a valid code of another kind
    assert client.get(reverse("api-verify-inspection", kwargs={"token": foreign})).json() == {"registered": False}
    assert database_state() == before
