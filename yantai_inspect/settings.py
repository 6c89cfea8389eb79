"""Settings for the Yantai joint-inspection platform, read from the environment.

Defaults run the platform locally on SQLite with an embedded (file-system) Celery
broker. ``DJANGO_ENV=production`` refuses to start without real secrets.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "local")
if DJANGO_ENV not in {"local", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be local, test or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required in production")
    DEBUG = env_bool("DEBUG", False)
else:
    SECRET_KEY = env_str("SECRET_KEY", "local-development-key-not-for-production")
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
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
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
    "portals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Query strings and form fields checked once for every page and API call (NUL, dates, integers).
    "yantai_inspect.inputs.InputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous visitors get nothing.
GUARDIAN_MONKEY_PATCH_USER = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
    "certificate-expiry-warnings": {
        "task": "accounts.tasks.certificate_expiry_warnings",
        "schedule": crontab(hour=7, minute=5),
    },
    "licence-expiry-warnings": {
        "task": "enterprises.tasks.licence_expiry_warnings",
        "schedule": crontab(hour=7, minute=0),
    },
    "whitelist-proposals": {"task": "credit.tasks.whitelist_proposals", "schedule": crontab(hour=2, minute=30)},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
SPECTACULAR_SETTINGS = {
    "TITLE": "Yantai joint enterprise-inspection platform API",
    "DESCRIPTION": "API for the officer app (山东通) and the enterprise app (爱山东).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status"; give each its own enum name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.models.Plan.Status",
        "JointTaskStatusEnum": "plans.models.JointTask.Status",
        "InvitationStatusEnum": "plans.models.Invitation.Status",
        "RecordStatusEnum": "inspections.models.InspectionRecord.Status",
        "FindingStatusEnum": "inspections.models.Finding.Status",
        "RectificationStatusEnum": "inspections.models.Rectification.Status",
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
    "loggers": {"django.request": {"filters": ["client_errors_without_traceback"]}},
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
INVITATION_REMIND_DAYS_BEFORE = env_int("INVITATION_REMIND_DAYS_BEFORE", 2)
# A campaign files one plan per enterprise, all or none, in one transaction: at most this many enterprises.
CAMPAIGN_MAX_ENTERPRISES = env_int("CAMPAIGN_MAX_ENTERPRISES", 500)

# The platform's public address, the one base of every absolute link (QR codes, PDFs, the apps' links):
# yantai_inspect.site.absolute_url. `make run` sets it from HOST and PORT; production must say it.
SITE_URL = env_str("SITE_URL", None if PRODUCTION else "http://127.0.0.1:8000", required=PRODUCTION).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}")
