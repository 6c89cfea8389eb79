from django.conf import settings

from .access import portal_of


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal": None}
    return {"portal": portal_of(user)}


def security_banner(request):
    """Outside production, every page says that logins are not protected as in production (no second factor),
    so a demo is never mistaken for the real platform."""
    return {"security_banner": not settings.PRODUCTION}
