"""The enterprise's pages after a visit, the justice bureau's reading of a record, and the public
verification pages. Text assertions use data (Chinese names, certificate numbers) and stable markers
(``data-verdict``), not English wording that the Chinese catalogue will replace."""

import base64
import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.tests.factories import AdminUserFactory, JusticeUserFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections import qrtokens
from inspections.models import Finding, InspectionRecord, Photo, Rectification, Signature
from plans.models import JointTask
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, freeze

from .conftest import jpeg_with_gps, upload
from .test_record import finalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(city):
    return enterprise_user(city.enterprise, full_name="邹德志")


@pytest.fixture
def record(city, visit):
    return finalised(city, visit)


def drawn_png_data_url(size=(300, 100)) -> str:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (80, 20), (150, 70), (290, 30)], fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def verdict(response) -> str:
    page = response.content.decode()
    marker = 'data-verdict="'
    assert marker in page, page
    return page.split(marker, 1)[1].split('"', 1)[0]


# -- signing and refusing ------------------------------------------------------------------------------------


def test_the_enterprise_reads_the_whole_record_and_signs_by_typed_name(client, city, record, signer):
    client.force_login(signer)
    page = client.get(f"/enterprise/records/{record.pk}/").content.decode()
    assert "废气收集设施未运行" in page and record.content_hash in page
    assert city.market_officer.certificate_number in page and city.ecology_officer.certificate_number in page
    assert 'id="sign-typed"' in page and f"/enterprise/records/{record.pk}/refuse/" in page

    response = client.post(
        f"/enterprise/records/{record.pk}/sign/", {"method": "typed", "typed_name": "邹德志", "confirmed": "on"}
    )
    assert response.status_code == 302 and response["Location"] == f"/enterprise/records/{record.pk}/"
    signature = Signature.objects.get(record=record)
    assert signature.method == "typed" and signature.typed_name == "邹德志" and not signature.refused
    assert signature.content_hash == record.content_hash

    page = client.get(response["Location"]).content.decode()
    assert 'id="sign-typed"' not in page  # nothing left to sign
    assert f"/records/{record.pk}/pdf/" in page
    # The token carries a timestamp (signing.dumps): read the link back rather than rebuild it a second later.
    token = re.search(r'/verify/record/([^/"]+)/', page).group(1)
    assert qrtokens.read_record_token(token) == (record.pk, record.content_hash)


def test_typed_signing_without_the_confirmation_is_refused_on_the_page(client, record, signer):
    client.force_login(signer)
    response = client.post(f"/enterprise/records/{record.pk}/sign/", {"method": "typed", "typed_name": "邹德志"})
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert not Signature.objects.exists()


def test_the_enterprise_signs_with_a_drawn_signature(client, record, signer, settings):
    client.force_login(signer)
    response = client.post(
        f"/enterprise/records/{record.pk}/sign/",
        {"method": "drawn", "typed_name": "邹德志", "signature_data": drawn_png_data_url()},
    )
    assert response.status_code == 302
    signature = Signature.objects.get(record=record)
    assert signature.method == "drawn" and signature.image_path.startswith("signatures/")
    stored = Path(settings.MEDIA_ROOT) / signature.image_path
    assert Image.open(stored).format == "PNG"
    page = client.get(f"/enterprise/records/{record.pk}/").content.decode()
    assert 'class="signature-image" src="data:image/png;base64,' in page


@pytest.mark.parametrize(
    "data",
    [
        "",  # nothing drawn
        "data:image/png;base64,not base64!",
        "data:image/png;base64," + base64.b64encode(b"GIF89a not a png").decode(),
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode(),  # broken PNG
        "data:image/png;base64," + "A" * 800_000,  # over the size limit, refused before decoding
    ],
)
def test_a_drawn_signature_that_is_not_a_small_png_is_refused(client, record, signer, settings, data):
    client.force_login(signer)
    response = client.post(f"/enterprise/records/{record.pk}/sign/", {"method": "drawn", "signature_data": data})
    assert response.status_code == 400
    assert not Signature.objects.exists()
    assert InspectionRecord.objects.get(pk=record.pk).status == "final"
    assert not list(Path(settings.MEDIA_ROOT).glob("signatures/*"))


def test_the_enterprise_refuses_with_a_written_objection(client, record, signer):
    client.force_login(signer)
    assert client.post(f"/enterprise/records/{record.pk}/refuse/", {"objection": "  "}).status_code == 400
    response = client.post(f"/enterprise/records/{record.pk}/refuse/", {"objection": "检查人员未出示执法证"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "refused" and record.signature.objection == "检查人员未出示执法证"
    assert "检查人员未出示执法证" in client.get(f"/enterprise/records/{record.pk}/").content.decode()
    # A refused record cannot then be signed.
    again = client.post(
        f"/enterprise/records/{record.pk}/sign/", {"method": "typed", "typed_name": "x", "confirmed": "on"}
    )
    assert again.status_code == 400 and Signature.objects.count() == 1


def test_the_records_list_puts_records_to_sign_first_in_a_fixed_number_of_queries(
    client, record, signer, django_assert_max_num_queries
):
    client.force_login(signer)
    with django_assert_max_num_queries(8):
        page = client.get("/enterprise/records/").content.decode()
    assert f"/enterprise/records/{record.pk}/#sign" in page


# -- findings and evidence -----------------------------------------------------------------------------------


def test_the_enterprise_submits_evidence_with_a_photo(client, record, signer):
    finding = Finding.objects.get()
    client.force_login(signer)
    page = client.get("/enterprise/findings/").content.decode()
    assert "废气收集设施未运行" in page and f"/enterprise/findings/{finding.pk}/rectify/" in page
    response = client.post(
        f"/enterprise/findings/{finding.pk}/rectify/",
        {"note": "已修复废气收集设施并恢复运行", "photos": [upload(jpeg_with_gps()), upload(jpeg_with_gps((40, 40)))]},
    )
    assert response.status_code == 302 and response["Location"] == "/enterprise/findings/"
    rectification = Rectification.objects.get()
    assert rectification.photos.count() == 2 and Finding.objects.get().status == "submitted"
    page = client.get("/enterprise/findings/").content.decode()
    assert "已修复废气收集设施并恢复运行" in page
    assert f"/api/v1/photos/{rectification.photos.first().pk}/" in page
    assert f"/enterprise/findings/{finding.pk}/rectify/" not in page  # awaiting the agency now


def test_evidence_without_a_note_or_with_a_bad_file_is_refused_and_nothing_is_written(client, record, signer):
    finding = Finding.objects.get()
    client.force_login(signer)
    assert client.post(f"/enterprise/findings/{finding.pk}/rectify/", {"note": ""}).status_code == 400
    response = client.post(
        f"/enterprise/findings/{finding.pk}/rectify/",
        {"note": "已整改", "photos": [upload(b"MZ\x90\x00 executable", name="x.jpg")]},
    )
    assert response.status_code == 400
    assert not Rectification.objects.exists() and not Photo.objects.filter(rectification__isnull=False).exists()
    assert Finding.objects.get().status == "open"


def test_the_findings_page_shows_returned_reasons_and_overdue_deadlines(client, city, record, signer):
    finding = Finding.objects.get()
    rectification = Rectification.objects.create(
        finding=finding, submitted_by=signer, note="已整改", status="returned", review_reason="请补充运行记录照片"
    )
    Finding.objects.filter(pk=finding.pk).update(status="returned")
    with freeze(dt.datetime.combine(finding.deadline + dt.timedelta(days=1), dt.time(9), tzinfo=SHANGHAI)):
        client.force_login(signer)  # a session opened on the visit day would have expired by then
        page = client.get("/enterprise/findings/").content.decode()
    assert rectification.review_reason in page
    assert "finding overdue" in page.replace("finding-returned overdue", "finding overdue")
    assert f"/enterprise/findings/{finding.pk}/rectify/" in page  # returned: may submit again


def test_the_findings_page_does_not_grow_in_queries_with_findings(client, city, record, signer):
    finding = Finding.objects.get()

    def with_evidence(f, n):
        rectification = Rectification.objects.create(finding=f, submitted_by=signer, note="已整改")
        Photo.objects.create(
            rectification=rectification,
            path=f"evidence/{n}.jpg",
            content_type="image/jpeg",
            width=1,
            height=1,
            size=1,
            sha256="0",
            uploaded_by=signer,
        )

    with_evidence(finding, 0)
    client.force_login(signer)
    with CaptureQueriesContext(connection) as one:
        client.get("/enterprise/findings/")
    for n in range(1, 4):
        extra = Finding.objects.create(
            record=record,
            item=finding.item,
            enterprise_id=finding.enterprise_id,
            matter_id=finding.matter_id,
            agency=city.ecology,
            description=f"问题{n}",
            severity="minor",
            deadline=finding.deadline,
        )
        with_evidence(extra, n)
    with CaptureQueriesContext(connection) as four:
        page = client.get("/enterprise/findings/").content.decode()
    assert "问题3" in page
    assert len(four) == len(one)


# -- history, QR code, notice --------------------------------------------------------------------------------


def test_the_history_shows_past_visits_with_agencies_record_and_findings(client, city, record, signer):
    client.force_login(signer)
    # The visit is today and its record is final: it is history already, not after midnight (issue 12).
    assert "废气收集设施未运行" in client.get("/enterprise/history/").content.decode()
    with freeze(dt.datetime(2026, 6, 20, 9, 0, tzinfo=SHANGHAI)):
        page = client.get("/enterprise/history/").content.decode()
    assert "2026-06-09" in page and city.market.name in page and city.ecology.name in page
    assert "废气收集设施未运行" in page and f"/enterprise/records/{record.pk}/" in page


def test_the_licence_qr_page_carries_the_enterprises_own_token(client, city, signer):
    client.force_login(signer)
    page = client.get("/enterprise/qr/").content.decode()
    assert "<svg" in page and city.enterprise.name in page and city.enterprise.uscc in page
    token = page.split('<p class="token"><code class="small">', 1)[1].split("<", 1)[0]
    assert qrtokens.read_enterprise_token(token) == city.enterprise.uscc


def test_a_fixed_visit_shows_its_inspection_code_and_notice(client, city, visit, signer, settings):
    settings.SITE_URL = "https://jc.yantai.example"
    client.force_login(signer)
    # The code is signed with a timestamp: the clock stands still so page and test sign in the same second.
    with time_machine.travel(timezone.now(), tick=False):
        page = client.get(f"/enterprise/visits/{visit.pk}/").content.decode()
        assert f"https://jc.yantai.example/verify/inspection/{qrtokens.task_token(visit.pk)}/" in page
    assert "<svg" in page and f"/enterprise/visits/{visit.pk}/notice.pdf" in page
    response = client.get(f"/enterprise/visits/{visit.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_a_visit_not_yet_fixed_has_no_code_and_no_notice(client, city, visit, signer):
    plan = plan_file(
        actor=city.emergency_officer,
        enterprise=city.enterprise,
        matters=[city.emergency_matter],
        window_start=dt.date(2026, 6, 22),
        window_end=dt.date(2026, 6, 26),
    )
    task = JointTask.objects.get(pk=plan.joint_task_id)
    assert not task.fixed
    client.force_login(signer)
    page = client.get(f"/enterprise/visits/{task.pk}/").content.decode()
    assert "<svg" not in page and "notice.pdf" not in page
    assert client.get(f"/enterprise/visits/{task.pk}/notice.pdf").status_code == 404


# -- who may open what ---------------------------------------------------------------------------------------

ENTERPRISE_PAGES = ["/enterprise/qr/", "/enterprise/records/", "/enterprise/findings/", "/enterprise/history/"]


def object_pages(record, finding, visit):
    return {
        "get": [
            f"/enterprise/records/{record.pk}/",
            f"/enterprise/visits/{visit.pk}/",
            f"/enterprise/visits/{visit.pk}/notice.pdf",
        ],
        "post": [
            (f"/enterprise/records/{record.pk}/sign/", {"method": "typed", "typed_name": "x", "confirmed": "on"}),
            (f"/enterprise/records/{record.pk}/refuse/", {"objection": "x"}),
            (f"/enterprise/findings/{finding.pk}/rectify/", {"note": "x"}),
        ],
    }


def test_another_enterprise_gets_404_on_every_object_page(client, city, visit, record):
    finding = Finding.objects.get()
    client.force_login(enterprise_user(EnterpriseFactory()))
    pages = object_pages(record, finding, visit)
    for url in pages["get"]:
        assert client.get(url).status_code == 404, url
    for url, data in pages["post"]:
        assert client.post(url, data).status_code == 404, url
    for url in ENTERPRISE_PAGES[1:]:
        page = client.get(url).content.decode()
        assert "废气收集设施未运行" not in page and city.enterprise.name not in page, url
    assert not Signature.objects.exists() and not Rectification.objects.exists()


def test_officers_justice_and_admins_are_refused_and_anonymous_users_sent_to_login(client, city, visit, record):
    finding = Finding.objects.get()
    pages = object_pages(record, finding, visit)
    for user in (city.market_officer, JusticeUserFactory(agency=city.justice_bureau), AdminUserFactory()):
        client.force_login(user)
        for url in ENTERPRISE_PAGES + pages["get"]:
            assert client.get(url).status_code == 403, (user, url)
        for url, data in pages["post"]:
            assert client.post(url, data).status_code == 403, (user, url)
    client.logout()
    for url in ENTERPRISE_PAGES + pages["get"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url, data in pages["post"]:
        assert client.post(url, data)["Location"].startswith("/login/"), url
    assert not Signature.objects.exists()


def test_the_justice_bureau_reads_a_refused_record(client, city, record, signer):
    client.force_login(signer)
    client.post(f"/enterprise/records/{record.pk}/refuse/", {"objection": "检查人员未出示执法证"})
    assert client.get(f"/justice/records/{record.pk}/").status_code == 403
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    page = client.get(f"/justice/records/{record.pk}/").content.decode()
    assert "检查人员未出示执法证" in page and "废气收集设施未运行" in page
    client.force_login(city.market_officer)
    assert client.get(f"/justice/records/{record.pk}/").status_code == 403


# -- public verification -------------------------------------------------------------------------------------


def test_the_inspection_code_shows_a_registered_visit_to_anyone(client, city, visit):
    response = client.get(f"/verify/inspection/{qrtokens.task_token(visit.pk)}/")
    assert response.status_code == 200 and verdict(response) == "registered"
    page = response.content.decode()
    assert city.enterprise.name in page
    assert city.market_officer.certificate_number in page and city.ecology_officer.certificate_number in page
    assert 'class="mainnav"' not in page  # no portal navigation for anonymous visitors
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("make_token", [lambda pk: "forged-code", lambda pk: qrtokens.record_token(pk, "0" * 64)])
def test_a_forged_or_foreign_inspection_code_is_shown_as_not_registered(client, city, visit, make_token):
    response = client.get(f"/verify/inspection/{make_token(visit.pk)}/")
    assert response.status_code == 200 and verdict(response) == "not-registered"
    assert city.enterprise.name not in response.content.decode()


def test_a_cancelled_visit_is_not_registered_any_more(client, visit):
    JointTask.objects.filter(pk=visit.pk).update(status=JointTask.Status.CANCELLED)
    assert verdict(client.get(f"/verify/inspection/{qrtokens.task_token(visit.pk)}/")) == "not-registered"


def test_the_record_code_shows_unchanged_then_altered_after_a_database_edit(client, city, record, signer):
    client.force_login(signer)
    client.post(
        f"/enterprise/records/{record.pk}/sign/", {"method": "typed", "typed_name": "邹德志", "confirmed": "on"}
    )
    client.logout()
    url = f"/verify/record/{qrtokens.record_token(record.pk, record.content_hash)}/"
    response = client.get(url)
    assert response.status_code == 200 and verdict(response) == "unchanged"
    page = response.content.decode()
    assert city.enterprise.name in page and "邹德志" in page and record.content_hash in page
    assert "废气收集设施未运行" not in page  # the public page shows no findings

    with connection.cursor() as cursor:
        cursor.execute("UPDATE inspections_recorditem SET note = '无问题' WHERE record_id = %s", [record.pk])
    response = client.get(url)
    assert verdict(response) == "altered"
    page = response.content.decode()
    assert 'data-hash="current"' in page and page.count("hash-row differs") == 1


def test_a_forged_record_code_is_not_a_platform_record(client, record):
    assert verdict(client.get("/verify/record/forged/")) == "not-a-record"
    foreign = qrtokens.task_token(record.task_id)  # a valid token of another kind
    assert verdict(client.get(f"/verify/record/{foreign}/")) == "not-a-record"


def test_the_history_exports_as_csv_for_its_own_enterprise_only(client, city, record, signer):
    client.force_login(signer)
    response = client.get("/enterprise/history/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "废气收集设施未运行" in text and city.market.name in text
    client.force_login(enterprise_user(EnterpriseFactory()))
    text = b"".join(client.get("/enterprise/history/export.csv").streaming_content).decode("utf-8-sig")
    assert "废气收集设施未运行" not in text
    client.force_login(city.market_officer)
    assert client.get("/enterprise/history/export.csv").status_code == 403


def _more_records(visit, n):
    """``n`` more finalised records of the enterprise, each on a copy of ``visit`` (for query pins)."""
    for k in range(n):
        task = JointTask.objects.get(pk=visit.pk)
        task.pk = None
        task.visit_date = visit.visit_date - dt.timedelta(days=k + 1)
        task.save()
        InspectionRecord.objects.create(task=task, status=InspectionRecord.Status.FINAL, finalised_at=timezone.now())


def _more_findings(record, n):
    first = record.findings.first()
    for k in range(n):
        Finding.objects.create(record=record, item=first.item, enterprise_id=first.enterprise_id,
                               matter_id=first.matter_id, agency=first.agency, description=f"问题{k}",
                               severity="minor", deadline=first.deadline)


def _csv(response) -> str:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_records_and_problems_export_as_csv_in_a_fixed_number_of_queries(client, city, visit, record, signer):
    client.force_login(signer)
    assert "/enterprise/records/export.csv" in client.get("/enterprise/records/").content.decode()
    assert "/enterprise/findings/export.csv" in client.get("/enterprise/findings/").content.decode()
    with CaptureQueriesContext(connection) as one_record:
        text = _csv(client.get("/enterprise/records/export.csv"))
    assert f"{record.pk}," in text and city.market.name in text
    with CaptureQueriesContext(connection) as one_finding:
        text = _csv(client.get("/enterprise/findings/export.csv"))
    assert "废气收集设施未运行" in text and city.ecology.name in text
    _more_records(visit, 4)
    _more_findings(record, 4)
    with CaptureQueriesContext(connection) as five_records:
        assert _csv(client.get("/enterprise/records/export.csv")).count("\n") == 6
    with CaptureQueriesContext(connection) as five_findings:
        assert "问题3" in _csv(client.get("/enterprise/findings/export.csv"))
    assert len(one_record) == len(five_records)
    assert len(one_finding) == len(five_findings)


@pytest.mark.parametrize("path", ["/enterprise/records/export.csv", "/enterprise/findings/export.csv"])
def test_the_records_and_problems_exports_are_the_enterprise_s_own(client, city, record, path):
    client.force_login(enterprise_user(EnterpriseFactory()))
    text = _csv(client.get(path))
    assert "废气收集设施未运行" not in text and text.count("\n") == 1  # the header only
    client.force_login(city.market_officer)
    assert client.get(path).status_code == 403
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert client.get(path).status_code == 403
    client.logout()
    assert client.get(path).status_code == 302
