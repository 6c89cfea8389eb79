from django.http import Http404

from .models import Enterprise
from .selectors import enterprises_for_user


def enterprise_for_user(*, user, uscc: str) -> Enterprise:
    """The enterprise with this code if the user may see it; 404 otherwise, so an outsider cannot
    even learn that the code exists."""
    enterprise = enterprises_for_user(user=user).filter(uscc=(uscc or "").upper()).first()
    if enterprise is None:
        raise Http404
    return enterprise
