"""The enforcement papers (执法文书) as PDF: the same renderer, fonts, stylesheet and QR code as the notice and
the record (``inspections.pdf``), from what the paper froze when it was issued (``Paper.content``), so the
printed paper is exactly what its hash and verification page vouch for."""

from django.db import transaction
from django.utils import timezone

from yantai_inspect.site import absolute_url

from . import qrtokens, uploads
from .models import Paper
from .pdf import _html_to_pdf, _official

TITLES = {
    Paper.Kind.RESULTS_NOTICE: "检查结果告知书",
    Paper.Kind.RECTIFICATION_ORDER: "责令整改通知书",
    Paper.Kind.RECHECK_OPINION: "整改复查意见书",
    Paper.Kind.APPROVAL_FORM: "行政检查审批表",
}
TEMPLATES = {
    Paper.Kind.RESULTS_NOTICE: "pdf/paper_results_notice.html",
    Paper.Kind.RECTIFICATION_ORDER: "pdf/paper_rectification_order.html",
    Paper.Kind.RECHECK_OPINION: "pdf/paper_recheck_opinion.html",
    Paper.Kind.APPROVAL_FORM: "pdf/paper_approval_form.html",
}


def paper_verify_url(paper) -> str:
    return absolute_url(qrtokens.paper_verify_path(paper))


def paper_title(paper) -> str:
    return TITLES.get(paper.kind, paper.get_kind_display())


def render_paper_pdf(paper) -> bytes:
    verify_url = paper_verify_url(paper)
    with _official():
        return _html_to_pdf(
            TEMPLATES[paper.kind],
            {
                "paper": paper,
                "title": paper_title(paper),
                "c": paper.content,
                "enterprise": paper.content.get("enterprise", {}),
                "verify_url": verify_url,
                "qr": qrtokens.qr_png_data_uri(verify_url),
                "generated_at": timezone.now(),
            },
        )


def store_paper_pdf(paper) -> str:
    """Render the paper's PDF and keep it under MEDIA_ROOT. Rerunnable: a paper never changes once issued, so
    a second run stores the same document and drops the previous file. The row lock makes renders take turns."""
    stored = None
    try:
        with transaction.atomic():
            locked = Paper.objects.select_for_update().get(pk=paper.pk)
            stored = uploads.store_bytes(
                render_paper_pdf(locked), folder="pdf", ext="pdf", content_type="application/pdf"
            )
            now = timezone.now()
            Paper.objects.filter(pk=locked.pk).update(pdf_path=stored.path, pdf_generated_at=now)
            previous = locked.pdf_path
            if previous and previous != stored.path:
                transaction.on_commit(lambda: uploads.remove_stored(previous))
    except Exception:
        if stored is not None:
            uploads.remove_stored(stored.path)
        raise
    paper.pdf_path, paper.pdf_generated_at = stored.path, now
    return stored.path
