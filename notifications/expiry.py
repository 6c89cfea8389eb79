"""临期预警: the one machinery that warns, a set time ahead, about things that expire (enterprises' licences,
officers' enforcement certificates), once per expiry date.

Rerunnable: a batch claims its rows by setting their ``warned_field`` to their expiry date, so a rerun sends
and audits nothing twice, and a renewal (a new expiry date) is warned about again ahead of it. Notifications
carry dedupe keys as a second guard. Set-based (``yantai_inspect.batches``): a batch costs a fixed number of
statements whatever its size (lock the batch, read it, claim it, one INSERT of notifications, one of audit
entries), and a run reads only the rows not yet warned about."""

import datetime as dt
from collections.abc import Callable

from django.db.models import F, QuerySet

from audit.services import audit_record_many
from yantai_inspect.batches import in_locked_batches

from .services import notifications_send_many


def expiring_unwarned(queryset: QuerySet, *, expiry_field: str, warned_field: str, today: dt.date,
                      days: int) -> QuerySet:
    """The rows of ``queryset`` expiring between ``today`` and ``days`` later, not yet warned about for that
    expiry date."""
    horizon = today + dt.timedelta(days=days)
    return queryset.filter(**{f"{expiry_field}__gte": today, f"{expiry_field}__lte": horizon}).exclude(
        **{warned_field: F(expiry_field)}
    )


def expiry_warnings_send(*, due: QuerySet, expiry_field: str, warned_field: str, build: Callable, action: str,
                         batch_size: int, select_related=()) -> int:
    """Claim the rows of ``due`` batch by batch (in ``expiry_field`` order, which its index serves) and send
    the warnings ``build(rows)`` returns as ``(notifications, audit entries)``. Returns how many rows were
    warned about by this run."""
    model = due.model

    def warn(ids):
        rows = list(model.objects.filter(pk__in=ids).select_related(*select_related))
        claimed = model.objects.filter(pk__in=ids).update(**{warned_field: F(expiry_field)})
        if claimed != len(rows):
            # Cannot happen under the batch's row locks (SQLite serialises the batches' transactions).
            raise RuntimeError(f"{model._meta.label} changed under the expiry-warning batch")
        notifications, audited = build(rows)
        notifications_send_many(notifications)
        audit_record_many(actor=None, action=action, entries=audited)
        return len(rows)

    return in_locked_batches(due, warn, batch_size=batch_size, order_by=(expiry_field, "pk"))
