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
