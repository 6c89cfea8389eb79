from .models import Notification


def notifications_for_user(*, user):
    """The inbox: an officer or justice user reads their agency's, an enterprise account its enterprise's."""
    if user.is_authenticated and user.role in ("officer", "justice") and user.agency_id:
        return Notification.objects.filter(agency_id=user.agency_id)
    if user.is_authenticated and user.is_enterprise:
        from enterprises.selectors import enterprise_of_user

        enterprise = enterprise_of_user(user=user)
        if enterprise is not None:
            return Notification.objects.filter(enterprise=enterprise)
    return Notification.objects.none()
