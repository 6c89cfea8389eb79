"""Writes on site and after, by concern: check-in, the record (results, photos, findings, finalising), the
enterprise's signature, and rectification. Each service checks its rule and writes its audit entry in the same
transaction. (Whether a record is unchanged since it was signed is a read: ``inspections.selectors``.)"""

from .checkin import check_in, checked_in_count
from .objections import objection_decide, objection_file, objection_reply, objection_window_closes
from .record import finding_add, photo_add, record_finalise, record_item_set, upload_limit_mb
from .rectification import (
    finding_schedule_recheck,
    findings_overdue_check,
    rectification_accept,
    rectification_return,
    rectification_submit,
)
from .signatures import record_refuse, record_sign

__all__ = [
    "check_in",
    "checked_in_count",
    "finding_add",
    "finding_schedule_recheck",
    "objection_decide",
    "objection_file",
    "objection_reply",
    "objection_window_closes",
    "findings_overdue_check",
    "photo_add",
    "record_finalise",
    "record_item_set",
    "record_refuse",
    "record_sign",
    "rectification_accept",
    "rectification_return",
    "rectification_submit",
    "upload_limit_mb",
]
