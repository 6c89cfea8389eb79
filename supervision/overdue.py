"""The daily check of the opinions' deadlines: an opinion whose answer is not in by ``due_on`` (working days,
``plans.workdays``) is flagged overdue; the agency is told about each one, the issuing bureau once per batch.

Set-based and rerunnable: per batch one SELECT of ids (rows locked, skipping those a service holds), one
UPDATE, one INSERT of steps, one of audit entries and one of notifications. A flagged opinion is not flagged
again (``overdue_since``) until the bureau returns an answer with a new deadline, and every notification has
its key (the opinion and its deadline; the bureau, the day and the batch), so a rerun sends nothing twice."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record_many
from notifications.models import Notification
from notifications.services import notifications_send_many

from .models import Opinion, OpinionStep

BATCH = 500


def overdue_q(today):
    return Q(overdue_since__isnull=True, status__in=Opinion.AWAITING_ANSWER, due_on__lt=today)


def opinions_overdue_flag(*, today=None) -> int:
    """Flag the opinions whose answer is late; returns how many were flagged."""
    today = today or timezone.localdate()
    flagged = 0
    while True:
        with transaction.atomic():
            rows = list(Opinion.objects.select_for_update(skip_locked=True).filter(overdue_q(today)).order_by("pk")
                        .values("pk", "agency_id", "justice_bureau_id", "due_on", "kind", "status")[:BATCH])
            if not rows:
                return flagged
            ids = [r["pk"] for r in rows]
            Opinion.objects.filter(pk__in=ids).update(overdue_since=today)
            note = _("No answer by %(date)s.")
            OpinionStep.objects.bulk_create([
                OpinionStep(opinion_id=r["pk"], action="overdue", status=r["status"],
                            note=note % {"date": r["due_on"].isoformat()}, actor_repr=_("the platform"))
                for r in rows
            ])
            audit_record_many(actor=None, action="opinion.overdue", entries=[
                (Opinion(pk=r["pk"], agency_id=r["agency_id"]), {"overdue_since": today, "due_on": r["due_on"]})
                for r in rows
            ])
            kinds = dict(Opinion.Kind.choices)
            notices = [
                Notification(
                    dedupe_key=f"opinion:{r['pk']}:overdue:{r['due_on'].isoformat()}", agency_id=r["agency_id"],
                    title=_("%(kind)s #%(n)s: the answer is overdue") % {"kind": kinds[r["kind"]], "n": r["pk"]},
                    body=note % {"date": r["due_on"].isoformat()}, link=f"/agency/supervision/{r['pk']}/",
                )
                for r in rows
            ]
            by_bureau: dict[int, int] = {}
            for r in rows:
                by_bureau[r["justice_bureau_id"]] = by_bureau.get(r["justice_bureau_id"], 0) + 1
            notices += [
                Notification(
                    dedupe_key=f"opinions-overdue:{bureau_id}:{today.isoformat()}:{ids[0]}", agency_id=bureau_id,
                    title=_("%(n)d supervision opinions are past their deadline") % {"n": n},
                    body=_("The agencies have not answered in time."), link="/justice/supervision/?overdue=1",
                )
                for bureau_id, n in by_bureau.items()
            ]
            notifications_send_many(notices)
            flagged += len(ids)
