"""The registry of browser sessions (accounts.models.BrowserSession): who is signed in in which browser, so that
the user (/account/devices/) and the administrators (an action on users in the admin) can end them one by one
or all at once (ASVS 5.0 7.4.5, 7.5.2). The mobile apps use API tokens (accounts.tokens), not these.

- **Written at login** (``user_logged_in``), with the address ``accounts.lockout.client_ip`` gives (the same
  trusted-proxy rule as the lockout and the API throttles) and the User-Agent shortened. A session that gets a
  new key (a password change keeps its browser signed in under a new key, ``update_session_auth_hash``) or that
  is older than the registry is written at its next request: the session remembers the key it was written for
  (a digest's prefix, ``REGISTERED``), so finding out costs no query.
- **Last seen** at most every ``SEEN_SECONDS`` (five minutes), on a request that already writes the session
  (its own last-seen time, ``accounts.sessions``): an ordinary request writes nothing.
- **Removed** with the session row (a foreign key, CASCADE): a logout, an idle or absolute expiry noticed at a
  request, a new key, and the periodic ``browser_sessions_expired_clear``. Ending a session deletes it from the
  session store (its row, and its cached copy when sessions are cached), so the browser is signed out at its
  next request.
- **Ended** by ``browser_session_end`` (one, by its owner or an administrator) and ``browser_sessions_end``
  (all of a user's, but the caller's own when asked): by the owner, an administrator, a password change
  (``accounts.signals.password_changed``, whoever changed it) and a deactivation. Each is audited; the start
  of a session is audited at login."""

import datetime as dt
import hashlib
import ipaddress
import logging
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from yantai_inspect.errors import DomainError

from .lockout import client_ip
from .models import BrowserSession, User
from .tokens import api_tokens_revoke_all
from .user_agents import user_agent_shortened

logger = logging.getLogger(__name__)

REGISTERED = "yantai_registered"  # in the session: the prefix of the digest of the key it was registered under
REGISTRY_SEEN_AT = "yantai_registry_seen_at"  # in the session: when its registry row's last_seen_at was written
SEEN_SECONDS = 5 * 60
EXPIRED_BATCH = 1000


def _mark(session_key: str) -> str:
    return hashlib.sha256(session_key.encode("ascii", "replace")).hexdigest()[:16]


def _address(request) -> str | None:
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def _store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


# -- written at login, kept true at each request --------------------------------------------------------------


def browser_session_register(*, request, user, at: dt.datetime | None = None) -> BrowserSession | None:
    """The registry row of ``request``'s session, signed in as ``user`` at ``at`` (now by default). A session
    without a key yet (a login that flushed another user's session) is saved first, so it has one. None when the
    session is already registered or was ended meanwhile (its row is gone: another browser ended it)."""
    session = request.session
    if session.session_key is None:
        session.save()
    now = timezone.now()
    key = session.session_key
    try:
        with transaction.atomic():
            row = BrowserSession.objects.create(
                user=user, session_id=key, created_at=at or now, last_seen_at=now, ip_address=_address(request),
                user_agent=user_agent_shortened(request.META.get("HTTP_USER_AGENT")),
            )
    except IntegrityError:
        row = None
    session[REGISTERED] = _mark(key)
    # the middleware's clock (time.time, as the session's own lifetimes), so both compare like with like
    session[REGISTRY_SEEN_AT] = int(time.time())
    return row


def browser_session_login(sender, request, user, **kwargs):
    """user_logged_in: the new session is registered, and its start audited (who, from where, which browser)."""
    if getattr(request, "session", None) is None:
        return
    with transaction.atomic():
        row = browser_session_register(request=request, user=user)
        if row is not None:
            audit_record(actor=user, action="browser_session.start", obj=row,
                         details={"ip_address": row.ip_address, "browser": row.browser})


def browser_session_request(request, now: int, *, signed_in_at: int | None, session_written: bool) -> None:
    """At each signed-in request (``accounts.sessions.SessionLifetimeMiddleware``): a session the registry does
    not know under its key is registered, with its sign-in time ``signed_in_at`` (a timestamp); a registered
    one's last-seen time is written when ``SEEN_SECONDS`` have passed and the session is written anyway
    (``session_written``). Otherwise nothing: no query."""
    session = request.session
    key = session.session_key
    if key is None or SESSION_KEY not in session:
        return
    if session.get(REGISTERED) != _mark(key):
        if request.user.is_authenticated:
            at = dt.datetime.fromtimestamp(signed_in_at, tz=dt.UTC) if signed_in_at else None
            browser_session_register(request=request, user=request.user, at=at)
        return
    if session_written and now - session.get(REGISTRY_SEEN_AT, 0) >= SEEN_SECONDS:
        BrowserSession.objects.filter(session_id=key).update(last_seen_at=dt.datetime.fromtimestamp(now, tz=dt.UTC))
        session[REGISTRY_SEEN_AT] = now


# -- read -------------------------------------------------------------------------------------------------------


def browser_sessions_expired_q(now: dt.datetime) -> Q:
    """The sessions that have ended though their rows are still there: past the store's expiry, idle for longer
    than SESSION_IDLE_SECONDS (the registry's last-seen time may lag the session's own by up to SEEN_SECONDS,
    hence the margin), or signed in more than SESSION_ABSOLUTE_SECONDS ago. The same rule lists and clears."""
    expired = Q(session__expire_date__lte=now)
    if settings.SESSION_IDLE_SECONDS:
        expired |= Q(last_seen_at__lt=now - dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS + SEEN_SECONDS))
    if settings.SESSION_ABSOLUTE_SECONDS:
        expired |= Q(created_at__lt=now - dt.timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS))
    return expired


def browser_sessions_of(*, user: User, current_key: str | None = None) -> list[BrowserSession]:
    """The user's live browser sessions in one query: the one of ``current_key`` first (marked ``is_current``),
    then the most recently seen."""
    rows = list(BrowserSession.objects.filter(user=user).exclude(browser_sessions_expired_q(timezone.now()))
                .order_by("-last_seen_at", "-id"))
    for row in rows:
        row.is_current = current_key is not None and row.session_id == current_key
    return sorted(rows, key=lambda row: not row.is_current)


# -- ended ------------------------------------------------------------------------------------------------------


def _sessions_delete(keys: list[str]) -> None:
    """Deletes the sessions of ``keys`` from the store, inside the caller's transaction: the rows (and with them
    their registry rows) and, when sessions are cached, their cached copies. The cached copies are deleted
    before the rows, so a cache that cannot be reached fails the whole change loudly instead of leaving a copy
    that would keep the browser signed in; and again once the deletion is committed, in case a request of
    that browser read the row back into the cache in between."""
    if not keys:
        return
    store = _store_class()
    if issubclass(store, cached_db.SessionStore):
        cache = caches[settings.SESSION_CACHE_ALIAS]
        cache_keys = [store.cache_key_prefix + key for key in keys]
        cache.delete_many(cache_keys)

        def _again():
            try:
                cache.delete_many(cache_keys)
            except Exception:  # the cache backend's own error types vary
                logger.error("Ended sessions: the cache could not be cleared after the commit", exc_info=True)

        transaction.on_commit(_again)
    store.get_model_class().objects.filter(session_key__in=keys).delete()


@transaction.atomic
def browser_session_end(*, actor: User, session_id: int, current_key: str | None = None) -> BrowserSession:
    """The owner ends one of its browser sessions (an administrator may end anyone's); that browser is signed
    out at its next request. Another user's session is answered as missing, never as someone else's. The
    session of ``current_key`` (the caller's own browser) is ended by logging out, not here."""
    rows = BrowserSession.objects.select_for_update(of=("self",)).select_related("user")
    if not actor.is_platform_admin:
        rows = rows.filter(user=actor)
    row = rows.filter(pk=session_id).first()
    if row is None:
        raise Http404(_("No such session."))
    if current_key is not None and row.session_id == current_key:
        raise DomainError(_("This is the browser you are using: log out to end its session."))
    audit_record(actor=actor, action="browser_session.end", obj=row,
                 details={"user": row.user.username, "ip_address": row.ip_address, "browser": row.browser,
                          "signed_in_at": row.created_at.isoformat()})
    _sessions_delete([row.session_id])
    return row


@transaction.atomic
def browser_sessions_end(*, user: User, actor: User | None = None, reason: str,
                         keep_key: str | None = None) -> int:
    """Every browser session of ``user`` ends, but the one of ``keep_key`` (the owner's "end all other
    sessions"). One audit entry for the user, naming how many ended and why (``owner``, ``administrator``,
    ``password_change``, ``deactivated``)."""
    rows = BrowserSession.objects.select_for_update().filter(user=user)
    if keep_key is not None:
        rows = rows.exclude(session_id=keep_key)
    keys = list(rows.values_list("session_id", flat=True))
    if keys:
        audit_record(actor=actor or user, action="browser_session.end_all", obj=user,
                     details={"count": len(keys), "reason": reason})
        _sessions_delete(keys)
    return len(keys)


@transaction.atomic
def user_sessions_end(*, actor: User, user: User, reason: str) -> tuple[int, int]:
    """An administrator's "end all sessions" and a deactivation: every browser session and every API token of
    ``user`` ends. Returns how many of each."""
    browsers = browser_sessions_end(user=user, actor=actor, reason=reason)
    tokens = api_tokens_revoke_all(user=user, actor=actor, reason=reason)
    return browsers, tokens


def browser_sessions_end_on_password_change(sender, user, **kwargs):
    """accounts.signals.password_changed: a new password ends every browser session of the user (Django would
    refuse them anyway: their password hash no longer matches), so the registry says so. The browser that
    changed its own password goes on under a new key (``update_session_auth_hash``) and is registered again at
    its next request, with its sign-in time."""
    browser_sessions_end(user=user, reason="password_change")


def browser_sessions_expired_clear() -> int:
    """The periodic clean-up: sessions that ended by their idle or absolute limit without a further request
    (``browser_sessions_expired_q``), then whatever else the store holds past its expiry (Django's
    ``clearsessions``). Batches of EXPIRED_BATCH; nothing is audited (no one decided anything). Rerunnable."""
    now = timezone.now()
    cleared = 0
    while True:
        with transaction.atomic():
            keys = list(BrowserSession.objects.filter(browser_sessions_expired_q(now))
                        .values_list("session_id", flat=True)[:EXPIRED_BATCH])
            _sessions_delete(keys)
        cleared += len(keys)
        if len(keys) < EXPIRED_BATCH:
            break
    _store_class().clear_expired()
    return cleared

