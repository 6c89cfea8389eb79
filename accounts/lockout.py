"""Login throttling (django-axes): who the client is, and how a locked-out login is answered."""

import contextlib
import fcntl
import logging
import os
from pathlib import Path

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies that each append to
    X-Forwarded-For, the address the outermost trusted proxy saw (anything further left is the client's word)."""
    return client_ip_of(request.META)


def client_ip_of(meta) -> str | None:
    """``client_ip`` from a request's META or a bare WSGI environ (the login gate runs before Django)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return meta.get("REMOTE_ADDR")


def lockout_message() -> str:
    return _(
        "Too many failed logins for this account or from this address. Logins are refused for %(minutes)d "
        "minutes after the last failed attempt; try again after that, or ask your administrator."
    ) % {"minutes": settings.AXES_COOLOFF_MINUTES}


def lockout_response(request, original_response=None, credentials=None):
    """429 with the cool-off stated: JSON for the API, the login page with the message for a browser."""
    retry_after = str(settings.AXES_COOLOFF_MINUTES * 60)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message(), "retry_after_seconds": int(retry_after)}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = retry_after
    return response


# -- the cheap refusal of a locked-out address -------------------------------------------------------------
# django-axes refuses a locked-out login before the password hash, but only after the request has gone through
# the middleware, the view and a few queries (~10-20 ms of a worker). A flood from one address would still hold
# the workers. Once axes has locked an address, the address is remembered in the cache until its cool-off ends
# (counted from the lockout, never extended), and its login POSTs are answered at the top of the middleware
# stack, with no database at all. A cache that is down only means the slower, still correct, refusal by axes.

LOGIN_PATHS = frozenset({"/login/", "/api/v1/auth/token/", "/admin/login/"})
LOCKED_ADDRESS_KEY = "accounts:locked-address:{}"
logger = logging.getLogger(__name__)


def _address_failures(ip_address: str) -> int:
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return (AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=threshold)
            .aggregate(n=Sum("failures_since_start"))["n"] or 0)


def remember_locked_address(sender, request=None, username=None, ip_address=None, **kwargs):
    """axes' user_locked_out: when the address itself is over the limit (not only the account), remember it."""
    if not ip_address:
        return
    key = LOCKED_ADDRESS_KEY.format(ip_address)
    try:
        if cache.get(key) is None and _address_failures(ip_address) >= settings.AXES_FAILURE_LIMIT:
            cache.add(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    except Exception:  # the cache's own error types vary; axes keeps refusing without it
        logger.warning("locked address not cached: the cache is unavailable", exc_info=True)


def address_locked(meta) -> bool:
    """Whether a login POST with this META/environ comes from an address axes has locked (the cache's word;
    a cache that is down says no, and axes refuses it further down)."""
    if not is_login_post(meta):
        return False
    try:
        return bool(cache.get(LOCKED_ADDRESS_KEY.format(client_ip_of(meta))))
    except Exception:
        return False


def is_login_post(meta) -> bool:
    return meta.get("REQUEST_METHOD") == "POST" and meta.get("PATH_INFO") in LOGIN_PATHS


# -- how many logins at once -------------------------------------------------------------------------------
# The lockout stops one address after AXES_FAILURE_LIMIT wrong passwords, but each of those costs a password
# hash (hundreds of milliseconds of a core, on purpose), and a flood from many addresses, or one that is not
# locked yet, would have every worker hashing. A login is worked on only while it holds one of
# LOGIN_CONCURRENCY slots of the host: an exclusive, non-blocking ``flock`` on a file per slot, which the kernel
# releases if the process dies. The slots are the host's because the CPU they protect is.

SLOT_HELD = "yantai.login_slot"  # set in the environ/META by whoever holds the slot for this request


@contextlib.contextmanager
def login_slot():
    """Yields True holding one of the host's LOGIN_CONCURRENCY login slots, or False when all are taken
    (at once: waiting would hold the worker the limit is there to keep free)."""
    slots = settings.LOGIN_CONCURRENCY
    if slots <= 0:
        yield True
        return
    directory = Path(settings.VAR_DIR) / "login-slots"
    for n in range(slots):
        try:
            fd = _slot_file(directory, n)
        except OSError:  # VAR_DIR not writable: logins go unbounded rather than fail (and it is said in the log)
            logger.warning("login slots unavailable under %s: logins are not bounded", directory, exc_info=True)
            yield True
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    yield False


def _slot_file(directory: Path, n: int) -> int:
    try:
        return os.open(directory / f"{n}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    except FileNotFoundError:
        directory.mkdir(parents=True, exist_ok=True)
        return os.open(directory / f"{n}.lock", os.O_CREAT | os.O_RDWR, 0o600)


def busy_message() -> str:
    return _("Many logins are being checked right now. Please try again in a few seconds.")


def busy_response(request):
    """503 with a retry hint: JSON for the API, the login page's message for a browser."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": busy_message(),
                                 "retry_after_seconds": settings.LOGIN_BUSY_RETRY_SECONDS}, status=503)
    else:
        response = render(request, "accounts/locked_out.html",
                          {"message": busy_message(), "title": _("Login busy")}, status=503)
    response["Retry-After"] = str(settings.LOGIN_BUSY_RETRY_SECONDS)
    return response


class LockedAddressMiddleware:
    """The refusals inside Django (the test client, runserver, a server that does not use ``LoginGate``): a
    locked address, then a login that finds no free slot."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_login_post(request.META):
            return self.get_response(request)
        if address_locked(request.META):
            return lockout_response(request)
        if request.META.get(SLOT_HELD):
            return self.get_response(request)
        with login_slot() as held:
            if not held:
                return busy_response(request)
            return self.get_response(request)


class LoginGate:
    """The same refusals as a WSGI middleware in front of Django (``yantai_inspect.wsgi``): a locked address's
    login POST is answered with the 429, and a login that finds every slot taken with the 503, before Django
    builds a request, runs its signals and middleware or touches the database. Under a flood of wrong
    passwords this is most of what the workers do, so its cost per request is what the flood takes from
    everyone else (docs/security.md, "Login flood")."""

    def __init__(self, app):
        self.app = app
        self._bodies: dict[tuple[str, bool], bytes] = {}

    def __call__(self, environ, start_response):
        if not is_login_post(environ):
            return self.app(environ, start_response)
        if address_locked(environ):
            return self._refuse(environ, start_response, "429 Too Many Requests", "locked",
                                settings.AXES_COOLOFF_MINUTES * 60)
        with login_slot() as held:
            if not held:
                return self._refuse(environ, start_response, "503 Service Unavailable", "busy",
                                    settings.LOGIN_BUSY_RETRY_SECONDS)
            environ[SLOT_HELD] = True
            # Django has done the work (and the hash) when it returns; the body is already rendered.
            return self.app(environ, start_response)

    def _refuse(self, environ, start_response, status: str, kind: str, retry_after: int):
        api = environ.get("PATH_INFO", "").startswith("/api/")
        body = self._bodies.get((kind, api))
        if body is None:
            body = self._bodies[(kind, api)] = _gate_body(kind, api, retry_after)
        start_response(status, [
            ("Content-Type", "application/json" if api else "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Retry-After", str(retry_after)),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", "default-src 'none'; style-src 'self'"),
        ])
        return [body]


def _gate_body(kind: str, api: bool, retry_after: int) -> bytes:
    """The refusal in the site's language (Chinese first), built once per process: the message depends only
    on the settings. The page is a bare one (no request to render the site's layout with) with the way back."""
    import json

    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        message = lockout_message() if kind == "locked" else busy_message()
        if api:
            return json.dumps({"detail": message, "retry_after_seconds": retry_after}, ensure_ascii=False).encode()
        title = _("Logins paused") if kind == "locked" else _("Login busy")
        return render_to_string("accounts/locked_out_bare.html", {"message": message, "title": title}).encode()
