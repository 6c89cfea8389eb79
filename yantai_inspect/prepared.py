"""Statements compiled once per process from querysets (a hot path's "prepared querysets").

Compiling a queryset into SQL costs Python time on every call (filing's refresh of a visit's counts,
statistics days and participation rows: about a quarter of the request's Python before issue 8's third
pass). When the statement's shape never changes and only its values do, ``prepared`` builds it once with
*sentinel* values, remembers which parameters are which sentinel, and later binds the real values into the
same SQL. The querysets stay the one definition of the rule; only their compilation is cached.

Sentinels must be values no rule puts into a statement by itself (a negative id, a date in 1901): every
parameter equal to a sentinel (same type and value) is replaced, the others are kept as compiled.
"""

import copy
import datetime as dt
from collections.abc import Callable

from django.db import connections, router

# Values that no filter, default or constant of the app produces on its own.
SENTINEL_ID = -7_300_000_001
SENTINEL_DAY = dt.date(1901, 2, 3)

_statements: dict[str, tuple[str, list, list]] = {}
_querysets: dict[tuple[str, str, int], tuple] = {}  # (key, database alias, id of its connection)


def _slots(params, sentinels: dict) -> list | None:
    """Which sentinel each parameter is (None: a constant); None when two sentinels share a value."""
    by_value = {(type(value), value): name for name, value in sentinels.items()}
    if len(by_value) < len(sentinels):  # e.g. a setting makes a derived sentinel equal another: not cached
        return None
    return [by_value.get((type(p), p)) for p in params]


def prepared(key: str, build: Callable[..., tuple[str, list]], /, **sentinels) -> Callable[..., tuple[str, list]]:
    """The statement ``build(**sentinels)`` returns, compiled on the first call for ``key`` in this process;
    returns ``bind(**values)`` giving ``(sql, params)`` with each sentinel's parameter replaced by the value of
    the same name. ``sentinels`` may include values derived from others (a day's fixing horizon) that
    ``build`` computes: name them too, and bind them too."""
    entry = _statements.get(key)
    if entry is None:
        sql, params = build(**sentinels)
        slots = _slots(params, sentinels)
        if slots is None:
            return lambda **values: build(**values)
        entry = _statements[key] = (sql, list(params), slots)
    sql, params, slots = entry

    def bind(**values) -> tuple[str, list]:
        return sql, [values[slot] if slot else p for p, slot in zip(params, slots, strict=True)]

    return bind


def prepared_queryset(key: str, model, build: Callable, /, **sentinels) -> Callable:
    """``prepared`` for a queryset of ``model`` read as usual (model instances, ``select_related``, ``only``,
    values): ``build(**sentinels)`` returns the queryset, whose compiler is kept after its first compilation
    in this process (per database connection the router reads ``model`` from); returns ``bind(**values)``
    giving a queryset that runs the same SQL with the values bound, through that compiler's copy, so Django
    builds its rows as it would have. Its shape is fixed: ``bind``'s queryset takes no further filters."""
    alias = router.db_for_read(model)
    cache_key = (key, alias, id(connections[alias]))
    entry = _querysets.get(cache_key)
    if entry is None:
        queryset = build(**sentinels).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = _slots(params, sentinels)
        if slots is None:
            return lambda **values: build(**values)
        entry = _querysets[cache_key] = (queryset, compiler, sql, list(params), slots)
    queryset, compiler, sql, params, slots = entry

    def bind(**values):
        bound = (sql, tuple(values[slot] if slot else p for p, slot in zip(params, slots, strict=True)))
        runner = copy.copy(compiler)
        runner.as_sql = lambda *args, **kwargs: bound
        clone = queryset.all()
        clone.query.get_compiler = lambda *args, **kwargs: runner
        return clone

    return bind


def forget() -> None:
    """Compile again on the next call (tests that change settings a statement depends on)."""
    _statements.clear()
    _querysets.clear()
