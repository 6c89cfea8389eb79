"""Settings for the Yantai joint-inspection platform, read from the environment.

Production-safe unless told otherwise: with ``DJANGO_ENV`` unset the production settings apply (no debug, no
default key: it refuses to start without ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``SITE_URL``). ``make run`` and
the benches name ``DJANGO_ENV=local`` (SQLite, an embedded file-system Celery broker, the demo); the test suite
``test`` (yantai_inspect.settings_test).
"""

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "production")
if DJANGO_ENV not in {"local", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be local, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"
# Public (it is in this file): it signs QR codes and seals only on a developer's machine.
LOCAL_SECRET_KEY = "local-development-key-not-for-production"

if PRODUCTION:
    if not env_str("SECRET_KEY"):
        raise ImproperlyConfigured(
            "SECRET_KEY is required in production (DJANGO_ENV unset means production; "
            "DJANGO_ENV=local is the development set-up that `make run` uses)"
        )
    SECRET_KEY = env_str("SECRET_KEY")
    if SECRET_KEY == LOCAL_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be a secret of 32 characters or more, not the development key")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required in production")
    DEBUG = env_bool("DEBUG", False)
else:
    SECRET_KEY = env_str("SECRET_KEY", LOCAL_SECRET_KEY)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DEBUG = env_bool("DEBUG", DJANGO_ENV == "local")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "yantai_inspect.error_pages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "audit",
    "outbox",
    "notifications",
    "catalogue",
    "enterprises",
    "credit",
    "plans",
    "inspections",
    "complaints",
    "supervision",
    "portals",
    "oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A login POST from an address django-axes has locked out is refused here, before anything else runs.
    "accounts.lockout.LockedAddressMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session lifetimes; then officials without a second factor are sent to set one up.
    "accounts.sessions.SessionLifetimeMiddleware",
    "accounts.otp.SecondFactorRequiredMiddleware",
    # Query strings and form fields checked once for every page and API call (NUL, dates, integers).
    "yantai_inspect.inputs.InputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: a locked-out login attempt (django-axes) is answered with accounts.lockout's page or JSON.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yantai_inspect.urls"
WSGI_APPLICATION = "yantai_inspect.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.portal",
                "accounts.context_processors.security_banner",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A PostgreSQL streaming replica of the primary, for the dashboards' statistics (yantai_inspect.replica):
# reads inside ``replica_reads()`` go there, everything else stays on the primary. Unset: one database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # under the test suite: the test database itself
DATABASE_ROUTERS = ["yantai_inspect.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: a locked-out account or address is refused before the (deliberately slow) password hash.
    "axes.backends.AxesStandaloneBackend",
    # Django's password backend, reading the user's agency with the user (one query a signed-in request).
    "accounts.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous visitors get nothing.
GUARDIAN_MONKEY_PATCH_USER = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.ContextWordsValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded files are private: never under STATIC or a public URL; views check access and stream them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# No URL serves MEDIA_ROOT: uploads are streamed by views after an access check. The prefix exists only
# because Django's test live server expects one; nothing is routed there.
MEDIA_URL = "/private-media-is-not-served/"
# Complaints (行为云监督), in working days of the platform's calendar (plans.workdays), as Shandong's 12345
# hotline rules set them: handling starts within 1, a reply within 5, one extension of at most 10 with a
# reason, a misrouted complaint returned within 2.
COMPLAINT_ACCEPT_WORKDAYS = env_int("COMPLAINT_ACCEPT_WORKDAYS", 1)
COMPLAINT_REPLY_WORKDAYS = env_int("COMPLAINT_REPLY_WORKDAYS", 5)
COMPLAINT_EXTENSION_MAX_WORKDAYS = env_int("COMPLAINT_EXTENSION_MAX_WORKDAYS", 10)
COMPLAINT_RETURN_WORKDAYS = env_int("COMPLAINT_RETURN_WORKDAYS", 2)
# Supervision opinions (行政执法监督): the agency answers within SUPERVISION_ANSWER_WORKDAYS working days unless
# the bureau sets another deadline, of at most SUPERVISION_MAX_WORKDAYS.
SUPERVISION_ANSWER_WORKDAYS = env_int("SUPERVISION_ANSWER_WORKDAYS", 10)
SUPERVISION_MAX_WORKDAYS = env_int("SUPERVISION_MAX_WORKDAYS", 30)
# The enterprise may object to a finding of its record within OBJECTION_WINDOW_DAYS calendar days of signing
# or refusing it (inspections.objections.objection_window_closes).
OBJECTION_WINDOW_DAYS = env_int("OBJECTION_WINDOW_DAYS", 15)
# Visit burden (plans.burden): the justice bureau is alerted when an enterprise has more than BURDEN_ALERT_VISITS
# visits in a calendar period of BURDEN_PERIOD_MONTHS months (1, 2, 3, 4, 6 or 12), or when one agency visits it
# again within BURDEN_REPEAT_DAYS days. One city-wide rule read by the daily job and the pages alike.
BURDEN_ALERT_VISITS = env_int("BURDEN_ALERT_VISITS", 4)
BURDEN_PERIOD_MONTHS = env_int("BURDEN_PERIOD_MONTHS", 3)
if BURDEN_PERIOD_MONTHS not in (1, 2, 3, 4, 6, 12):
    raise ImproperlyConfigured("BURDEN_PERIOD_MONTHS must divide the year: 1, 2, 3, 4, 6 or 12")
BURDEN_REPEAT_DAYS = env_int("BURDEN_REPEAT_DAYS", 30)
# The 12345 enterprise hotline (政企通): complaints are posted to HOTLINE_URL from the outbox, signed with
# HMAC-SHA256 under HOTLINE_SECRET; its status updates come back signed with the same secret. No URL: nothing
# is sent (the delivery waits). No default secret in production (none: nothing is sent or accepted).
HOTLINE_URL = env_str("HOTLINE_URL", "")
HOTLINE_SECRET = env_str("HOTLINE_SECRET", "" if PRODUCTION else "dev-hotline-secret")
HOTLINE_TIMEOUT_SECONDS = env_int("HOTLINE_TIMEOUT_SECONDS", 10)
# An inbound update whose timestamp is further than this from now is refused (with the nonces, replays).
HOTLINE_MAX_SKEW_SECONDS = env_int("HOTLINE_MAX_SKEW_SECONDS", 300)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# A photo's pixel count is read from its header and refused above this before anything is decoded: a few
# hundred KB of PNG can describe 80 megapixels (~240 MB once decoded). 40 MP is more than any phone camera.
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
# At most this many photos are decoded at once per worker process; others wait up to the given seconds
# and are then refused (the memory of a burst of large uploads stays bounded).
UPLOAD_DECODE_CONCURRENCY = env_int("UPLOAD_DECODE_CONCURRENCY", 2)
UPLOAD_DECODE_WAIT_SECONDS = env_int("UPLOAD_DECODE_WAIT_SECONDS", 30)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    # __Host-: Secure, for this host only, path / (a sibling *.gov.cn host cannot set or read them).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# TLS is terminated in front of the platform (docker-compose.yml). Behind a proxy that sets
# X-Forwarded-Proto, SECURE_PROXY_SSL_HEADER_NAME=HTTP_X_FORWARDED_PROTO lets Django see HTTPS; the redirect to
# HTTPS is on in production unless the proxy already does it (SECURE_SSL_REDIRECT=False).
_proxy_header = env_str("SECURE_PROXY_SSL_HEADER_NAME", "")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# The health probe of the containers asks over plain HTTP from inside (docker-compose.yml).
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# The preload flag only offers the domain to the browsers' list; submitting it is a separate, deliberate step.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)

# Sessions: ended after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS after the login,
# whatever happens in between (accounts.sessions). The cookie lives as long as the absolute lifetime.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# Logins (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account, or from one address, that
# account or address is refused for AXES_COOLOFF_MINUTES, cheaply and before any password is hashed; the
# portal, the API token endpoint and the admin (which logs in through the portal's page) alike. The refusal
# says so in the user's language and for how long (accounts.lockout). Refused attempts during the cool-off do
# not extend it: the cool-off is the stated one.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Behind the proxy of docker-compose.yml the client's address is the proxy's unless it is read from the
# header the proxy sets: AXES_IPWARE_META_PRECEDENCE_ORDER / AXES_CLIENT_IP_CALLABLE (README, security.md).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False
# At most LOGIN_CONCURRENCY logins are worked on at once on a host (accounts.lockout.login_slot, a lock file per
# slot under VAR_DIR): each may cost a deliberately slow password hash, so a flood of wrong passwords from many
# addresses, before the lockout catches each one, holds at most these workers and this much CPU; the other
# workers and cores keep serving signed-in users. A login that finds every slot taken is answered 503 at once,
# with a retry hint, and counts as no attempt. 0: no limit. Default: half the host's cores, at least one.
LOGIN_CONCURRENCY = env_int("LOGIN_CONCURRENCY", max(1, (os.cpu_count() or 2) // 2))
LOGIN_BUSY_RETRY_SECONDS = 2

# Second factor (django-otp): TOTP, with recovery codes stored as digests (accounts.models.RecoveryCodeDevice).
# Required of officers, the justice bureau and administrators where OTP_REQUIRED (production by default): without
# a confirmed device they are sent to set one up before anything else. Enterprises may set one up; whoever has
# one is asked for a code at every login.
OTP_REQUIRED = env_bool("OTP_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = "烟台涉企联合检查平台"
OTP_RECOVERY_CODES = 10

# API tokens (accounts.tokens): one per device, issued at each login, revoked at logout from the API and on
# every password change.
API_TOKEN_LIFETIME_HOURS = env_int("API_TOKEN_LIFETIME_HOURS", 7 * 24)
API_TOKEN_MAX_DEVICES = env_int("API_TOKEN_MAX_DEVICES", 10)
# Proxies in front of the platform that append the client's address to X-Forwarded-For (0: none, the
# client is REMOTE_ADDR). The lockout (accounts.lockout.client_ip) and the API's throttles read it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# A Content-Security-Policy with no inline script (django-csp): scripts only from static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read on every signed-in request. With Redis (one cache shared by every process) they are read
# from it and written through to the database (cached_db: the database stays the record, so a restart or an
# eviction of the cache logs nobody out, and a logout deletes both). Without Redis the local-memory cache is
# per process: a logout in one worker would leave the session alive in the others' caches, so the database
# alone. Not signed cookies: a session must end on the server at logout and at its idle or absolute limit,
# not live on in a copied cookie for 12 hours. accounts.sessions.SessionStore lets a request through when the
# cache cannot be reached (the session is then read from the database), as the API throttles do.
SESSION_ENGINE = "accounts.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# Celery: Redis when REDIS_URL is set; otherwise kombu's file-system transport, so a real
# worker and beat run on a laptop or an intranet box with nothing else installed.
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # With a host named, kombu does not warn "No hostname was supplied" on every connection (it has none).
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    # kombu's file-system transport does not create its folders: a fresh clone (no make run yet) would answer
    # the first enqueue with a server error. A folder that cannot be made is left to say so at that enqueue.
    for _folder in ("queue", "processed", "control"):
        with contextlib.suppress(OSError):
            (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Tests run tasks in-process; a real deployment always goes through the broker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", DJANGO_ENV == "test")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs are declared here, in code. Each is rerunnable without double effects.
CELERY_BEAT_SCHEDULE = {
    "outbox-drain": {"task": "outbox.tasks.outbox_drain", "schedule": 60.0},
    # the safety net of the writers' on-commit enqueue (plans.statistics.cells_refresh_for_visits)
    "statistics-cells-compact": {"task": "plans.tasks.statistics_cells_compact", "schedule": 60.0},
    "plans-daily-checks": {"task": "plans.tasks.plans_daily_checks", "schedule": crontab(hour=1, minute=0)},
    "findings-overdue-check": {
        "task": "inspections.tasks.findings_overdue_check",
        "schedule": crontab(hour=8, minute=0),
    },
    # browser sessions ended by their idle or absolute limit without another request, expired API tokens
    "sessions-expired-clear": {"task": "accounts.tasks.sessions_expired_clear", "schedule": crontab(minute="*/15")},
    "certificate-expiry-warnings": {
        "task": "accounts.tasks.certificate_expiry_warnings",
        "schedule": crontab(hour=7, minute=5),
    },
    "licence-expiry-warnings": {
        "task": "enterprises.tasks.licence_expiry_warnings",
        "schedule": crontab(hour=7, minute=0),
    },
    "whitelist-proposals": {"task": "credit.tasks.whitelist_proposals", "schedule": crontab(hour=2, minute=30)},
    "complaints-deadlines": {
        "task": "complaints.tasks.complaints_deadlines_check",
        "schedule": crontab(hour=8, minute=30),
    },
    "supervision-opinions-overdue": {
        "task": "supervision.tasks.opinions_overdue_check",
        "schedule": crontab(hour=8, minute=40),
    },
    "burden-alerts": {"task": "plans.tasks.burden_alerts_check", "schedule": crontab(hour=6, minute=40)},
    # the yearly plan is due by 31 March: reminders from 1 March, once overdue (plans.yearly)
    "yearly-plan-reminders": {"task": "plans.tasks.yearly_plan_reminders", "schedule": crontab(hour=7, minute=10)},
    # the audit chain verified and its head anchored in a signed file and a message to the city bureau
    "audit-anchor": {"task": "accounts.tasks.audit_anchor", "schedule": crontab(hour=0, minute=30)},
    # the city's monthly oversight report of the month that ended, stored once (after that night's anchor)
    "oversight-monthly-report": {
        "task": "oversight.tasks.monthly_report",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
}
# The key of the audit chain's anchors (audit.anchoring); empty: derived from SECRET_KEY.
AUDIT_ANCHOR_KEY = env_str("AUDIT_ANCHOR_KEY", "")
# The daily verification (audit.verification.verify_chain_incremental) re-verifies the older chain in slices:
# every entry at least once in this many days.
AUDIT_VERIFY_CYCLE_DAYS = env_int("AUDIT_VERIFY_CYCLE_DAYS", 7)
if AUDIT_VERIFY_CYCLE_DAYS < 1:
    raise ImproperlyConfigured(f"AUDIT_VERIFY_CYCLE_DAYS must be 1 or more, not {AUDIT_VERIFY_CYCLE_DAYS}")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Per user (and per address for anonymous requests), counted in the cache; a cache that is down lets the
    # request through rather than failing it (accounts.throttles).
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttles.UserRateThrottle", "accounts.throttles.AnonRateThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "1200/min"),
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "yantai_inspect.schema.AutoSchema",  # the error answers documented
    # JSON bodies bounded in depth and checked like query strings (yantai_inspect.inputs).
    "DEFAULT_PARSER_CLASSES": [
        "yantai_inspect.inputs.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "yantai_inspect.pagination.LimitOffsetWithoutCount",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "yantai_inspect.api_errors.exception_handler",
}
# The API's documentation (/api/schema/, /api/docs/, /api/redoc/) is read by signed-in users in production;
# in development and tests it is open.
API_DOCS_LOGIN_REQUIRED = env_bool("API_DOCS_LOGIN_REQUIRED", PRODUCTION)

SPECTACULAR_SETTINGS = {
    # Translated for the reader (the schema is generated in the request's language: /api/schema/?lang=en).
    "TITLE": _("Yantai joint enterprise-inspection platform API"),
    "DESCRIPTION": _(
        "API for the officer app (山东通) and the enterprise app (爱山东). Sign in with a token "
        "(POST /api/v1/auth/token/) or the portal's session. Lists page with ?limit= and &offset= and give no total."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Operation summaries and descriptions in the reader's language (yantai_inspect/api_docs.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "yantai_inspect.api_docs.translate_operations",
    ],
    # Several models have a "status"; give each its own enum name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.models.Plan.Status",
        "JointTaskStatusEnum": "plans.models.JointTask.Status",
        "InvitationStatusEnum": "plans.models.Invitation.Status",
        "RecordStatusEnum": "inspections.models.InspectionRecord.Status",
        "FindingStatusEnum": "inspections.models.Finding.Status",
        "RectificationStatusEnum": "inspections.models.Rectification.Status",
        "RemoteCheckStatusEnum": "plans.models_remote.RemoteCheck.Status",
        "CapExemptionEnum": "plans.models.Plan.CapExemption",
        "WhitelistDecisionEnum": "credit.whitelist_api.WHITELIST_DECISIONS",
        "ReviewDecisionEnum": "plans.api.reviews.REVIEW_DECISIONS",
        # what a filing may claim (a re-check is set by the platform)
        "CapExemptionInputEnum": "plans.api.filing.CAP_EXEMPTION_INPUT_CHOICES",
        "ComplaintKindEnum": "complaints.models.Complaint.Kind",
        "ComplaintSourceEnum": "complaints.models.Complaint.Source",
        "ComplaintStatusEnum": "complaints.models.Complaint.Status",
        "HotlineDeliveryEnum": "complaints.models.Complaint.Delivery",
        "OpinionKindEnum": "supervision.models.Opinion.Kind",
        "OpinionSubjectEnum": "supervision.models.Opinion.Subject",
        "OpinionStatusEnum": "supervision.models.Opinion.Status",
        "ServiceRequestStatusEnum": "complaints.models.ServiceRequest.Status",
    },
}

# Domain numbers (domain.md). Kept here so an operator can see them in one place.
LICENCE_WARNING_DAYS = env_int("LICENCE_WARNING_DAYS", 30)
CERTIFICATE_WARNING_DAYS = env_int("CERTIFICATE_WARNING_DAYS", 30)
QR_TOKEN_MAX_AGE_DAYS = env_int("QR_TOKEN_MAX_AGE_DAYS", 365)



def _client_errors_without_traceback(record) -> bool:
    """A refused or missing page is logged in one line; the traceback is kept for server errors."""
    if getattr(record, "status_code", 500) < 500:
        record.exc_info = record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_without_traceback": {
            "()": "django.utils.log.CallbackFilter",
            "callback": _client_errors_without_traceback,
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["client_errors_without_traceback"]},
        # Lockouts and repeated failures are warnings; every attempt's INFO line is noise.
        "axes": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Plan filing (domain.md rule 1) and the scheduler.
PLAN_ADVANCE_DAYS = env_int("PLAN_ADVANCE_DAYS", 7)
VISIT_FIX_DAYS_BEFORE = env_int("VISIT_FIX_DAYS_BEFORE", 3)
PLAN_WINDOW_MAX_DAYS = env_int("PLAN_WINDOW_MAX_DAYS", 60)
# A plan is filed within a year of its visit (yearly plans are the longest horizon the rules know).
PLAN_HORIZON_DAYS = env_int("PLAN_HORIZON_DAYS", 366)
# An enterprise's busy periods keep routine visits away: at most this many busy days in any 365 days.
BUSY_DAYS_MAX_PER_YEAR = env_int("BUSY_DAYS_MAX_PER_YEAR", 60)
# 检查审批: a green-channel inspection of an agency whose plans need the head's approval is approved by the head
# within this many working days (plans.workdays) after its filing day, or flagged to the justice bureau.
GREEN_CHANNEL_APPROVAL_WORKDAYS = env_int("GREEN_CHANNEL_APPROVAL_WORKDAYS", 3)
# 非现场检查 (plans.remote): the enterprise sends the documents or photos of a remote check within this many
# working days of the request; problems found are to be fixed within the second number.
REMOTE_CHECK_SUBMIT_WORKDAYS = env_int("REMOTE_CHECK_SUBMIT_WORKDAYS", 5)
REMOTE_CHECK_RECTIFY_WORKDAYS = env_int("REMOTE_CHECK_RECTIFY_WORKDAYS", 10)
# What a remote check accepts (inspections.pdf_uploads, inspections.services.remote): files in all, PDF pages.
REMOTE_EVIDENCE_MAX_FILES = env_int("REMOTE_EVIDENCE_MAX_FILES", 20)
REMOTE_EVIDENCE_MAX_PAGES = env_int("REMOTE_EVIDENCE_MAX_PAGES", 50)
INVITATION_REMIND_DAYS_BEFORE = env_int("INVITATION_REMIND_DAYS_BEFORE", 2)
# A campaign files one plan per enterprise, all or none, in one transaction: at most this many enterprises.
CAMPAIGN_MAX_ENTERPRISES = env_int("CAMPAIGN_MAX_ENTERPRISES", 500)

# The platform's public address, the one base of every absolute link (QR codes, PDFs, the apps' links):
# yantai_inspect.site.absolute_url. `make run` sets it from HOST and PORT; production must say it.
SITE_URL = env_str("SITE_URL", None if PRODUCTION else "http://127.0.0.1:8000", required=PRODUCTION).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}")
