import datetime as dt
import io
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from pypdf import PdfReader

from enterprises.tests.factories import enterprise_user
from inspections import pdf, qrtokens, signing, uploads
from inspections.models import CheckIn, Finding, InspectionRecord, RecordItem, Signature
from outbox.registry import get_handler
from plans.matching import joint_task_fix
from plans.models import JointTask
from plans.selectors import task_checklist
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, City, days, freeze
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db

FILED_AT = dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)
VISIT = days(8)
ON_SITE = dt.datetime.combine(VISIT, dt.time(9, 30), tzinfo=SHANGHAI)


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def compact(text: str) -> str:
    """Extracted text, without the line breaks a table cell may put inside a long value."""
    return "".join(text.split())


@pytest.fixture
def city(settings):
    settings.SITE_URL = "https://jc.yantai.example"
    city = City()
    city.market_matter.name = "食品经营许可证公示"
    city.market_matter.standard = "在经营场所显著位置悬挂食品经营许可证正本。"
    city.market_matter.legal_basis = "《中华人民共和国食品安全法》第三十五条"
    city.market_matter.save()
    city.ecology_matter.name = "危险废物贮存管理"
    city.ecology_matter.standard = "危险废物分类贮存，设置识别标志，建立管理台账。"
    city.ecology_matter.legal_basis = "《中华人民共和国固体废物污染环境防治法》第七十七条"
    city.ecology_matter.save()
    return city


@pytest.fixture
def task(city):
    with freeze(FILED_AT):
        market = plan_file(
            actor=city.market_officer,
            enterprise=city.enterprise,
            matters=[city.market_matter],
            officers=[city.market_officer, city.market_officer2],
            window_start=VISIT,
            window_end=VISIT,
        )
        plan_file(
            actor=city.ecology_officer,
            enterprise=city.enterprise,
            matters=[city.ecology_matter],
            window_start=VISIT,
            window_end=VISIT,
        )
        market.refresh_from_db()
        assert joint_task_fix(actor=None, task_id=market.joint_task_id) is True
    return JointTask.objects.get(pk=market.joint_task_id)


def finalised_record(city, task, *, summary="企业总体管理规范，危险废物台账需补全。") -> InspectionRecord:
    with freeze(ON_SITE):
        for officer in (city.market_officer, city.ecology_officer):
            CheckIn.objects.create(task=task, officer=officer, accepted=True)
    record = InspectionRecord.objects.create(task=task, summary=summary)
    for matter in task_checklist(task):
        result = RecordItem.Result.NON_COMPLIANT if matter == city.ecology_matter else RecordItem.Result.COMPLIANT
        item = RecordItem.objects.create(
            record=record,
            matter=matter,
            result=result,
            note="台账缺少三月份记录" if matter == city.ecology_matter else "",
        )
        if result == RecordItem.Result.NON_COMPLIANT:
            Finding.objects.create(
                record=record,
                item=item,
                enterprise=record.task.enterprise,
                matter=item.matter,
                agency=city.ecology,
                description="危险废物管理台账不完整",
                severity=Finding.Severity.MINOR,
                deadline=days(22),
            )
    record.status = InspectionRecord.Status.FINAL
    record.finalised_at = ON_SITE + dt.timedelta(hours=1)
    record.finalised_by = city.market_officer
    record.save()
    record.content_hash = signing.content_hash(record)
    record.save(update_fields=["content_hash"])
    return record


def sign(record, *, refused=False, **fields) -> Signature:
    signer = enterprise_user(record.task.enterprise, full_name="王经理")
    signed_at = ON_SITE + dt.timedelta(hours=2)
    signature = Signature.objects.create(
        record=record,
        signer=signer,
        signed_at=signed_at,
        refused=refused,
        content_hash=record.content_hash,
        seal=signing.seal(
            content_hash=record.content_hash,
            signer=signer.username,
            signed_at=signing.utc_stamp(signed_at),
            refused=refused,
        ),
        **fields,
    )
    record.status = InspectionRecord.Status.REFUSED if refused else InspectionRecord.Status.SIGNED
    record.save(update_fields=["status"])
    return signature


# -- the notice ---------------------------------------------------------------------------------------------


def test_the_notice_names_the_enterprise_agencies_officers_matters_and_rights(city, task):
    text = text_of(pdf.render_notice_pdf(task))
    flat = compact(text)
    assert "涉企联合检查告知书" in flat
    assert "烟台金海药业有限公司" in flat and city.enterprise.uscc in flat
    assert "烟台市市场监督管理局" in flat and "烟台市生态环境局" in flat
    assert "食品经营许可证公示" in flat and "危险废物贮存管理" in flat
    assert "《中华人民共和国食品安全法》第三十五条" in flat
    assert "在经营场所显著位置悬挂食品经营许可证正本。" in flat
    for officer in (city.market_officer, city.market_officer2, city.ecology_officer):
        assert officer.full_name in flat and officer.certificate_number in flat
    assert "2026年6月9日" in flat
    assert "12345" in flat and "司法局" in flat and "拒绝" in flat


def test_the_notice_carries_the_inspection_code_of_its_task(city, task):
    with mock.patch("inspections.qrtokens.qr_png", wraps=qrtokens.qr_png) as qr:
        data = pdf.render_notice_pdf(task)
    (url,), _ = qr.call_args
    prefix = "https://jc.yantai.example/verify/inspection/"
    assert url.startswith(prefix) and url.endswith("/")
    assert qrtokens.read_task_token(url[len(prefix) : -1]) == task.pk
    assert len({image.data for page in PdfReader(io.BytesIO(data)).pages for image in page.images}) == 1


def test_the_notice_prints_and_encodes_the_configured_address(city, task, settings):
    settings.SITE_URL = "http://127.0.0.1:8116"  # as `make run PORT=8116` sets it
    with mock.patch("inspections.qrtokens.qr_png", wraps=qrtokens.qr_png) as qr:
        data = pdf.render_notice_pdf(task)
    (url,), _ = qr.call_args
    prefix = "http://127.0.0.1:8116/verify/inspection/"
    assert url.startswith(prefix) and qrtokens.read_task_token(url[len(prefix) : -1]) == task.pk
    flat = compact(text_of(data))
    assert url in flat and "8000" not in flat


def test_the_record_prints_the_address_of_its_verification_page(city, task, settings):
    record = finalised_record(city, task)
    settings.SITE_URL = "http://127.0.0.1:8116"
    # the verification token carries its time (signing.dumps): the clock stands still between the two (a second
    # turning between them failed the test now and then)
    with time_machine.travel(ON_SITE + dt.timedelta(hours=2), tick=False):
        url = pdf.record_verify_url(record)
        printed = compact(text_of(pdf.render_record_pdf(record)))
    assert url.startswith("http://127.0.0.1:8116/verify/record/")
    assert url in printed


def test_the_notice_is_refused_for_a_visit_not_yet_fixed(city, task):
    JointTask.objects.filter(pk=task.pk).update(fixed=False, status=JointTask.Status.SCHEDULED)
    with pytest.raises(DomainError):
        pdf.render_notice_pdf(task)


# -- the record ---------------------------------------------------------------------------------------------


def test_the_record_shows_results_findings_hash_and_awaits_signature(city, task):
    record = finalised_record(city, task)
    text = text_of(pdf.render_record_pdf(record))
    flat = compact(text)
    assert "现场检查记录" in flat
    assert "烟台金海药业有限公司" in flat and "烟台市生态环境局" in flat
    assert "食品经营许可证公示" in flat and "危险废物贮存管理" in flat
    assert "合格" in flat and "不合格" in flat and "台账缺少三月份记录" in flat
    assert "危险废物管理台账不完整" in flat and days(22).isoformat() in flat
    assert city.market_officer.certificate_number in flat and "2026-06-0909:30" in flat
    assert record.content_hash in flat
    assert "待企业签名" in flat


def test_the_record_qr_code_verifies_the_finalised_hash(city, task):
    record = finalised_record(city, task)
    with mock.patch("inspections.qrtokens.qr_png", wraps=qrtokens.qr_png) as qr:
        pdf.render_record_pdf(record)
    (url,), _ = qr.call_args
    prefix = "https://jc.yantai.example/verify/record/"
    assert url.startswith(prefix)
    assert qrtokens.read_record_token(url[len(prefix) : -1]) == (record.pk, record.content_hash)


def test_a_typed_signature_is_printed_with_its_seal(city, task):
    record = finalised_record(city, task)
    signature = sign(record, method=Signature.Method.TYPED, typed_name="王建国")
    flat = compact(text_of(pdf.render_record_pdf(record)))
    assert "王建国" in flat and signature.seal in flat and "待企业签名" not in flat


def test_a_drawn_signature_is_embedded_as_an_image(city, task):
    from PIL import Image

    record = finalised_record(city, task)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(buffer, format="PNG")
    stored = uploads.store_bytes(buffer.getvalue(), folder="signatures", ext="png", content_type="image/png")
    sign(record, method=Signature.Method.DRAWN, image_path=stored.path)
    data = pdf.render_record_pdf(record)
    # WeasyPrint shares one resource dictionary between pages: count distinct images, not per-page entries.
    images = {image.data for page in PdfReader(io.BytesIO(data)).pages for image in page.images}
    assert len(images) == 2  # the signature and the verification QR code
    assert "手写签名" in compact(text_of(data))


def test_a_refusal_is_printed_with_the_objection(city, task):
    record = finalised_record(city, task)
    sign(record, refused=True, objection="台账三月份记录已在电子系统中保存，检查时未查看。")
    flat = compact(text_of(pdf.render_record_pdf(record)))
    assert "企业拒绝签名" in flat and "台账三月份记录已在电子系统中保存，检查时未查看。" in flat


def test_a_record_still_being_filled_is_not_printed(city, task):
    record = InspectionRecord.objects.create(task=task)
    with pytest.raises(DomainError):
        pdf.render_record_pdf(record)


# -- storing, through the outbox handler --------------------------------------------------------------------


def test_the_handler_stores_the_pdf_and_leaves_the_signed_content_unchanged(city, task, settings):
    record = finalised_record(city, task)
    get_handler("inspections.render_record_pdf")(record_id=record.pk)
    record.refresh_from_db()
    assert record.pdf_path.startswith("pdf/") and record.pdf_path.endswith(".pdf")
    assert record.pdf_generated_at is not None
    stored = Path(settings.MEDIA_ROOT) / record.pdf_path
    assert record.content_hash in compact(text_of(stored.read_bytes()))
    assert signing.content_hash(record) == record.content_hash


def test_rerunning_replaces_the_file(city, task, settings, django_capture_on_commit_callbacks):
    record = finalised_record(city, task)
    with django_capture_on_commit_callbacks(execute=True):
        first = pdf.store_record_pdf(record)
    sign(record, method=Signature.Method.TYPED, typed_name="王建国")
    with django_capture_on_commit_callbacks(execute=True):
        second = pdf.store_record_pdf(record)
    record.refresh_from_db()
    assert record.pdf_path == second != first
    assert not (Path(settings.MEDIA_ROOT) / first).exists()
    assert "王建国" in compact(text_of((Path(settings.MEDIA_ROOT) / second).read_bytes()))
    assert sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "pdf").iterdir()) == [Path(second).name]


def test_the_handler_ignores_a_record_that_no_longer_exists(city, task):
    get_handler("inspections.render_record_pdf")(record_id=999999)


def test_a_missing_signature_image_still_prints_the_record_with_its_seal(city, task):
    record = finalised_record(city, task)
    signature = sign(record, method=Signature.Method.DRAWN, image_path="signatures/gone.png")
    flat = compact(text_of(pdf.render_record_pdf(record)))
    assert "签名图像文件缺失" in flat and signature.seal in flat


def test_the_portal_pdf_is_rendered_on_demand_when_the_worker_has_not_yet(client, city, visit):
    from enterprises.tests.factories import EnterpriseFactory, enterprise_user
    from inspections.tests.test_record import finalised

    record = finalised(city, visit)
    assert not record.pdf_path
    client.force_login(enterprise_user(city.enterprise))
    response = client.get(f"/records/{record.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(enterprise_user(EnterpriseFactory()))
    assert client.get(f"/records/{record.pk}/pdf/").status_code == 404
    client.logout()
    assert client.get(f"/records/{record.pk}/pdf/").status_code == 302


def test_the_api_answers_202_until_the_signed_pdf_exists(city, task):
    """The PDF rendered on finalising shows no signature; after signing, the API answered it with 200 until the
    worker re-rendered. Now: 202 with Retry-After until the signed one is on file."""
    from rest_framework.test import APIClient

    record = finalised_record(city, task)
    with freeze(ON_SITE + dt.timedelta(hours=1, minutes=5)):
        pdf.store_record_pdf(record)
    api = APIClient()
    api.force_authenticate(enterprise_user(city.enterprise))
    url = f"/api/v1/records/{record.pk}/pdf/"
    assert api.get(url).status_code == 200  # finalised, not yet signed: the current PDF
    sign(record, method=Signature.Method.TYPED, typed_name="王建国")
    pending = api.get(url)
    assert pending.status_code == 202 and int(pending["Retry-After"]) > 0
    with freeze(ON_SITE + dt.timedelta(hours=2, minutes=1)):
        pdf.store_record_pdf(record)
    signed = api.get(url)
    assert signed.status_code == 200
    assert "王建国" in compact(text_of(b"".join(signed.streaming_content)))


def test_the_portal_renders_the_signed_pdf_instead_of_serving_the_unsigned_one(client, city, task):
    record = finalised_record(city, task)
    with freeze(ON_SITE + dt.timedelta(hours=1, minutes=5)):
        pdf.store_record_pdf(record)
    sign(record, method=Signature.Method.TYPED, typed_name="王建国")
    client.force_login(enterprise_user(city.enterprise))
    response = client.get(f"/records/{record.pk}/pdf/")
    assert response.status_code == 200
    assert "王建国" in compact(text_of(b"".join(response.streaming_content)))
