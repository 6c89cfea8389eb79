"""The daily check of the complaints' deadlines (in working days, ``plans.workdays``): a complaint not
accepted by ``accept_due`` or not decided by ``reply_due`` is flagged overdue and escalated to the justice
bureau of the level above (the city's bureau for a district's); the bureaus are told once per run.

Set-based and rerunnable: per batch one SELECT of ids, one UPDATE, one audit INSERT and a notification per
bureau; a flagged complaint is not flagged again (``overdue_since``) until an extension or a return clears it."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.divisions import CITY_CODE
from accounts.models import Agency
from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record_many
from notifications.services import notification_send

from .models import Complaint

BATCH = 500


def overdue_q(today):
    return Q(overdue_since__isnull=True) & (
        Q(status=Complaint.Status.RECEIVED, accept_due__lt=today) | Q(status__in=Complaint.OPEN, reply_due__lt=today)
    )


def complaints_overdue_flag(*, today=None) -> int:
    """Flag and escalate the overdue complaints; returns how many were flagged."""
    today = today or timezone.localdate()
    city = justice_bureau_for_division(CITY_CODE)
    flagged = 0
    while True:
        with transaction.atomic():
            rows = list(Complaint.objects.select_for_update(skip_locked=True).filter(overdue_q(today))
                        .order_by("pk").values("pk", "justice_bureau_id", "justice_bureau__division")[:BATCH])
            if not rows:
                return flagged
            ids = [r["pk"] for r in rows]
            Complaint.objects.filter(pk__in=ids).update(overdue_since=today)
            to_city = [r["pk"] for r in rows
                       if city is not None and r["justice_bureau__division"] != CITY_CODE]
            if to_city:
                Complaint.objects.filter(pk__in=to_city).update(escalated_to=city)
            audit_record_many(actor=None, action="complaint.overdue", entries=[
                (Complaint(pk=pk), {"overdue_since": today, "escalated_to": city.code if pk in to_city else None})
                for pk in ids
            ])
            by_bureau: dict[int, int] = {}
            for r in rows:
                by_bureau[r["justice_bureau_id"]] = by_bureau.get(r["justice_bureau_id"], 0) + 1
            for bureau in Agency.objects.filter(pk__in=list(by_bureau) + ([city.pk] if to_city else [])):
                n = by_bureau.get(bureau.pk, 0) + (len(to_city) if city is not None and bureau.pk == city.pk else 0)
                notification_send(
                    dedupe_key=f"complaints-overdue:{bureau.pk}:{today.isoformat()}:{ids[0]}",
                    agency=bureau, title=_("%(n)d complaints are past their deadline") % {"n": n},
                    body=_("Handling or the reply is overdue; escalated complaints are on the city bureau's list."),
                    link="/justice/complaints/?overdue=1",
                )
            flagged += len(ids)
