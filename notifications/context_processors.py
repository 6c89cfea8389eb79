from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request):
    """``unread_notifications`` for the navigation, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
