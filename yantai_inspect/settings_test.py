"""Settings for the test suite: the same settings, read with DJANGO_ENV=test."""

import os

# Always the test environment, whatever the shell exports (DJANGO_ENV=local from a make target or a habit made
# tasks lazy and the hotline and audit-verification tests fail).
os.environ["DJANGO_ENV"] = "test"

# pytest-xdist runs the suite in several processes (make test: one per core). Each has its own test database
# (pytest-django adds the worker's name); on Redis each takes its own database number too, so one worker's
# cache.clear() or lockout keys never reach another's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(os.environ["REDIS_URL"])
    _db = int(_url.path.strip("/") or 0)
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{(_db + int(_worker[2:])) % 16}"))

from .settings import *  # noqa: E402,F403

# Fast hashing: tests create many users; production keeps Django's default hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Many tests move the clock by days within one login (time_machine): the idle and absolute session lifetimes
# are off here and Django's two-week cookie is kept; accounts/tests/test_sessions.py turns them on.
SESSION_IDLE_SECONDS = 0
SESSION_ABSOLUTE_SECONDS = 0
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60

# Sessions in the database on every run (the settings put them in the cache with Redis): the query-count pins
# then count the same statements on SQLite and on PostgreSQL with Redis. accounts/tests/test_sessions.py tests
# the cached store (accounts.sessions) on each run's cache.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
