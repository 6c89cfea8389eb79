"""Background work of the inspections app, run by the outbox (enqueued by record_finalise and the signing
services)."""

import logging

from outbox.registry import outbox_handler

from .models import InspectionRecord
from .pdf import store_record_pdf

log = logging.getLogger(__name__)


@outbox_handler("inspections.render_record_pdf")
def render_record_pdf(*, record_id: int) -> None:
    """Render and store the record's PDF as the record is now. Rerunnable: a second run replaces the file."""
    record = InspectionRecord.objects.filter(pk=record_id).first()
    if record is None:
        log.warning("record %s no longer exists; no PDF to render", record_id)
        return
    store_record_pdf(record)


@outbox_handler("inspections.render_paper_pdf")
def render_paper_pdf(*, paper_id: int) -> None:
    """Render and store an enforcement paper's PDF. Rerunnable: a second run replaces the file."""
    from .models import Paper
    from .paper_pdf import store_paper_pdf

    paper = Paper.objects.filter(pk=paper_id).first()
    if paper is None:
        log.warning("paper %s no longer exists; no PDF to render", paper_id)
        return
    store_paper_pdf(paper)
