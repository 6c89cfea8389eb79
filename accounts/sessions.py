"""Session lifetimes: ended after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS after the
login, whichever comes first. Timestamps live in the session itself; the last-seen one is rewritten at most once
a minute, so an active user's requests do not each write the session row (nor, with Redis, the cache entry). The
registry of browser sessions (accounts.browser_sessions) rides on those writes: at most one every five minutes.

The session store (``SESSION_ENGINE = "accounts.sessions"`` when Redis is configured): Django's cached_db,
read from the cache and written through to the database, that serves a request from the database when the
cache cannot be reached instead of failing it."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends import cached_db
from django.utils.translation import gettext as _

from .browser_sessions import browser_session_request

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    """cached_db whose read tolerates a cache that is down (Django's own already treats a failed read as a
    miss and a failed write as a warning, but not the write-back after a miss): the session is then read from
    the database, the record, on every request until the cache is back. A logout or an expiry deletes the
    row first, then the cache entry (Django's order): a cache that cannot be reached then fails the logout
    loudly rather than leaving a copy that outlives it."""

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # the cache backend's own error types vary (redis, memcached); invalid keys too
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            logger.warning("Session read from the database: the cache is unavailable", exc_info=True)
        return data

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
    """The lifetimes above, then the session's row in the registry of browser sessions (accounts.browser_sessions:
    written when the session is not in it under its key, its last-seen time refreshed every few minutes on a
    request that writes the session anyway)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            if settings.SESSION_IDLE_SECONDS or settings.SESSION_ABSOLUTE_SECONDS:
                written = self._check(request, now)
            else:
                written = True  # no last-seen time of its own: the registry's is the only write, every few minutes
            if written is not None:
                browser_session_request(request, now, signed_in_at=session.get(AUTH_AT), session_written=written)
        return self.get_response(request)

    @staticmethod
    def _check(request, now: int) -> bool | None:
        """None when the session ended here; else whether its last-seen time was written."""
        session = request.session
        if session.get(AUTH_AT) is None:  # a session from before these clocks: they start now
            session[AUTH_AT] = session[SEEN_AT] = now
            return True
        if session_expired(session, now):
            logout(request)
            messages.info(request, _("Your session has ended (inactive for too long, or open for too long). "
                                     "Please log in again."))
            return None
        if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
            return True
        return False
