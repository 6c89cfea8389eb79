"""Dashboard reads on a PostgreSQL read replica, when one is configured (``DATABASE_REPLICA_URL``).

The statistics of the dashboards read a city's (a province's) year of plans: the heaviest reads of the
platform, and the only ones that can be a few seconds behind the primary without harm. Code that computes
such figures runs them inside ``replica_reads()``; ``ReplicaRouter`` then sends the reads of that block to
the ``replica`` database. Everything else (every write, every read outside such a block, so that a page
always shows what its user just did) stays on ``default``. With no replica configured nothing changes.

This module imports no app (``tests/test_dependencies.py``, SHARED_MODULES)."""

import contextvars
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"

_reading = contextvars.ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Route the reads of this block to the replica (when configured). Only for read-only figures that may
    lag the primary by the replica's delay: never around a write, nor around a read whose result feeds one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_reads_active() -> bool:
    return _reading.get()


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads inside ``replica_reads()`` go to the replica; the rest is Django's default routing."""

    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a physical copy of the primary: migrations run on the primary only.
        return False if db == REPLICA else None
