"""Writes of the oversight app: storing the city's monthly report, once per month."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from inspections import uploads
from yantai_inspect.errors import DomainError

from .access import PUBLIC
from .models import MonthlyReport
from .report import anchor_now, render_report_pdf

CITY_TITLE = "烟台市涉企联合检查监督月报"


def monthly_report_store(*, month: dt.date, today: dt.date | None = None) -> tuple[MonthlyReport, bool]:
    """Render and keep the city's report of ``month`` (a month that has ended) exactly once: a rerun, or a
    second worker racing the first, returns the stored one (``created`` False) and leaves no second file.
    The report's row, its file and its audit entry (with the chain's anchor printed in it) commit together."""
    month = month.replace(day=1)
    today = today or timezone.localdate()
    if month >= today.replace(day=1):
        raise DomainError(_("A month's report is made once the month has ended."), field="month")
    existing = MonthlyReport.objects.filter(month=month).first()
    if existing is not None:
        return existing, False
    anchor = anchor_now()
    data = render_report_pdf(reader=PUBLIC_CITY, month=month, title=CITY_TITLE, anchor=anchor)
    stored = uploads.store_bytes(data, folder="reports", ext="pdf", content_type="application/pdf")
    last = anchor["anchor"] or {}
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                month=month,
                pdf_path=stored.path,
                size=len(data),
                anchor_seq=anchor["seq"],
                anchor_hash=anchor["hash"],
                anchor_date=last.get("date", ""),
            )
            audit_record(
                actor=None,
                action="oversight.monthly_report",
                obj=report,
                details={"month": month.isoformat(), "chain_seq": anchor["seq"], "chain_hash": anchor["hash"]},
            )
    except IntegrityError:  # another run stored it first: keep that one
        uploads.remove_stored(stored.path)
        return MonthlyReport.objects.get(month=month), False
    except Exception:
        uploads.remove_stored(stored.path)
        raise
    return report, True


# The stored report is the city's: every plan, every division, the complaint figures included.
PUBLIC_CITY = PUBLIC.__class__(plans=PUBLIC.plans, divisions=None, complaints=True, city=True, portal="city")
