"""Enqueue background work with the transaction; run it exactly once per claim."""
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import OutboxMessage
from .registry import get_handler

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
STALE_AFTER = timedelta(minutes=15)


def outbox_enqueue(*, handler: str, payload: dict, dedupe_key: str | None = None) -> OutboxMessage | None:
    """Write the work in the caller's transaction and hand it to Celery once that commits.

    With a ``dedupe_key`` the same work is enqueued at most once, ever: rerunning the
    service that asked for it does not do it twice. The key's unique index decides (no read first: the
    first enqueue, the common case, is one INSERT).
    """
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin loses the race quietly
            message = OutboxMessage.objects.create(
                handler=handler, payload=payload, dedupe_key=dedupe_key, available_at=timezone.now()
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _dispatch(message.pk))
    return message


def _dispatch(message_id: int) -> None:
    from .tasks import outbox_run

    try:
        outbox_run.delay(message_id)
    except Exception:  # broker down: the row waits for the worker's drain.
        log.warning("outbox: broker unavailable, message %s left for the drain", message_id, exc_info=True)


def outbox_claim(message_id: int) -> bool:
    now = timezone.now()
    return (
        OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING, available_at__lte=now)
        .update(status=OutboxMessage.Status.RUNNING, claimed_at=now)
        == 1
    )


def outbox_run_message(message_id: int) -> bool:
    """Run one message if this caller wins the claim. Returns True when it ran successfully."""
    if not outbox_claim(message_id):
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        get_handler(message.handler)(**message.payload)
    except Exception as exc:
        attempts = message.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
            attempts=attempts,
            available_at=timezone.now() + timedelta(seconds=min(3600, 30 * 2**attempts)),
            last_error=repr(exc)[:2000],
        )
        log.exception("outbox message %s (%s) failed", message_id, message.handler)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxMessage.Status.DONE, attempts=message.attempts + 1, processed_at=timezone.now(), last_error=""
    )
    return True


def outbox_drain(*, limit: int = 500) -> int:
    """Run what is due: messages whose dispatch was lost, retries, and claims left by a dead worker."""
    now = timezone.now()
    OutboxMessage.objects.filter(status=OutboxMessage.Status.RUNNING, claimed_at__lt=now - STALE_AFTER).update(
        status=OutboxMessage.Status.PENDING
    )
    due = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, available_at__lte=now)
        .order_by("available_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if outbox_run_message(pk))


def outbox_rearm(*, handler: str) -> int:
    """Give the messages of ``handler`` that ran out of attempts a new round (one UPDATE): for work that must
    never be lost, such as a complaint's delivery to the 12345 hotline, rearmed by its daily job."""
    return OutboxMessage.objects.filter(handler=handler, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.PENDING, attempts=0, available_at=timezone.now()
    )
