import datetime as dt
import io
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image
from rest_framework.test import APIClient

from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections import qrtokens
from inspections.models import Finding, InspectionRecord, Photo, RecordItem, Signature
from inspections.selectors import record_verify
from inspections.services import (
    check_in,
    finding_add,
    photo_add,
    record_finalise,
    record_item_set,
    record_refuse,
    record_sign,
)
from yantai_inspect.errors import DomainError

from .conftest import jpeg_with_gps, upload

pytestmark = pytest.mark.django_db


def both_in(city, visit):
    for officer in (city.market_officer, city.ecology_officer):
        check_in(actor=officer, task=visit, token=qrtokens.enterprise_token(city.enterprise.uscc))
    return InspectionRecord.objects.get(task=visit)


def item_of(record, matter):
    return record.items.get(matter=matter)


def finalised(city, visit):
    record = both_in(city, visit)
    record_item_set(actor=city.market_officer, item=item_of(record, city.market_matter), result="compliant")
    bad = record_item_set(
        actor=city.ecology_officer,
        item=item_of(record, city.ecology_matter),
        result="non_compliant",
        note="废气收集设施未运行",
    )
    finding_add(
        actor=city.ecology_officer,
        item=bad,
        description="废气收集设施未运行",
        severity="minor",
        deadline=visit.visit_date + dt.timedelta(days=15),
    )
    return record_finalise(actor=city.market_officer, record=record, summary="企业配合检查")


def test_the_record_cannot_be_filled_with_one_officer_checked_in(city, visit):
    check_in(actor=city.market_officer, task=visit, token=qrtokens.enterprise_token(city.enterprise.uscc))
    assert not InspectionRecord.objects.exists()
    # Even a record opened by other means refuses changes until two officers are in.
    record = InspectionRecord.objects.create(task=visit)
    item = RecordItem.objects.create(record=record, matter=city.market_matter)
    with pytest.raises(DomainError) as exc:
        record_item_set(actor=city.market_officer, item=item, result="compliant")
    assert "two" in str(exc.value.message) or "两名" in str(exc.value.message)


def test_a_photo_is_stored_without_its_exif_location(city, visit, settings):
    record = both_in(city, visit)
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture really has GPS
    photo = photo_add(actor=city.market_officer, item=item_of(record, city.market_matter), upload=upload(original))
    stored = Path(settings.MEDIA_ROOT) / photo.path
    assert stored.exists() and len(Path(photo.path).name) > 30  # unguessable name
    exif = Image.open(stored).getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0110 not in exif
    assert b"PhoneModel" not in stored.read_bytes()


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(city, visit, settings):
    record = both_in(city, visit)
    with pytest.raises(DomainError):
        photo_add(
            actor=city.market_officer,
            item=item_of(record, city.market_matter),
            upload=upload(b"%PDF-1.4 not an image at all", name="photo.jpg"),
        )
    assert not Photo.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(city, visit, settings):
    record = both_in(city, visit)
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(DomainError):
        photo_add(
            actor=city.market_officer,
            item=item_of(record, city.market_matter),
            upload=upload(jpeg_with_gps((400, 400))),
        )
    assert not Photo.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_finalising_needs_every_matter_checked_and_a_finding_for_each_problem(city, visit):
    record = both_in(city, visit)
    with pytest.raises(DomainError):
        record_finalise(actor=city.market_officer, record=record)
    record_item_set(actor=city.market_officer, item=item_of(record, city.market_matter), result="compliant")
    record_item_set(actor=city.ecology_officer, item=item_of(record, city.ecology_matter), result="non_compliant")
    with pytest.raises(DomainError):
        record_finalise(actor=city.market_officer, record=record)


def test_a_finalised_record_cannot_be_changed_through_the_services(city, visit):
    record = finalised(city, visit)
    assert record.status == "final" and len(record.content_hash) == 64
    with pytest.raises(DomainError):
        record_item_set(actor=city.market_officer, item=item_of(record, city.market_matter), result="non_compliant")
    with pytest.raises(DomainError):
        photo_add(actor=city.market_officer, item=item_of(record, city.market_matter), upload=upload(jpeg_with_gps()))


def test_the_enterprise_signs_the_hash_and_the_record_verifies(city, visit):
    record = finalised(city, visit)
    signer = enterprise_user(city.enterprise)
    signature = record_sign(actor=signer, record=record, method="typed", typed_name="邹德志", confirmed=True)
    assert signature.content_hash == record.content_hash
    verification = record_verify(record_id=record.pk, token_hash=record.content_hash)
    assert verification["unchanged"] is True and verification["seal_ok"] is True
    with pytest.raises(DomainError):
        record_sign(actor=signer, record=record, method="typed", typed_name="邹德志", confirmed=True)


def test_typed_signing_needs_a_confirmation(city, visit):
    record = finalised(city, visit)
    with pytest.raises(DomainError) as exc:
        record_sign(actor=enterprise_user(city.enterprise), record=record, method="typed", typed_name="邹德志")
    assert exc.value.field == "confirmed"
    assert not Signature.objects.exists()


def test_another_enterprise_cannot_sign(city, visit):
    record = finalised(city, visit)
    with pytest.raises(DomainError):
        record_sign(
            actor=enterprise_user(EnterpriseFactory()), record=record, method="typed", typed_name="x", confirmed=True
        )


def test_the_enterprise_may_refuse_with_an_objection(city, visit):
    record = finalised(city, visit)
    with pytest.raises(DomainError):
        record_refuse(actor=enterprise_user(city.enterprise), record=record, objection=" ")
    record_refuse(actor=enterprise_user(city.enterprise), record=record, objection="检查人员未出示执法证")
    record.refresh_from_db()
    assert record.status == "refused" and record.signature.objection == "检查人员未出示执法证"


def test_the_hash_check_fails_when_the_database_is_altered_behind_the_platforms_back(city, visit):
    record = finalised(city, visit)
    record_sign(
        actor=enterprise_user(city.enterprise), record=record, method="typed", typed_name="邹德志", confirmed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inspections_recorditem SET result = 'compliant' WHERE record_id = %s", [record.pk])
        cursor.execute("UPDATE inspections_finding SET description = '无问题' WHERE record_id = %s", [record.pk])
    verification = record_verify(record_id=record.pk, token_hash=record.content_hash)
    assert verification["unchanged"] is False
    assert verification["current_hash"] != verification["finalised_hash"]


def test_an_edited_signature_row_breaks_its_seal(city, visit):
    record = finalised(city, visit)
    record_sign(
        actor=enterprise_user(city.enterprise), record=record, method="typed", typed_name="邹德志", confirmed=True
    )
    Signature.objects.filter(record=record).update(signed_at=visit.visit_date.isoformat() + "T00:00:00Z")
    assert record_verify(record_id=record.pk)["seal_ok"] is False


def test_a_signed_record_cannot_be_changed_through_the_api(city, visit):
    record = finalised(city, visit)
    record_sign(
        actor=enterprise_user(city.enterprise), record=record, method="typed", typed_name="邹德志", confirmed=True
    )
    api = APIClient()
    api.force_authenticate(city.market_officer)
    item = item_of(record, city.market_matter)
    response = api.patch(f"/api/v1/record-items/{item.pk}/", {"result": "non_compliant"}, format="json")
    assert response.status_code == 400
    assert RecordItem.objects.get(pk=item.pk).result == "compliant"


def test_a_signed_record_cannot_be_changed_in_the_admin(city, visit, client):
    from accounts.tests.factories import AdminUserFactory

    record = finalised(city, visit)
    client.force_login(AdminUserFactory())
    item = item_of(record, city.market_matter)
    response = client.post(f"/admin/inspections/recorditem/{item.pk}/change/", {"result": "non_compliant"})
    assert response.status_code == 403
    assert client.post(f"/admin/inspections/inspectionrecord/{record.pk}/delete/").status_code == 403
    assert RecordItem.objects.get(pk=item.pk).result == "compliant"


def test_another_enterprise_reads_none_of_the_records_findings_or_photos(city, visit):
    record = finalised(city, visit)
    photo = Photo.objects.create(
        item=item_of(record, city.market_matter),
        path="records/x.jpg",
        content_type="image/jpeg",
        width=1,
        height=1,
        size=1,
        sha256="0",
        uploaded_by=city.market_officer,
    )
    api = APIClient()
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    assert api.get(f"/api/v1/records/{record.pk}/").status_code == 404
    assert api.get(f"/api/v1/joint-tasks/{visit.pk}/record/").status_code == 404
    assert api.get(f"/api/v1/photos/{photo.pk}/").status_code == 404
    assert api.get("/api/v1/findings/").json() == []
    assert api.get(f"/api/v1/records/{record.pk}/pdf/").status_code == 404
    api.force_authenticate(None)
    assert api.get(f"/api/v1/records/{record.pk}/").status_code == 401
    api.force_authenticate(enterprise_user(city.enterprise))
    assert api.get(f"/api/v1/records/{record.pk}/").status_code == 200
    assert len(api.get("/api/v1/findings/").json()) == 1


def test_findings_appear_in_the_first_inspection_view_of_later_filers(city, visit):
    from plans.selectors import earlier_records

    finalised(city, visit)
    records = earlier_records(enterprise_id=city.enterprise.pk, today=visit.visit_date + dt.timedelta(days=10))
    assert records[0]["findings"][0]["description"] == "废气收集设施未运行"
    assert Finding.objects.get().status == "open"


def test_the_record_list_shows_each_reader_its_own(city, visit):
    record = finalised(city, visit)
    api = APIClient()
    api.force_authenticate(enterprise_user(city.enterprise))
    data = api.get("/api/v1/records/", {"status": "final"}).json()["results"]
    assert [r["id"] for r in data] == [record.pk]
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    assert api.get("/api/v1/records/").json()["results"] == []
    api.force_authenticate(city.ecology_officer)
    assert len(api.get("/api/v1/records/").json()["results"]) == 1
