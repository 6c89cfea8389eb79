"""The printable documents of a visit: the inspection notice (检查告知书) sent before it and the on-site
record (现场检查记录) after it, rendered to PDF with WeasyPrint from Django templates.

The documents are official and in Chinese whatever language the person who triggers the rendering uses, so
they are rendered under ``zh-hans`` with their wording in the templates and the labels below, not in the
translation catalogue. Everything they show comes from the database: no image, font or stylesheet is fetched
over the network (QR codes and the drawn signature are inlined as ``data:`` URIs, the fonts are the system's
Noto CJK fonts), and any other URL in the HTML is refused by the fetcher.
"""

import base64
import logging
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plans.models import JointTask
from plans.selectors import task_agencies, task_checklist, task_officers, task_with_details
from yantai_inspect.errors import DomainError
from yantai_inspect.site import absolute_url

from . import qrtokens, uploads
from .models import Finding, InspectionRecord, RecordItem, Signature
from .selectors import objections_of_record
from .verification import inspection_code

log = logging.getLogger(__name__)

STYLESHEET = Path(settings.BASE_DIR) / "static" / "pdf" / "pdf.css"

# The wording of the printed record; fixed here so the legal document does not change with a translation.
RESULT_LABELS = {
    RecordItem.Result.COMPLIANT: "合格",
    RecordItem.Result.NON_COMPLIANT: "不合格",
    RecordItem.Result.NOT_APPLICABLE: "不适用",
    RecordItem.Result.PENDING: "未检查",
}
SEVERITY_LABELS = {
    Finding.Severity.MINOR: "一般问题（线上验收）",
    Finding.Severity.SERIOUS: "较重问题（现场复查）",
}
SIGNATURE_METHOD_LABELS = {Signature.Method.DRAWN: "手写签名", Signature.Method.TYPED: "输入姓名确认"}


def record_verify_url(record) -> str:
    return absolute_url(qrtokens.record_verify_path(record))


def _data_uri(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _qr_data_uri(url: str) -> str:
    return qrtokens.qr_png_data_uri(url)


def _html_to_pdf(template: str, context: dict) -> bytes:
    import weasyprint  # heavy import (Pango, fontTools): only the workers and PDF views pay for it

    html = render_to_string(template, context)
    stylesheet = weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"))
    # Inline data: URIs only: a PDF rendered on the server never reaches out to another host or a local file.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


@contextmanager
def _official():
    """Chinese wording and Yantai's clock, whoever asked for the document."""
    with translation.override("zh-hans"), timezone.override(settings.TIME_ZONE):
        yield


# -- the inspection notice ----------------------------------------------------------------------------------


def notice_context(task) -> dict:
    task = task_with_details(task.pk)
    agencies = task_agencies(task)
    agency_of_department = {}
    for agency in agencies:
        agency_of_department.setdefault(agency.department_id, agency)
    checklist = [
        {"matter": matter, "agency": agency_of_department.get(matter.department_id)} for matter in task_checklist(task)
    ]
    rank = {agency.pk: n for n, agency in enumerate(agencies)}  # the lead agency's officers first
    officers = sorted(task_officers(task), key=lambda o: (rank.get(o.agency_id, len(rank)), str(o)))
    code = inspection_code(task)
    return {
        "task": task,
        "enterprise": task.enterprise,
        "agencies": agencies,
        "officers": officers,
        "checklist": checklist,
        "verify_url": code.verify_url,
        "qr": code.qr_png_data_uri(),
        "notified_on": timezone.localtime(task.fixed_at).date() if task.fixed_at else timezone.localdate(),
        # The enterprise's rights (templates/_enterprise_rights.html) print where to check an officer.
        "register_url": absolute_url(reverse("public-register")),
        "matters_url": absolute_url(reverse("public-matters")),
    }


def render_notice_pdf(task) -> bytes:
    """检查告知书: what the enterprise is told once a visit is fixed (标准云告知): who comes, when, what they
    check against which standard and legal basis, and its rights. Only a fixed visit has a notice: before
    that its date and agencies may still change."""
    task = JointTask.objects.get(pk=task.pk)
    if not task.has_notice:
        raise DomainError(_("The inspection notice is issued once the visit is fixed."))
    with _official():
        return _html_to_pdf("pdf/notice.html", notice_context(task))


# -- the on-site record -------------------------------------------------------------------------------------


def _signature_image(signature) -> str | None:
    if not signature.image_path:
        return None
    # Stored by uploads.store_image, re-encoded as PNG or JPEG: the extension says which.
    content_type = "image/png" if signature.image_path.lower().endswith(".png") else "image/jpeg"
    try:
        return _data_uri(uploads.private_file(signature.image_path).read_bytes(), content_type)
    except (OSError, DomainError):
        # The record is still printable; the seal and hash below remain the proof of the signature.
        log.warning("signature image %s of record %s is missing", signature.image_path, signature.record_id)
        return None


def record_context(record) -> dict:
    record = InspectionRecord.objects.select_related(
        "task__enterprise", "task__lead_agency", "task__theme", "finalised_by"
    ).get(pk=record.pk)
    task = record.task
    # The same agencies as the signed content (signing.canonical_content): every plan the visit served.
    agencies = {}
    for plan in task.plans.select_related("agency").order_by("agency__code"):
        agencies.setdefault(plan.agency_id, plan.agency)
    agencies = sorted(agencies.values(), key=lambda a: (a.pk != task.lead_agency_id, a.code))
    check_ins = list(task.check_ins.filter(accepted=True).select_related("officer__agency").order_by("at", "id"))
    items = [
        {"item": item, "result": RESULT_LABELS.get(item.result, item.result), "photos": len(item.photos.all())}
        for item in record.items.select_related("matter").prefetch_related("photos").order_by("matter__code")
    ]
    findings = [
        {"finding": f, "severity": SEVERITY_LABELS.get(f.severity, f.severity)}
        for f in record.findings.select_related("item__matter", "agency").order_by("id")
    ]
    signature = Signature.objects.filter(record=record).select_related("signer").first()
    verify_url = record_verify_url(record)
    return {
        "record": record,
        "task": task,
        "enterprise": task.enterprise,
        "agencies": agencies,
        "check_ins": check_ins,
        "items": items,
        "findings": findings,
        "signature": signature,
        # after the signature, never part of what was signed (inspections.services.objections)
        "objections": list(objections_of_record(record)),
        "signature_method": SIGNATURE_METHOD_LABELS.get(signature.method, "") if signature else "",
        "signature_image": _signature_image(signature) if signature else None,
        "verify_url": verify_url,
        "qr": _qr_data_uri(verify_url),
        "generated_at": timezone.now(),
    }


def render_record_pdf(record) -> bytes:
    """现场检查记录: the finalised record as the enterprise signs it, with its SM3 hash, the signature (or the
    refusal and objection) and a QR code that checks the record is unchanged since signing. A record still
    being filled has no hash yet and is not printed."""
    if not InspectionRecord.objects.filter(pk=record.pk).exclude(content_hash="").exists():
        raise DomainError(_("The record is printed once it is finalised."))
    with _official():
        return _html_to_pdf("pdf/record.html", record_context(record))


def store_record_pdf(record) -> str:
    """Render the record's PDF and keep it under MEDIA_ROOT, replacing the previous one. Rerunnable: each run
    renders the record as it is now (finalised, then signed or refused), so a late or repeated run never
    leaves an older state on file. The row lock makes renders of one record (and its signing) take turns.
    ``pdf_path`` and ``pdf_generated_at`` are delivery metadata, outside the signed content."""
    stored = None
    try:
        with transaction.atomic():
            locked = InspectionRecord.objects.select_for_update().get(pk=record.pk)
            data = render_record_pdf(locked)
            stored = uploads.store_bytes(data, folder="pdf", ext="pdf", content_type="application/pdf")
            now = timezone.now()
            InspectionRecord.objects.filter(pk=locked.pk).update(pdf_path=stored.path, pdf_generated_at=now)
            previous = locked.pdf_path
            if previous and previous != stored.path:
                transaction.on_commit(lambda: uploads.remove_stored(previous))
    except Exception:
        if stored is not None:
            uploads.remove_stored(stored.path)
        raise
    record.pdf_path, record.pdf_generated_at = stored.path, now
    return stored.path
