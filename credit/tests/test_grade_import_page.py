"""The grade import from the portal and the API (credit.grade_imports): the city justice bureau or an
administrator uploads, a background task runs the one import service, the page shows the progress and the bad
rows by line, a rerun changes nothing twice, a crash midway is completed by a rerun."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.tests.factories import (
    AdminUserFactory,
    JusticeBureauFactory,
    JusticeUserFactory,
    OfficerFactory,
)
from audit.models import AuditEntry
from credit import importing
from credit.grade_imports import grade_import_rerun, grade_import_run, grade_import_start
from credit.importing import GRADE_COLUMNS
from credit.models import CreditGrade, CreditGradeImport, CreditProfile, WhitelistEntry
from credit.services import credit_profile_set
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from outbox.models import OutboxMessage
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db
HEADER = ",".join(GRADE_COLUMNS)
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
S = CreditGradeImport.Status


@pytest.fixture(autouse=True)
def _frozen_english():
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions name the texts in English


@pytest.fixture
def city_justice():
    return JusticeUserFactory(agency=JusticeBureauFactory(division="370600"))


def csv_upload(*lines: str, name="grades.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(), content_type="text/csv")


@pytest.fixture
def firms():
    return EnterpriseFactory.create_batch(5)


def good_and_bad(firms):
    a, b, c, d, e = (f.uscc for f in firms)
    return (
        HEADER,
        f"{a},A,credit_china_sd,2026-01-01,",
        f"{b},E,credit_china_sd,2026-01-01,",  # line 3: no such grade
        f"{c},B,market_classification,2026-01-01,2026-12-31",
        f"{d},C,rumour,2026-01-01,",  # line 5: no such source
        f"{e},D,credit_china_sd,2026-02-01,",
    )


def test_an_upload_is_queued_with_its_audit_entry_and_the_task_runs_the_import(city_justice, firms,
                                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = grade_import_start(actor=city_justice, upload=csv_upload(*good_and_bad(firms)))
    assert (job.status, job.total_lines, job.file_name) == (S.QUEUED, 5, "grades.csv")
    assert AuditEntry.objects.filter(action="credit_grade_import.start", object_id=str(job.pk)).exists()
    message = OutboxMessage.objects.get(handler="credit.grade_import_run")
    assert message.payload == {"import_id": job.pk} and len(callbacks) == 1

    assert grade_import_run(import_id=job.pk) is True
    assert grade_import_run(import_id=job.pk) is False  # claimed once: a second delivery runs nothing
    job.refresh_from_db()
    assert (job.status, job.runs, job.created, job.bad, job.done_lines, job.percent) == (S.DONE, 1, 3, 2, 5, 100)
    assert [row[0] for row in job.bad_rows] == [3, 5]
    assert "grade E" in job.bad_rows[0][2] and "source must be one of" in job.bad_rows[1][2]
    assert CreditGrade.objects.count() == 3
    assert CreditProfile.objects.get(enterprise=firms[0]).grade == "A"
    assert AuditEntry.objects.filter(action="credit_grade_import.finish").count() == 1
    assert AuditEntry.objects.filter(action="credit_grade.import_batch").count() == 1


def test_a_rerun_changes_nothing_and_the_whitelist_ends_when_the_grade_falls(city_justice, firms):
    listed = firms[0]
    credit_profile_set(actor=None, enterprise=listed, grade="A", whitelisted=True)
    job = grade_import_start(actor=city_justice,
                             upload=csv_upload(HEADER, f"{listed.uscc},C,credit_china_sd,2026-06-01,"))
    grade_import_run(import_id=job.pk)
    entry = WhitelistEntry.objects.get(enterprise=listed)
    assert (entry.status, entry.end_kind) == ("ended", "grade_fell")

    job.refresh_from_db()
    grade_import_rerun(actor=city_justice, job=job)
    grade_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.runs, job.created, job.unchanged) == (S.DONE, 2, 0, 1)
    assert CreditGrade.objects.filter(source="credit_china_sd").count() == 1
    assert AuditEntry.objects.filter(action="credit_grade_import.rerun").count() == 1


def test_a_queued_import_is_not_queued_twice(city_justice):
    job = grade_import_start(actor=city_justice, upload=csv_upload(HEADER))
    with pytest.raises(DomainError, match="still queued"):
        grade_import_rerun(actor=city_justice, job=job)
    assert OutboxMessage.objects.filter(handler="credit.grade_import_run").count() == 1


def test_a_file_with_a_wrong_header_fails_with_the_reason(city_justice):
    job = grade_import_start(actor=city_justice, upload=csv_upload("uscc,name", "x,y"))
    grade_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == S.FAILED and "Line 1 must be the header" in job.error


def test_a_crash_midway_keeps_the_written_batches_and_a_rerun_completes_them(city_justice, monkeypatch):
    firms = EnterpriseFactory.create_batch(6)
    lines = [HEADER, *(f"{f.uscc},B,credit_china_sd,2026-01-01," for f in firms)]
    job = grade_import_start(actor=city_justice, upload=csv_upload(*lines))
    real_write, calls = importing._grade_batch_write, []

    def crash_on_the_second_batch(batch, **kwargs):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return real_write(batch, **kwargs)

    monkeypatch.setattr(importing, "_grade_batch_write", crash_on_the_second_batch)
    monkeypatch.setattr("credit.grade_imports.credit_grades_import",
                        lambda **kw: importing.credit_grades_import(**kw, batch_size=2))
    grade_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert job.status == S.FAILED and "run it again" in job.error
    assert CreditGrade.objects.count() == 2  # the first batch stays, committed with its audit entry

    monkeypatch.setattr(importing, "_grade_batch_write", real_write)
    grade_import_rerun(actor=city_justice, job=job)
    grade_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created, job.unchanged) == (S.DONE, 4, 2)
    assert CreditGrade.objects.count() == 6


def test_a_run_whose_worker_died_is_taken_back_after_a_while(city_justice, firms):
    job = grade_import_start(actor=city_justice, upload=csv_upload(HEADER))
    CreditGradeImport.objects.filter(pk=job.pk).update(status=S.RUNNING, started_at=NOW)
    with pytest.raises(DomainError):
        grade_import_rerun(actor=city_justice, job=job)
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        assert grade_import_rerun(actor=city_justice, job=job).status == S.QUEUED


def test_the_same_service_as_the_command(city_justice, firms, tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("\n".join(good_and_bad(firms)) + "\n", encoding="utf-8")
    call_command("import_credit_grades", str(path), "--no-progress")
    job = grade_import_start(actor=city_justice, upload=csv_upload(*good_and_bad(firms)))
    grade_import_run(import_id=job.pk)
    job.refresh_from_db()
    assert (job.created, job.unchanged, job.bad) == (0, 3, 2)  # the page's run found the command's rows


@pytest.mark.parametrize("who", ["district_justice", "officer", "enterprise"])
def test_others_are_refused_and_nothing_is_stored(client, who):
    user = {
        "district_justice": lambda: JusticeUserFactory(agency=JusticeBureauFactory(division="370611")),
        "officer": OfficerFactory,
        "enterprise": enterprise_user,
    }[who]()
    client.force_login(user)
    assert client.get(reverse("credit-grade-imports")).status_code == 403
    response = client.post(reverse("credit-grade-imports"), {"file": csv_upload(HEADER)})
    assert response.status_code == 403
    assert not CreditGradeImport.objects.exists()
    api = APIClient()
    api.force_authenticate(user)
    assert api.post(reverse("api-credit-grade-imports"), {"file": csv_upload(HEADER)}).status_code == 403
    assert not CreditGradeImport.objects.exists()


@pytest.mark.parametrize("who", ["city_justice", "admin"])
def test_the_page_uploads_shows_progress_and_the_bad_rows(client, city_justice, firms, who):
    user = city_justice if who == "city_justice" else AdminUserFactory()
    client.force_login(user)
    assert client.get(reverse("credit-grade-imports")).status_code == 200
    response = client.post(reverse("credit-grade-imports"), {"file": csv_upload(*good_and_bad(firms))})
    job = CreditGradeImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("credit-grade-import", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and "0%" in page

    CreditGradeImport.objects.filter(pk=job.pk).update(status=S.RUNNING, done_lines=2)
    status = client.get(reverse("api-credit-grade-import", args=[job.pk])).json()
    assert (status["status"], status["percent"]) == ("running", 40)

    CreditGradeImport.objects.filter(pk=job.pk).update(status=S.QUEUED, done_lines=0)
    grade_import_run(import_id=job.pk)
    page = client.get(reverse("credit-grade-import", args=[job.pk])).content.decode()
    assert "3 created, 0 updated, 0 unchanged, 2 bad rows." in page and "grade E" in page
    bad = b"".join(client.get(reverse("credit-grade-import-bad-rows", args=[job.pk])).streaming_content).decode()
    assert bad.splitlines()[1].startswith("3,")
    listing = b"".join(client.get(reverse("credit-grade-imports-export")).streaming_content).decode()
    assert "grades.csv" in listing
    assert client.post(reverse("credit-grade-import-rerun", args=[job.pk])).status_code == 302
    assert CreditGradeImport.objects.get(pk=job.pk).status == S.QUEUED


def test_an_empty_upload_is_answered_on_the_form(client, city_justice):
    client.force_login(city_justice)
    response = client.post(reverse("credit-grade-imports"), {})
    assert response.status_code == 200 and "Choose a CSV file" in response.content.decode()
    assert not CreditGradeImport.objects.exists()


@pytest.mark.parametrize("n", [1, 6])
def test_the_imports_list_and_its_api_run_a_fixed_number_of_queries(client, city_justice, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _n in range(n):
        grade_import_start(actor=city_justice, upload=csv_upload(HEADER))
    client.force_login(city_justice)
    api = APIClient()
    api.force_authenticate(city_justice)
    counts = []
    for call in (lambda: client.get(reverse("credit-grade-imports")),
                 lambda: api.get(reverse("api-credit-grade-imports"))):
        with CaptureQueriesContext(connection) as queries:
            assert call().status_code == 200
        counts.append(len(queries))
    # the same at 1 and 6 imports: one query for the page of imports with their uploaders, the rest the
    # session, the user with its agency (accounts.backends: one query), the importer check and the navigation
    assert counts == [5, 2], [q["sql"][:90] for q in queries]
