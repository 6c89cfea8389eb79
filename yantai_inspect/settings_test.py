"""Settings for the test suite: the same settings, read with DJANGO_ENV=test."""

import os

# Always the test environment, whatever the shell exports (DJANGO_ENV=local from a make target or a habit made
# tasks lazy and the hotline and audit-verification tests fail).
os.environ["DJANGO_ENV"] = "test"

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
