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
