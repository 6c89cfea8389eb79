from .models import Notification


def notifications_for_user(*, user):
    """The inbox: an officer or justice user reads their agency's, an enterprise account its enterprise's."""
    if user.is_authenticated and user.role in ("officer", "justice") and user.agency_id:
        return Notification.objects.filter(agency_id=user.agency_id)
    if user.is_authenticated and user.is_enterprise:
        # The recipient is the enterprise the account acts for (its one EnterpriseAccount row), read through
        # the notification's own foreign key: the ground layer imports nothing of the register.
        return Notification.objects.filter(enterprise__accounts__user=user)
    return Notification.objects.none()


UNREAD_CAP = 99


def unread_count(*, user) -> int | str:
    """How many of the reader's notifications are unread, for the navigation: at most ``UNREAD_CAP``, then
    "99+" (a LIMIT, never a COUNT over an agency's years of licence warnings)."""
    ids = list(
        notifications_for_user(user=user).filter(read_at__isnull=True).values_list("pk", flat=True)[: UNREAD_CAP + 1]
    )
    return f"{UNREAD_CAP}+" if len(ids) > UNREAD_CAP else len(ids)
