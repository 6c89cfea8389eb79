import datetime as dt

import pytest
from rest_framework.test import APIClient

from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections import qrtokens
from inspections.models import Finding, Photo, Rectification
from inspections.services import finding_schedule_recheck, findings_overdue_check
from notifications.models import Notification
from plans.tests.conftest import SHANGHAI, freeze
from yantai_inspect.errors import DomainError

from .conftest import jpeg_with_gps, upload
from .test_record import finalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_minor_finding_is_fixed_with_evidence_and_accepted_online(city, visit, api):
    finalised(city, visit)
    finding = Finding.objects.get()
    api.force_authenticate(enterprise_user(city.enterprise))
    response = api.post(
        f"/api/v1/findings/{finding.pk}/rectifications/",
        {"note": "已修复废气收集设施并恢复运行", "photos": [upload(jpeg_with_gps())]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    rectification = Rectification.objects.get()
    assert rectification.photos.count() == 1 and Finding.objects.get().status == "submitted"
    api.force_authenticate(city.market_officer)  # not the responsible agency
    assert api.post(f"/api/v1/rectifications/{rectification.pk}/accept/", {}, format="json").status_code == 404
    api.force_authenticate(city.ecology_officer)
    assert api.post(f"/api/v1/rectifications/{rectification.pk}/accept/", {}, format="json").status_code == 200
    assert Finding.objects.get().status == "accepted"
    assert Notification.objects.filter(enterprise=city.enterprise, dedupe_key__startswith="rectification-accepted")


def test_returned_evidence_carries_a_reason_and_can_be_resubmitted(city, visit, api):
    finalised(city, visit)
    finding = Finding.objects.get()
    api.force_authenticate(enterprise_user(city.enterprise))
    api.post(f"/api/v1/findings/{finding.pk}/rectifications/", {"note": "已整改"}, format="multipart")
    rectification = Rectification.objects.get()
    api.force_authenticate(city.ecology_officer)
    assert api.post(f"/api/v1/rectifications/{rectification.pk}/return/", {}, format="json").status_code == 400
    api.post(f"/api/v1/rectifications/{rectification.pk}/return/", {"reason": "请补充运行记录照片"}, format="json")
    assert Finding.objects.get().status == "returned"
    api.force_authenticate(enterprise_user(city.enterprise))
    again = api.post(f"/api/v1/findings/{finding.pk}/rectifications/", {"note": "补充运行记录"}, format="multipart")
    assert again.status_code == 201


def test_bad_evidence_files_are_refused_and_nothing_is_written(city, visit, api, settings):
    from pathlib import Path

    finalised(city, visit)
    finding = Finding.objects.get()
    api.force_authenticate(enterprise_user(city.enterprise))
    response = api.post(
        f"/api/v1/findings/{finding.pk}/rectifications/",
        {"note": "已整改", "photos": [upload(jpeg_with_gps()), upload(b"MZ\x90\x00 executable")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert not Rectification.objects.exists() and not Photo.objects.filter(rectification__isnull=False).exists()
    assert (
        not list((Path(settings.MEDIA_ROOT) / "evidence").rglob("*.*"))
        if (Path(settings.MEDIA_ROOT) / "evidence").exists()
        else True
    )
    assert Finding.objects.get().status == "open"


def test_another_enterprise_cannot_submit_evidence(city, visit, api):
    finalised(city, visit)
    finding = Finding.objects.get()
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    response = api.post(f"/api/v1/findings/{finding.pk}/rectifications/", {"note": "x"}, format="multipart")
    assert response.status_code == 404


def test_a_serious_finding_gets_a_recheck_plan_through_the_same_rules(city, visit):
    finalised(city, visit)
    finding = Finding.objects.get()
    Finding.objects.filter(pk=finding.pk).update(severity="serious")
    finding.refresh_from_db()
    with pytest.raises(DomainError):  # the 7-day rule applies to the re-check too
        finding_schedule_recheck(
            actor=city.ecology_officer,
            finding=finding,
            window_start=visit.visit_date + dt.timedelta(days=2),
            window_end=visit.visit_date + dt.timedelta(days=3),
        )
    plan = finding_schedule_recheck(
        actor=city.ecology_officer,
        finding=finding,
        window_start=visit.visit_date + dt.timedelta(days=8),
        window_end=visit.visit_date + dt.timedelta(days=12),
    )
    assert plan.status == "filed" and list(plan.matters.all()) == [city.ecology_matter]
    assert Finding.objects.get().status == "recheck"


def test_overdue_rectifications_are_flagged_once_to_agency_and_enterprise(city, visit):
    finalised(city, visit)
    finding = Finding.objects.get()
    assert findings_overdue_check(today=finding.deadline) == 0
    assert findings_overdue_check(today=finding.deadline + dt.timedelta(days=1)) == 1
    assert findings_overdue_check(today=finding.deadline + dt.timedelta(days=2)) == 0
    assert Notification.objects.filter(dedupe_key__startswith=f"finding-overdue:{finding.pk}").count() == 2


def test_the_inspection_code_shows_a_registered_visit_to_anyone(city, visit, api):
    response = api.get(f"/api/v1/verify/inspection/{qrtokens.task_token(visit.pk)}/")
    data = response.json()
    assert response.status_code == 200 and data["registered"] is True
    assert data["enterprise"] == city.enterprise.name
    assert {o["certificate_number"] for o in data["officers"]} == {
        city.market_officer.certificate_number,
        city.ecology_officer.certificate_number,
    }
    forged = api.get("/api/v1/verify/inspection/not-a-real-code/").json()
    assert forged == {"registered": False}


def test_an_enterprise_gets_its_own_qr_token_and_nobody_else_does(city, api):
    api.force_authenticate(enterprise_user(city.enterprise))
    token = api.get("/api/v1/my-enterprise/qr/").json()["token"]
    assert qrtokens.read_enterprise_token(token) == city.enterprise.uscc
    api.force_authenticate(city.market_officer)
    assert api.get("/api/v1/my-enterprise/qr/").status_code == 403


def test_check_in_through_the_api_refuses_officers_of_other_agencies(city, visit, api):
    from accounts.tests.factories import OfficerFactory

    token = qrtokens.enterprise_token(city.enterprise.uscc)
    api.force_authenticate(OfficerFactory(agency=city.emergency))
    assert api.post(f"/api/v1/joint-tasks/{visit.pk}/check-in/", {"token": token}, format="json").status_code == 404
    api.force_authenticate(enterprise_user(city.enterprise))
    assert api.post(f"/api/v1/joint-tasks/{visit.pk}/check-in/", {"token": token}, format="json").status_code == 403
    api.force_authenticate(city.market_officer)
    response = api.post(
        f"/api/v1/joint-tasks/{visit.pk}/check-in/",
        {"token": token, "latitude": "37.53", "longitude": "121.39"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["checked_in"] == 1
    with freeze(dt.datetime(2026, 6, 9, 10, 0, tzinfo=SHANGHAI)):
        bad = api.post(f"/api/v1/joint-tasks/{visit.pk}/check-in/", {"token": "forged"}, format="json")
    assert bad.status_code == 400 and "token" in bad.json()
