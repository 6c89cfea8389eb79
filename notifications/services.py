from django.db import IntegrityError, transaction

from .models import Notification


def notification_send(
    *,
    dedupe_key: str,
    title: str,
    body: str = "",
    agency=None,
    enterprise=None,
    kind: str = Notification.Kind.GENERAL,
    link: str = "",
) -> Notification | None:
    """Create a notification once per ``dedupe_key``; a rerun returns None and creates nothing."""
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                dedupe_key=dedupe_key,
                title=title,
                body=body,
                agency=agency,
                enterprise=enterprise,
                kind=kind,
                link=link,
            )
    except IntegrityError:
        return None


def notifications_send_many(notifications) -> None:
    """Create unsaved ``Notification`` objects in one INSERT; those whose ``dedupe_key`` already exists (a
    rerun, or the same key twice in the list) are skipped by the database, as ``notification_send`` would."""
    unique = {}
    for notification in notifications:
        unique.setdefault(notification.dedupe_key, notification)
    Notification.objects.bulk_create(list(unique.values()), batch_size=1000, ignore_conflicts=True)


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the reader's notifications read (all of them, or those in ``ids``). Reading is not a state change
    of the platform's business, so it is not audited; it only changes the reader's inbox."""
    from django.utils import timezone

    from .selectors import notifications_for_user

    qs = notifications_for_user(user=user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def notifications_resolve(*, keys) -> int:
    """The notifications that asked for something now done (a plan reviewed, a record signed, evidence
    accepted) are no longer news: marked read for every recipient, in one statement by their exact keys.
    Called by the service that handles the item, in its transaction; a key with no notification is fine."""
    from django.utils import timezone

    keys = list(keys)
    if not keys:
        return 0
    return Notification.objects.filter(dedupe_key__in=keys, read_at__isnull=True).update(read_at=timezone.now())
