"""The daily job's invitation steps, set-based: remind agencies of invitations nearing their deadline, expire
those past it. Each batch (``yantai_inspect.batches``) costs a fixed number of statements: the claim (a
conditional UPDATE of ``reminded_at`` or ``status``), a read, one INSERT of notifications or audit entries.
Rerunnable: only the run that claimed an invitation reminds or audits it."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record_many
from notifications.models import Notification
from notifications.services import notifications_resolve, notifications_send_many
from yantai_inspect.batches import in_locked_batches

from .models import Invitation


def invitations_remind_due(*, today: dt.date) -> int:
    """Remind each agency once of an open invitation whose deadline is within INVITATION_REMIND_DAYS_BEFORE."""
    remind_from = today + dt.timedelta(days=settings.INVITATION_REMIND_DAYS_BEFORE)
    due = Invitation.objects.filter(
        status=Invitation.Status.OPEN, reminded_at__isnull=True, deadline__gte=today, deadline__lte=remind_from
    )

    def remind(ids):
        now = timezone.now()
        if not Invitation.objects.filter(pk__in=ids, reminded_at__isnull=True).update(reminded_at=now):
            return 0
        invitations = list(
            Invitation.objects.filter(pk__in=ids, reminded_at=now).select_related("lead_plan__enterprise")
        )
        notifications_send_many(
            Notification(
                dedupe_key=Invitation.notification_keys([invitation.pk])[1],
                agency_id=invitation.agency_id,
                title=_("Invitation deadline approaching: %(name)s") % {"name": invitation.lead_plan.enterprise.name},
                body=_("Respond by %(deadline)s.") % {"deadline": invitation.deadline},
                link="/agency/invitations/",
            )
            for invitation in invitations
        )
        return len(invitations)

    return in_locked_batches(due, remind)


def invitations_expire_due(*, today: dt.date) -> int:
    """Expire every open invitation whose deadline has passed, each with its audit entry."""
    due = Invitation.objects.filter(status=Invitation.Status.OPEN, deadline__lt=today)

    def expire(ids):
        # Locked and still open (the batch's rows are locked and matched the filter): all of them are ours.
        invitations = list(
            Invitation.objects.filter(pk__in=ids, status=Invitation.Status.OPEN).select_related("agency")
        )
        claimed = Invitation.objects.filter(pk__in=[i.pk for i in invitations], status=Invitation.Status.OPEN).update(
            status=Invitation.Status.EXPIRED
        )
        if claimed != len(invitations):
            # Cannot happen under the batch's row locks; without them (SQLite) roll the batch back.
            raise RuntimeError("invitations changed under the expiry batch")
        notifications_resolve(keys=Invitation.notification_keys([i.pk for i in invitations]))
        audit_record_many(
            actor=None,
            action="invitation.expire",
            entries=[(invitation, {"deadline": invitation.deadline}) for invitation in invitations],
        )
        return claimed

    return in_locked_batches(due, expire)
