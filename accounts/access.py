"""Who may enter which portal. Each portal's views are wrapped in its decorator."""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

AGENCY, JUSTICE, ENTERPRISE, ADMIN = "agency", "justice", "enterprise", "admin"


def portal_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_platform_admin:
        return ADMIN
    return {"officer": AGENCY, "justice": JUSTICE, "enterprise": ENTERPRISE}.get(user.role)


def portal_required(*portals: str):
    """Let in only users whose portal is one of ``portals``; others get 403, anonymous users the login."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if portal_of(request.user) not in portals:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


agency_required = portal_required(AGENCY)
justice_required = portal_required(JUSTICE)
enterprise_required = portal_required(ENTERPRISE)
