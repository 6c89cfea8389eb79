"""非现场检查 after the request (``inspections.services.remote``, ``inspections.views.remote``): the enterprise
sends documents or photos by the deadline, the agency concludes, every side sees only its own, the files are
cleaned and served through the access check, and nothing ever becomes a visit."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from catalogue.tests.factories import MatterFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections import uploads
from inspections.services.remote import remote_check_conclude, remote_check_submit
from notifications.models import Notification
from plans.models import JointTask, Plan, RemoteCheck, RemoteEvidence
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, TODAY, days, freeze
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (60, 40), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf_bytes(pages: int = 2, *, javascript: bool = False, author: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if javascript:  # an action run when the document opens
        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject("app.alert('x');")})
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if author:
        writer.add_metadata({"/Author": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes, name: str = "f.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def frozen():
    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        yield TODAY


@pytest.fixture
def remote(city, frozen):
    licence = MatterFactory(code="market-licence", department=city.market_dept, remote_checkable=True)
    plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[licence], remote=True,
                     window_start=days(10), window_end=days(20), today=TODAY)
    city.account = enterprise_user(city.enterprise)
    city.licence = licence
    return plan.remote_check


def test_the_enterprise_sends_a_pdf_and_a_photo_cleaned_and_the_agency_is_told(city, remote):
    check = remote_check_submit(actor=city.account, remote_check=remote, note="许可证正副本",
                                files=[upload(pdf_bytes(2, javascript=True, author="张三"), "licence.pdf",
                                              "application/pdf"), upload(jpeg_with_exif())], today=TODAY)

    assert check.status == RemoteCheck.Status.SUBMITTED and check.enterprise_note == "许可证正副本"
    document, photo = RemoteEvidence.objects.filter(remote_check=check).order_by("id")
    assert (document.kind, document.pages, document.content_type) == ("document", 2, "application/pdf")
    stored = uploads.private_file(document.path).read_bytes()
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 2
    assert b"app.alert" not in stored and b"/JavaScript" not in stored and "张三".encode() not in stored
    assert not (reader.metadata or {}).get("/Author")
    assert photo.kind == "photo" and b"SecretCam" not in uploads.private_file(photo.path).read_bytes()
    assert len(document.path.rsplit("/", 1)[-1]) > 30  # an unguessable name
    assert Notification.objects.filter(agency=city.market, dedupe_key__startswith=f"remote-check-submitted:{check.pk}")
    assert AuditEntry.objects.filter(action="remote_check.submit", object_id=str(check.pk)).exists()


@pytest.mark.parametrize("data,name", [
    (b"%PDF-1.7 this is not really a pdf", "x.pdf"),
    (b"MZ\x90\x00 an executable", "x.pdf"),
    (b"", "empty.pdf"),
])
def test_a_bad_file_is_refused_and_leaves_nothing(city, remote, settings, data, name):
    with pytest.raises(DomainError):
        remote_check_submit(actor=city.account, remote_check=remote, files=[upload(data, name, "application/pdf")],
                            today=TODAY)

    remote.refresh_from_db()
    assert remote.status == RemoteCheck.Status.REQUESTED and not RemoteEvidence.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_pdf_over_the_page_limit_or_encrypted_is_refused(city, remote, settings):
    settings.REMOTE_EVIDENCE_MAX_PAGES = 3
    with pytest.raises(DomainError) as exc:
        remote_check_submit(actor=city.account, remote_check=remote, files=[upload(pdf_bytes(4), "a.pdf")],
                            today=TODAY)
    assert "4" in exc.value.message
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DomainError):
        remote_check_submit(actor=city.account, remote_check=remote, files=[upload(out.getvalue(), "e.pdf")],
                            today=TODAY)
    assert not RemoteEvidence.objects.exists()


def test_nothing_is_taken_after_the_deadline_nor_from_another_enterprise(city, remote):
    with pytest.raises(DomainError):
        remote_check_submit(actor=city.account, remote_check=remote, files=[upload(jpeg_with_exif())],
                            today=remote.deadline + dt.timedelta(days=1))
    other = enterprise_user(EnterpriseFactory())
    with pytest.raises(DomainError):
        remote_check_submit(actor=other, remote_check=remote, files=[upload(jpeg_with_exif())], today=TODAY)
    with pytest.raises(DomainError):
        remote_check_submit(actor=city.account, remote_check=remote, files=[], today=TODAY)
    assert not RemoteEvidence.objects.exists()
    # The deadline day itself is in time.
    remote_check_submit(actor=city.account, remote_check=remote, files=[upload(jpeg_with_exif())],
                        today=remote.deadline)


def test_the_agency_concludes_compliant_or_with_problems_and_it_never_becomes_a_visit(city, remote):
    with pytest.raises(DomainError):  # nothing sent yet
        remote_check_conclude(actor=city.market_officer, remote_check=remote, outcome="compliant")
    remote_check_submit(actor=city.account, remote_check=remote, files=[upload(jpeg_with_exif())], today=TODAY)
    with pytest.raises(DomainError):  # another agency
        remote_check_conclude(actor=city.ecology_officer, remote_check=remote, outcome="compliant")
    with pytest.raises(DomainError):  # problems need words
        remote_check_conclude(actor=city.market_officer, remote_check=remote, outcome="problems")

    check = remote_check_conclude(actor=city.market_officer, remote_check=remote, outcome="problems",
                                  problems=[{"matter": city.licence, "description": "许可证已过期，需重新办理"}],
                                  today=TODAY)

    assert check.status == RemoteCheck.Status.PROBLEMS and check.concluded_by == city.market_officer
    assert check.rectify_by == dt.date(2026, 6, 15)  # 10 working days after Monday 2026-06-01
    assert Notification.objects.filter(enterprise=city.enterprise, dedupe_key=f"remote-check-concluded:{check.pk}")
    entry = AuditEntry.objects.get(action="remote_check.conclude", object_id=str(check.pk))
    assert entry.details["outcome"] == "problems"
    with pytest.raises(DomainError):  # concluded once
        remote_check_conclude(actor=city.market_officer, remote_check=remote, outcome="compliant")
    with pytest.raises(DomainError):  # closed to new documents
        remote_check_submit(actor=city.account, remote_check=remote, files=[upload(jpeg_with_exif())], today=TODAY)
    plan = Plan.objects.get(pk=check.plan_id)
    assert plan.status == Plan.Status.REMOTE and plan.joint_task_id is None and not JointTask.objects.exists()


# -- the pages ------------------------------------------------------------------------------------------------


def test_the_pages_of_each_side(client, city, remote):
    client.force_login(city.account)
    page = client.get(f"/enterprise/remote-checks/{remote.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "提交材料或照片" in page.content.decode()
    assert client.get("/enterprise/remote-checks/").status_code == 200
    sent = client.post(f"/enterprise/remote-checks/{remote.pk}/submit/",
                       {"files": [upload(pdf_bytes(1), "licence.pdf", "application/pdf")], "note": "许可证"})
    assert sent.status_code == 302
    evidence = RemoteEvidence.objects.get()
    assert client.get(f"/remote-checks/evidence/{evidence.pk}/").status_code == 200

    client.force_login(city.market_officer)
    assert client.get("/agency/remote-checks/").status_code == 200
    assert "许可证" in client.get(f"/agency/remote-checks/{remote.pk}/",
                                 HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    bad = client.post(f"/agency/remote-checks/{remote.pk}/conclude/", {"outcome": "problems", "conclusion": ""})
    assert bad.status_code == 400
    done = client.post(f"/agency/remote-checks/{remote.pk}/conclude/", {"outcome": "compliant"})
    assert done.status_code == 302
    remote.refresh_from_db()
    assert remote.status == RemoteCheck.Status.COMPLIANT
    csv = client.get("/remote-checks/export.csv")
    assert csv.status_code == 200 and city.enterprise.name in b"".join(csv.streaming_content).decode("utf-8-sig")

    justice = JusticeUserFactory(agency=city.justice_bureau)
    client.force_login(justice)
    assert client.get(f"/justice/remote-checks/{remote.pk}/").status_code == 200
    assert client.get("/justice/remote-checks/").status_code == 200
    assert client.get(f"/remote-checks/evidence/{evidence.pk}/").status_code == 200


def test_a_bad_upload_on_the_page_is_answered_not_a_server_error(client, city, remote):
    client.force_login(city.account)
    response = client.post(f"/enterprise/remote-checks/{remote.pk}/submit/",
                           {"files": [upload(b"%PDF-\x00\x00 junk", "x.pdf", "application/pdf")]},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "不是平台可接受的 PDF" in response.content.decode()


@pytest.fixture
def strangers(city):
    laizhou = AgencyFactory(code="laizhou-market", level=Agency.Level.DISTRICT, division="370683")
    return {
        "other agency": OfficerFactory(agency=laizhou),
        "other enterprise": enterprise_user(EnterpriseFactory(division="370683")),
        "other district's justice bureau": JusticeUserFactory(agency=JusticeBureauFactory(
            code="laizhou-justice", name="莱州市司法局", level=Agency.Level.DISTRICT, division="370683")),
    }


@pytest.mark.parametrize("who", ["other agency", "other enterprise", "other district's justice bureau", "anonymous"])
def test_every_page_refuses_a_stranger(client, city, remote, strangers, who):
    remote_check_submit(actor=city.account, remote_check=remote, files=[upload(jpeg_with_exif())], today=TODAY)
    evidence = RemoteEvidence.objects.get()
    if who != "anonymous":
        client.force_login(strangers[who])
    for url in (f"/agency/remote-checks/{remote.pk}/", f"/justice/remote-checks/{remote.pk}/",
                f"/enterprise/remote-checks/{remote.pk}/", f"/remote-checks/evidence/{evidence.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (url, response.status_code)
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
    for url, data in ((f"/agency/remote-checks/{remote.pk}/conclude/", {"outcome": "compliant"}),
                      (f"/enterprise/remote-checks/{remote.pk}/submit/", {"files": [upload(jpeg_with_exif())]})):
        assert client.post(url, data).status_code in (302, 403, 404)
    remote.refresh_from_db()
    assert remote.status == RemoteCheck.Status.SUBMITTED and RemoteEvidence.objects.count() == 1
    if who != "anonymous":
        lists = {"other agency": "/agency/remote-checks/", "other enterprise": "/enterprise/remote-checks/",
                 "other district's justice bureau": "/justice/remote-checks/"}
        assert city.enterprise.name not in client.get(lists[who]).content.decode()


def test_the_lists_take_a_fixed_number_of_queries(client, city, remote, django_assert_num_queries):
    client.force_login(city.market_officer)
    client.get("/agency/remote-checks/")
    # four, whatever the rows (the session, the signed-in user with its agency in one query: accounts.backends):
    # the page of checks is one query, its plan, agency and enterprise joined
    with django_assert_num_queries(4) as small:
        client.get("/agency/remote-checks/")
    for _ in range(4):
        plan_file(actor=city.market_officer, enterprise=EnterpriseFactory(), matters=[city.licence], remote=True,
                  window_start=days(10), window_end=days(20), today=TODAY)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/agency/remote-checks/")


# -- withdrawal (plans.remote.remote_check_withdraw) ----------------------------------------------------------


def test_the_agency_withdraws_a_check_not_yet_concluded_and_the_enterprise_has_nothing_left_to_do(city, remote):
    from plans.remote import remote_check_counts, remote_check_list, remote_check_withdraw

    remote_check_submit(actor=city.account, remote_check=remote, files=[upload(jpeg_with_exif())], today=TODAY)
    asked = Notification.objects.get(dedupe_key=f"remote-check-requested:{remote.pk}")
    review = Notification.objects.get(dedupe_key=f"remote-check-submitted:{remote.pk}:1")
    assert asked.read_at is None and review.read_at is None
    assert remote_check_counts()[0]["requested"] == 1

    check = remote_check_withdraw(actor=city.market_officer, remote_check=remote, reason="许可证已在政务服务网核验")

    assert (check.status, check.withdrawal_reason) == (RemoteCheck.Status.WITHDRAWN, "许可证已在政务服务网核验")
    assert check.concluded_by == city.market_officer and check.concluded_at is not None
    entry = AuditEntry.objects.get(action="remote_check.withdraw", object_id=str(check.pk))
    assert entry.details == {"plan": check.plan_id, "before": "submitted", "reason": "许可证已在政务服务网核验"}
    told = Notification.objects.get(dedupe_key=f"remote-check-withdrawn:{check.pk}")
    assert told.enterprise == city.enterprise and "许可证已在政务服务网核验" in told.body
    asked.refresh_from_db()
    review.refresh_from_db()
    assert asked.read_at is not None and review.read_at is not None  # no longer a to-do on either side
    open_ones = remote_check_list(user=city.account).filter(status__in=RemoteCheck.OPEN_FOR_SUBMISSION)
    assert not open_ones.exists()
    with pytest.raises(DomainError, match="closed"):  # nothing more is taken
        remote_check_submit(actor=city.account, remote_check=remote, files=[upload(jpeg_with_exif())], today=TODAY)
    with pytest.raises(DomainError):
        remote_check_conclude(actor=city.market_officer, remote_check=remote, outcome="compliant")
    assert RemoteEvidence.objects.filter(remote_check=check).count() == 1  # what was sent stays with it
    # not a remote check that took place: out of the statistics; its plan never became a visit
    assert remote_check_counts()[0] == {"requested": 0, "compliant": 0, "problems": 0, "overdue": 0, "open": 0}
    plan = Plan.objects.get(pk=check.plan_id)
    assert plan.status == Plan.Status.REMOTE and plan.joint_task_id is None and not JointTask.objects.exists()


def test_a_concluded_check_cannot_be_withdrawn_nor_by_another_agency_nor_without_a_reason(city, remote):
    from django.core.exceptions import PermissionDenied

    from plans.remote import remote_check_withdraw

    for actor in (city.ecology_officer, JusticeUserFactory(agency=city.justice_bureau), city.account):
        with pytest.raises(PermissionDenied):
            remote_check_withdraw(actor=actor, remote_check=remote, reason="撤回")
    with pytest.raises(DomainError, match="Say why"):
        remote_check_withdraw(actor=city.market_officer, remote_check=remote, reason=" ")
    remote_check_submit(actor=city.account, remote_check=remote, files=[upload(jpeg_with_exif())], today=TODAY)
    remote_check_conclude(actor=city.market_officer, remote_check=remote, outcome="compliant")
    with pytest.raises(DomainError, match="already closed"):
        remote_check_withdraw(actor=city.market_officer, remote_check=remote, reason="撤回")
    assert not AuditEntry.objects.filter(action="remote_check.withdraw").exists()


def test_the_agency_withdraws_on_the_page_and_the_enterprise_sees_why(client, city, remote):
    client.force_login(city.market_officer)
    page = client.get(f"/agency/remote-checks/{remote.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "撤回非现场检查" in page
    assert client.post(f"/agency/remote-checks/{remote.pk}/withdraw/", {"reason": ""}).status_code == 400
    done = client.post(f"/agency/remote-checks/{remote.pk}/withdraw/", {"reason": "改为联合检查时一并核查"})
    assert done.status_code == 302
    page = client.get(f"/agency/remote-checks/{remote.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已由检查部门撤回" in page and 'class="form remote-withdraw"' not in page
    client.force_login(city.account)
    page = client.get(f"/enterprise/remote-checks/{remote.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "改为联合检查时一并核查" in page and "remote-submit" not in page
    listed = client.get("/enterprise/remote-checks/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已由检查部门撤回" in listed


@pytest.mark.parametrize("who", ["other agency", "other enterprise", "other district's justice bureau", "anonymous",
                                 "its enterprise", "its justice bureau", "another agency of the city"])
def test_the_withdrawal_refuses_the_wrong_roles(client, city, remote, strangers, who):
    from rest_framework.test import APIClient

    users = {**strangers, "anonymous": None, "its enterprise": city.account, "another agency of the city":
             city.ecology_officer, "its justice bureau": JusticeUserFactory(agency=city.justice_bureau)}
    api = APIClient()
    if users[who] is not None:
        client.force_login(users[who])
        api.force_authenticate(users[who])
    assert client.post(f"/agency/remote-checks/{remote.pk}/withdraw/", {"reason": "撤回"}).status_code in (
        302, 403, 404)
    assert api.post(f"/api/v1/remote-checks/{remote.pk}/withdrawal/", {"reason": "撤回"},
                    format="json").status_code in (401, 403, 404)
    remote.refresh_from_db()
    assert remote.status == RemoteCheck.Status.REQUESTED


# -- problems found remotely are rectified as on site (inspections.services.rectification) -------------------


@pytest.fixture
def two_matters(city, frozen):
    """A remote check of two matters, its documents sent."""
    licence = MatterFactory(code="market-licence", department=city.market_dept, remote_checkable=True)
    ledger = MatterFactory(code="market-ledger", department=city.market_dept, remote_checkable=True)
    plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[licence, ledger], remote=True,
                     window_start=days(10), window_end=days(20), today=TODAY)
    city.account, city.licence, city.ledger = enterprise_user(city.enterprise), licence, ledger
    remote_check_submit(actor=city.account, remote_check=plan.remote_check, files=[upload(jpeg_with_exif())],
                        today=TODAY)
    return plan.remote_check


def test_each_problem_found_becomes_a_finding_of_the_check_on_its_matter(city, two_matters):
    from inspections.models import Finding

    for bad in ([], [{"matter": city.ecology_matter, "description": "不是本次事项"}],
                [{"matter": city.licence, "description": "  "}]):
        with pytest.raises(DomainError):
            remote_check_conclude(actor=city.market_officer, remote_check=two_matters, outcome="problems",
                                  problems=bad, today=TODAY)
    with pytest.raises(DomainError, match="compliant conclusion has no problems"):
        remote_check_conclude(actor=city.market_officer, remote_check=two_matters, outcome="compliant",
                              problems=[{"matter": city.licence, "description": "许可证过期"}], today=TODAY)
    assert not Finding.objects.exists()

    check = remote_check_conclude(
        actor=city.market_officer, remote_check=two_matters, outcome="problems", conclusion="其余材料齐全",
        problems=[{"matter": city.licence, "description": "食品经营许可证已过期"},
                  {"matter": city.ledger, "description": "进货查验台账缺三月份", "severity": "serious"}],
        today=TODAY)

    findings = list(Finding.objects.order_by("id"))
    assert [(f.matter, f.severity) for f in findings] == [(city.licence, "minor"), (city.ledger, "serious")]
    sources = {(f.remote_check_id, f.record_id, f.item_id, f.enterprise_id, f.agency_id, f.deadline) for f in findings}
    assert sources == {(check.pk, None, None, city.enterprise.pk, city.market.pk, dt.date(2026, 6, 15))}
    entry = AuditEntry.objects.get(action="remote_check.conclude", object_id=str(check.pk))
    assert entry.details["findings"] == [f.pk for f in findings]
    assert AuditEntry.objects.filter(action="finding.add").count() == 2
    # a serious problem counts for the whitelist as one found on site (credit.events)
    from credit.models import CreditEvent

    assert CreditEvent.objects.get().source_ref == f"finding:{findings[1].pk}"
    told = Notification.objects.get(dedupe_key=f"remote-check-concluded:{check.pk}")
    assert told.link == "/enterprise/findings/"


def test_the_enterprise_fixes_a_remote_problem_online_and_the_agency_verifies_it(client, city, two_matters):
    from inspections.models import Finding, Rectification
    from inspections.services import finding_schedule_recheck, rectification_accept, rectification_return

    remote_check_conclude(actor=city.market_officer, remote_check=two_matters, outcome="problems", today=TODAY,
                          problems=[{"matter": city.licence, "description": "食品经营许可证已过期"},
                                    {"matter": city.ledger, "description": "台账造假", "severity": "serious"}])
    minor, serious = Finding.objects.order_by("id")

    # the enterprise's page of problems to rectify, as for those found on site
    client.force_login(city.account)
    page = client.get("/enterprise/findings/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "食品经营许可证已过期" in page and f'id="finding-{minor.pk}"' in page and "非现场检查" in page
    sent = client.post(f"/enterprise/findings/{minor.pk}/rectify/",
                       {"note": "已换发新证", "photos": [upload(jpeg_with_exif())]})
    assert sent.status_code == 302
    rectification = Rectification.objects.get()
    assert Finding.objects.get(pk=minor.pk).status == Finding.Status.SUBMITTED
    photo = rectification.photos.get()
    assert client.get(f"/api/v1/photos/{photo.pk}/").status_code == 200  # its evidence, to the enterprise

    # the agency's queue: returned, submitted again, accepted, with no paper (it has no record to list it on)
    client.force_login(city.market_officer)
    queue = client.get("/agency/rectifications/").content.decode()
    assert "食品经营许可证已过期" in queue and f"/agency/remote-checks/{two_matters.pk}/" in queue
    assert client.get(f"/api/v1/photos/{photo.pk}/").status_code == 200
    rectification_return(actor=city.market_officer, rectification=rectification, reason="请上传新证正本照片")
    from inspections.services import rectification_submit

    again = rectification_submit(actor=city.account, finding=minor, note="新证正本", photos=[])
    rectification_accept(actor=city.market_officer, rectification=again)
    assert Finding.objects.get(pk=minor.pk).status == Finding.Status.ACCEPTED
    assert Notification.objects.filter(dedupe_key=f"rectification-accepted:{again.pk}",
                                       enterprise=city.enterprise).exists()
    from inspections.models import Paper

    assert not Paper.objects.exists()

    # a serious one is not accepted online: it is re-checked on site through a plan, exempt from the caps
    with pytest.raises(DomainError):
        rectification_submit(actor=city.account, finding=serious, note="已整改", photos=[])
    plan = finding_schedule_recheck(actor=city.market_officer, finding=serious, window_start=days(10),
                                    window_end=days(14))
    assert plan.cap_exemption == Plan.CapExemption.RECHECK and plan.status != Plan.Status.REMOTE
    assert list(plan.matters.all()) == [city.ledger]
    assert Finding.objects.get(pk=serious.pk).status == Finding.Status.RECHECK


def test_the_pages_and_the_api_show_and_take_the_problems(client, city, two_matters):
    from rest_framework.test import APIClient

    client.force_login(city.market_officer)
    page = client.get(f"/agency/remote-checks/{two_matters.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'name="problem_{city.licence.pk}"' in page and f'name="severity_{city.ledger.pk}"' in page
    none = client.post(f"/agency/remote-checks/{two_matters.pk}/conclude/", {"outcome": "problems"},
                       HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert none.status_code == 400 and "请说明" in none.content.decode()
    done = client.post(f"/agency/remote-checks/{two_matters.pk}/conclude/", {
        "outcome": "problems", f"problem_{city.ledger.pk}": "台账缺三月份", f"severity_{city.ledger.pk}": "minor",
        f"severity_{city.licence.pk}": "minor", "conclusion": "许可证在有效期内"})
    assert done.status_code == 302
    page = client.get(f"/agency/remote-checks/{two_matters.pk}/").content.decode()
    assert "台账缺三月份" in page and 'class="plain remote-findings"' in page
    exported = b"".join(client.get("/agency/rectifications/export.csv").streaming_content).decode("utf-8-sig")
    assert "台账缺三月份" in exported and "非现场检查" in exported
    client.force_login(city.account)
    exported = b"".join(client.get("/enterprise/findings/export.csv").streaming_content).decode("utf-8-sig")
    assert "台账缺三月份" in exported

    api = APIClient()
    api.force_authenticate(city.account)
    detail = api.get(f"/api/v1/remote-checks/{two_matters.pk}/").json()
    assert [(f["matter"], f["description"], f["remote_check"]) for f in detail["findings"]] == [
        ("market-ledger", "台账缺三月份", two_matters.pk)]
    listed = api.get("/api/v1/findings/").json()
    assert [(f["matter"], f["remote_check"], f["record"]) for f in listed] == [("market-ledger", two_matters.pk, None)]


def test_the_api_concludes_with_problems_by_matter_code(city, two_matters):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(city.market_officer)
    url = f"/api/v1/remote-checks/{two_matters.pk}/conclude/"
    unknown = api.post(url, {"outcome": "problems", "problems": [{"matter": "nope", "description": "x"}]},
                       format="json")
    assert unknown.status_code == 400 and "nope" in str(unknown.json())
    outside = api.post(url, {"outcome": "problems", "problems": [{"matter": city.ecology_matter.code,
                                                                   "description": "x"}]}, format="json")
    assert outside.status_code == 400
    done = api.post(url, {"outcome": "problems", "problems": [
        {"matter": "market-licence", "description": "许可证过期", "severity": "minor"}]}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "problems" and done.json()["findings"][0]["matter"] == "market-licence"


@pytest.mark.parametrize("who", ["other agency", "other enterprise", "other district's justice bureau", "anonymous"])
def test_a_remote_problem_is_refused_to_strangers(client, city, two_matters, strangers, who):
    from rest_framework.test import APIClient

    from inspections.models import Finding, Rectification

    remote_check_conclude(actor=city.market_officer, remote_check=two_matters, outcome="problems", today=TODAY,
                          problems=[{"matter": city.licence, "description": "食品经营许可证已过期"}])
    finding = Finding.objects.get()
    from inspections.services import rectification_submit

    rectification = rectification_submit(actor=city.account, finding=finding, note="已换证",
                                         photos=[upload(jpeg_with_exif())])
    photo = rectification.photos.get()
    api = APIClient()
    if who != "anonymous":
        client.force_login(strangers[who])
        api.force_authenticate(strangers[who])
    assert api.post(f"/api/v1/findings/{finding.pk}/rectifications/", {"note": "伪造"}).status_code in (
        401, 403, 404)
    assert api.post(f"/api/v1/rectifications/{rectification.pk}/accept/", {}).status_code in (401, 403, 404)
    assert api.get(f"/api/v1/photos/{photo.pk}/").status_code in (401, 403, 404)
    assert client.post(f"/enterprise/findings/{finding.pk}/rectify/", {"note": "伪造"}).status_code in (
        302, 403, 404)
    assert client.post(f"/agency/rectifications/{rectification.pk}/accept/").status_code in (302, 403, 404)
    if who != "anonymous":
        assert "食品经营许可证已过期" not in str(api.get("/api/v1/findings/").content.decode())
    assert Rectification.objects.count() == 1 and Finding.objects.get().status == Finding.Status.SUBMITTED


def test_the_lists_of_problems_cost_the_same_for_one_remote_problem_and_for_four(client, city, two_matters):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    def problem(check):
        remote_check_conclude(actor=city.market_officer, remote_check=check, outcome="problems", today=TODAY,
                              problems=[{"matter": city.licence, "description": "许可证过期"}])

    def counts():
        found = []
        for user, path in ((city.market_officer, "/agency/rectifications/"), (city.account, "/enterprise/findings/"),
                           (city.market_officer, f"/agency/remote-checks/{two_matters.pk}/")):
            client.force_login(user)
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        for user in (city.market_officer, city.account):
            api = APIClient()
            api.force_authenticate(user)
            with CaptureQueriesContext(connection) as queries:
                assert api.get("/api/v1/findings/").status_code == 200
            found.append(len(queries))
        return found

    problem(two_matters)
    small = counts()
    for _ in range(3):
        plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.licence], remote=True,
                         window_start=days(10), window_end=days(20), today=TODAY)
        remote_check_submit(actor=city.account, remote_check=plan.remote_check, files=[upload(jpeg_with_exif())],
                            today=TODAY)
        problem(plan.remote_check)
    assert counts() == small
