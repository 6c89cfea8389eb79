"""Session lifetimes: ended after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS after the
login, whichever comes first. Timestamps live in the session itself; the last-seen one is rewritten at most once
a minute, so an active user's requests do not each write the session row."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

AUTH_AT = "yantai_auth_at"
SEEN_AT = "yantai_seen_at"
SEEN_RESOLUTION_SECONDS = 60


def session_lifetime_start(sender, request, user, **kwargs):
    """user_logged_in: the session's clocks start at the login."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[AUTH_AT] = session[SEEN_AT] = now


def session_expired(session, now: int) -> bool:
    idle, absolute = settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS
    auth_at = session.get(AUTH_AT)
    seen_at = session.get(SEEN_AT, auth_at)
    if auth_at is None:
        return False
    return bool((absolute and now - auth_at > absolute) or (idle and now - seen_at > idle))


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_IDLE_SECONDS or settings.SESSION_ABSOLUTE_SECONDS:
            self._check(request)
        return self.get_response(request)

    @staticmethod
    def _check(request):
        session = request.session
        if SESSION_KEY not in session:
            return
        now = int(time.time())
        if session.get(AUTH_AT) is None:  # a session from before these clocks: they start now
            session[AUTH_AT] = session[SEEN_AT] = now
        elif session_expired(session, now):
            logout(request)
            messages.info(request, _("Your session has ended (inactive for too long, or open for too long). "
                                     "Please log in again."))
        elif now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
