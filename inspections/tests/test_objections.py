"""异议与陈述申辩: the enterprise objects to a finding within the window after signing; someone who took no part
in the visit decides (never an officer of the visit); an upheld objection withdraws the finding; the decision
and the enterprise's reply stay with the record (its pages, its API, its PDF)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from accounts.tests.factories import JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections.access import require_objection_decider
from inspections.models import Finding, Objection
from inspections.services import (
    objection_decide,
    objection_file,
    objection_reply,
    objection_window_closes,
    record_sign,
    rectification_submit,
)
from notifications.models import Notification
from plans.tests.conftest import SHANGHAI, freeze
from yantai_inspect.errors import DomainError

from .test_record import finalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(city, visit):
    record = finalised(city, visit)
    record_sign(actor=enterprise_user(city.enterprise), record=record, method="typed", typed_name="邹德志",
                confirmed=True)
    record.refresh_from_db()
    return record


def objected(city, record, text="该问题检查时已当场整改"):
    account = enterprise_user(city.enterprise)
    return objection_file(actor=account, finding=record.findings.get(), text=text)


def test_an_objection_cannot_be_decided_by_an_officer_of_the_visit(city, signed):
    objection = objected(city, signed)
    # The finding is the ecology bureau's: its officer checked in and filled the record.
    for participant in (city.ecology_officer, city.market_officer):
        with pytest.raises(PermissionDenied):
            objection_decide(actor=participant, objection=objection, upheld=True, decision="同意")
    # Not on the visit, but of another agency than the finding's.
    with pytest.raises(PermissionDenied):
        objection_decide(actor=city.market_officer2, objection=objection, upheld=True, decision="同意")
    # The ecology bureau's head, named on its plan for the visit, took part too.
    head = OfficerFactory(agency=city.ecology, is_agency_head=True)
    signed.task.plans.get(agency=city.ecology).officers.add(head)
    with pytest.raises(PermissionDenied):
        require_objection_decider(head, objection)
    objection.refresh_from_db()
    assert objection.status == "pending"
    colleague = OfficerFactory(agency=city.ecology)
    objection = objection_decide(actor=colleague, objection=objection, upheld=False, decision="现场照片显示问题存在")
    assert (objection.status, objection.decided_by, objection.decided_for) == ("not_upheld", colleague, city.ecology)
    assert Finding.objects.get(pk=objection.finding_id).status == "open"


def test_an_officer_refused_at_the_door_counts_as_of_the_visit(city, signed):
    from inspections.models import CheckIn

    objection = objected(city, signed)
    tried = OfficerFactory(agency=city.ecology)
    CheckIn.objects.create(task=signed.task, officer=tried, accepted=False, refusal="二维码过期")
    with pytest.raises(PermissionDenied):
        require_objection_decider(tried, objection)


def test_the_justice_bureau_of_the_enterprises_area_decides_another_does_not(city, signed):
    objection = objected(city, signed)
    laizhou = JusticeUserFactory(agency=JusticeBureauFactory(code="lz-justice", division="370683"))
    with pytest.raises(PermissionDenied):
        objection_decide(actor=laizhou, objection=objection, upheld=True, decision="同意")
    with pytest.raises(PermissionDenied):
        objection_decide(actor=enterprise_user(city.enterprise), objection=objection, upheld=True, decision="x")
    justice = JusticeUserFactory(agency=city.justice_bureau)  # Fushan has no bureau of its own here
    objection = objection_decide(actor=justice, objection=objection, upheld=True, decision="检查时已整改到位")
    assert objection.decided_for == city.justice_bureau
    finding = Finding.objects.get(pk=objection.finding_id)
    assert finding.status == "withdrawn" and finding.closed_at is not None
    with pytest.raises(DomainError):  # a withdrawn finding is no longer to be rectified
        rectification_submit(actor=enterprise_user(city.enterprise), finding=finding, note="已整改")
    with pytest.raises(DomainError):
        objection_decide(actor=justice, objection=objection, upheld=False, decision="改判")
    assert set(AuditEntry.objects.filter(action__in=["objection.file", "objection.decide", "finding.withdraw"])
               .values_list("action", flat=True)) == {"objection.file", "objection.decide", "finding.withdraw"}
    assert Notification.objects.get(dedupe_key=f"objection:{objection.pk}:decided").enterprise == city.enterprise


def test_the_objection_is_filed_within_the_window_once_on_a_signed_record(city, visit):
    record = finalised(city, visit)
    account = enterprise_user(city.enterprise)
    with pytest.raises(DomainError):  # not yet signed
        objection_file(actor=account, finding=record.findings.get(), text="异议")
    record_sign(actor=account, record=record, method="typed", typed_name="邹德志", confirmed=True)
    assert objection_window_closes(record) == dt.date(2026, 6, 24)  # 9 June + 15 days
    other = enterprise_user(EnterpriseFactory())
    with pytest.raises(DomainError):
        objection_file(actor=other, finding=record.findings.get(), text="异议")
    with pytest.raises(DomainError) as exc:
        objection_file(actor=account, finding=record.findings.get(), text="  ")
    assert exc.value.field == "text"
    with freeze(dt.datetime(2026, 6, 25, 9, 0, tzinfo=SHANGHAI)), pytest.raises(DomainError):
        objection_file(actor=account, finding=record.findings.get(), text="异议")
    with freeze(dt.datetime(2026, 6, 24, 23, 0, tzinfo=SHANGHAI)):
        objection = objection_file(actor=account, finding=record.findings.get(), text="异议")
        with pytest.raises(DomainError):
            objection_file(actor=account, finding=record.findings.get(), text="再次异议")
    assert Objection.objects.get() == objection and objection.agency == city.ecology
    assert Notification.objects.get(dedupe_key=f"objection:{objection.pk}:agency").agency == city.ecology


def test_the_enterprise_replies_once_after_the_decision(city, signed):
    objection = objected(city, signed)
    account = enterprise_user(city.enterprise)
    with pytest.raises(DomainError):
        objection_reply(actor=account, objection=objection, reply="补充说明")
    objection = objection_decide(actor=OfficerFactory(agency=city.ecology), objection=objection, upheld=False,
                                 decision="问题存在")
    with pytest.raises(DomainError):
        objection_reply(actor=enterprise_user(EnterpriseFactory()), objection=objection, reply="x")
    objection = objection_reply(actor=account, objection=objection, reply="我方保留申请行政复议的权利")
    assert objection.reply == "我方保留申请行政复议的权利" and objection.replied_by == account
    with pytest.raises(DomainError):
        objection_reply(actor=account, objection=objection, reply="再次陈述")
    assert Notification.objects.get(dedupe_key=f"objection:{objection.pk}:reply").agency == city.ecology


def test_pages_the_record_and_its_api_show_the_objection_decision_and_reply(city, signed, client):
    account = enterprise_user(city.enterprise)
    finding = signed.findings.get()
    client.force_login(account)
    page = client.get(f"/enterprise/records/{signed.pk}/").content.decode()
    assert 'id="objection-form"' in page and "2026-06-24" in page
    response = client.post(f"/enterprise/records/{signed.pk}/objections/",
                           {"finding": str(finding.pk), "text": "检查时已当场整改"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    client.force_login(city.ecology_officer)
    page = client.get(f"/agency/objections/{objection.pk}/").content.decode()
    assert 'id="objection-refusal"' in page and 'id="objection-decide"' not in page
    assert client.post(f"/agency/objections/{objection.pk}/",
                       {"decision": "uphold", "reason": "同意"}).status_code == 403
    client.force_login(OfficerFactory(agency=city.ecology))
    assert f"#{objection.pk}" in client.get("/agency/objections/?pending=1").content.decode()
    assert client.post(f"/agency/objections/{objection.pk}/", {"decision": "uphold", "reason": ""}).status_code == 400
    assert client.post(f"/agency/objections/{objection.pk}/",
                       {"decision": "uphold", "reason": "现场照片显示已整改"}).status_code == 302
    client.force_login(account)
    assert client.post(f"/enterprise/objections/{objection.pk}/reply/", {"reply": "感谢复核"}).status_code == 302
    page = client.get(f"/enterprise/records/{signed.pk}/").content.decode()
    assert "现场照片显示已整改" in page and "感谢复核" in page and 'id="objection-form"' not in page
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    page = client.get(f"/justice/records/{signed.pk}/").content.decode()
    assert "检查时已当场整改" in page and "感谢复核" in page
    api = APIClient()
    api.force_authenticate(city.market_officer)
    (shown,) = api.get(f"/api/v1/records/{signed.pk}/").json()["objections"]
    assert (shown["status"], shown["decision"], shown["reply"]) == ("upheld", "现场照片显示已整改", "感谢复核")


def test_the_api_refuses_an_officer_of_the_visit(city, signed):
    objection = objected(city, signed)
    api = APIClient()
    api.force_authenticate(city.ecology_officer)
    response = api.post(f"/api/v1/objections/{objection.pk}/decide/", {"upheld": True, "decision": "同意"},
                        format="json")
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.status == "pending"


def test_the_pdf_prints_the_objection_and_its_decision(city, signed):
    from inspections import pdf

    from .test_pdf import compact, text_of

    objection = objected(city, signed)
    objection_decide(actor=OfficerFactory(agency=city.ecology), objection=objection, upheld=True,
                     decision="检查时已整改到位")
    flat = compact(text_of(pdf.render_record_pdf(signed)))
    assert "企业异议及处理" in flat and "该问题检查时已当场整改" in flat and "异议成立" in flat


def test_an_upheld_objection_takes_the_finding_out_of_the_problem_share(city, signed):
    """The statistics' found_problem counts no withdrawn finding: the decision logs its visit's day for a recount,
    and the rollup equals a recount from the rows before and after the compaction."""
    from tests.test_statistics_recount import assert_cells_equal_a_recount, assert_compaction_makes_the_cells_exact

    assert_compaction_makes_the_cells_exact()
    objection = objected(city, signed)
    justice = JusticeUserFactory(agency=city.justice_bureau)
    objection_decide(actor=justice, objection=objection, upheld=True, decision="检查时已整改到位")
    assert_cells_equal_a_recount("an upheld objection")
    assert_compaction_makes_the_cells_exact()
    from plans.models import StatisticsCell

    assert sum(StatisticsCell.objects.values_list("found_problem", flat=True)) == 0
