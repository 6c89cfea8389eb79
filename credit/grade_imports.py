"""Credit-grade imports from the portal and the API: the city justice bureau or a platform administrator uploads
the CSV, a background task runs it through ``credit.importing.credit_grades_import`` (the one code path, the same
as ``manage.py import_credit_grades``), writing its progress after every batch, and the page shows the progress
bar, the counts and the bad rows by line. Rerunnable: the import itself changes nothing on a second run of the
same file, so a failed or finished import may be run again, and a run whose worker died is taken back after
``STALE_AFTER``."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_justice
from accounts.divisions import CITY_CODE
from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from enterprises.importing import KEPT_BAD_ROWS
from enterprises.importing.csvbatch import data_lines
from outbox.services import outbox_enqueue
from yantai_inspect.errors import DomainError

from .importing import credit_grades_import
from .models import CreditGradeImport

# Large enough for the whole city's grades (930,000 rows of about 60 bytes), small enough for one upload.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
STALE_AFTER = dt.timedelta(minutes=15)
RUN_HANDLER = "credit.grade_import_run"
logger = logging.getLogger(__name__)
ERROR_MAX_CHARS = CreditGradeImport._meta.get_field("error").max_length


def require_grade_importer(user):
    """The grades are the city's lists (信用中国（山东）, the market regulator's classification): the city's
    justice bureau (``justice_bureau_for_division`` of the city) or a platform administrator imports them."""
    if user.is_authenticated and user.is_platform_admin:
        return None
    bureau = require_justice(user)
    if justice_bureau_for_division(CITY_CODE) != bureau:
        raise PermissionDenied(_("Only the city justice bureau or a platform administrator imports credit grades."))
    return bureau


@transaction.atomic
def grade_import_start(*, actor, upload) -> CreditGradeImport:
    """Store the uploaded file and queue its import (on commit). The file is checked only for its size
    here: its header and rows are the import's to judge, and the page shows what it found."""
    require_grade_importer(actor)
    if upload is None or not upload.size:
        raise DomainError(_("Choose a CSV file to upload."), field="file")
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than %(mb)d MB: split it into several files.")
                          % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, field="file")
    name = (upload.name or "grades.csv").replace("\x00", "")[-200:]
    job = CreditGradeImport(uploaded_by=actor, file_name=name, total_lines=data_lines(upload))
    job.file.save(name, upload, save=False)
    job.save()
    audit_record(actor=actor, action="credit_grade_import.start", obj=job,
                 details={"file": name, "bytes": upload.size, "lines": job.total_lines})
    _enqueue(job)
    return job


def _enqueue(job: CreditGradeImport) -> None:
    outbox_enqueue(handler=RUN_HANDLER, payload={"import_id": job.pk}, dedupe_key=f"{RUN_HANDLER}:{job.pk}:{job.runs}")


def grade_import_may_rerun(job: CreditGradeImport, *, now=None) -> bool:
    now = now or timezone.now()
    if job.status in (CreditGradeImport.Status.DONE, CreditGradeImport.Status.FAILED):
        return True
    return job.status == CreditGradeImport.Status.RUNNING and job.started_at is not None \
        and job.started_at < now - STALE_AFTER


@transaction.atomic
def grade_import_rerun(*, actor, job: CreditGradeImport) -> CreditGradeImport:
    """Run the same file again (a finished or failed import, or one whose worker died midway): the rows
    already written are found unchanged, the rest are written."""
    require_grade_importer(actor)
    job = CreditGradeImport.objects.select_for_update().get(pk=job.pk)
    if not grade_import_may_rerun(job):
        raise DomainError(_("This import is still queued or running."))
    previous = job.status
    S = CreditGradeImport.Status
    job.status, job.done_lines, job.error, job.started_at, job.finished_at = S.QUEUED, 0, "", None, None
    job.created = job.updated = job.unchanged = job.bad = 0
    job.bad_rows = []
    job.save()
    audit_record(actor=actor, action="credit_grade_import.rerun", obj=job,
                 details={"file": job.file_name, "previous_status": previous, "run": job.runs + 1})
    _enqueue(job)
    return job


def grade_import_run(*, import_id: int) -> bool:
    """The background task: claim the queued import (a conditional UPDATE, so two workers never both run
    it), run the file through ``credit_grades_import`` batch by batch (each batch commits with its audit
    entry; the progress is written after each), then record the result. Returns whether this call ran it."""
    S = CreditGradeImport.Status
    now = timezone.now()
    claimed = CreditGradeImport.objects.filter(pk=import_id, status=S.QUEUED).update(
        status=S.RUNNING, started_at=now, runs=F("runs") + 1)
    if claimed != 1:
        return False
    job = CreditGradeImport.objects.select_related("uploaded_by").get(pk=import_id)
    kept: list[list] = []

    def on_bad_row(bad) -> None:
        if len(kept) < KEPT_BAD_ROWS:
            kept.append([bad.line, bad.uscc, bad.reason])

    def on_progress(read: int) -> None:
        CreditGradeImport.objects.filter(pk=import_id).update(done_lines=F("done_lines") + read)

    try:
        with job.file.open("rb") as stream:
            result = credit_grades_import(file=stream, source=job.file_name, actor=job.uploaded_by,
                                          on_bad_row=on_bad_row, on_progress=on_progress)
    except DomainError as exc:
        _finish(job, status=S.FAILED, error=str(exc.message)[:ERROR_MAX_CHARS], bad_rows=kept)
        return True
    except Exception:  # logged; the page says it failed and offers to run it again
        logger.exception("credit grade import %s failed", import_id)
        _finish(job, status=S.FAILED, error=_("The import stopped unexpectedly; run it again."), bad_rows=kept)
        return True
    _finish(job, status=S.DONE, bad_rows=kept, created=result.created, updated=result.updated,
            unchanged=result.unchanged, bad=result.bad)
    return True


@transaction.atomic
def _finish(job: CreditGradeImport, *, status: str, bad_rows: list, error: str = "", **counts) -> None:
    now = timezone.now()
    fields = {"status": status, "finished_at": now, "error": error, "bad_rows": bad_rows, **counts}
    if status == CreditGradeImport.Status.FAILED:
        fields["bad"] = len(bad_rows)
    CreditGradeImport.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    audit_record(actor=None, action="credit_grade_import.finish", obj=job,
                 details={"file": job.file_name, "status": status, "error": error,
                          **{k: getattr(job, k) for k in ("created", "updated", "unchanged", "bad", "done_lines")}})
