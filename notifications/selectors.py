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
