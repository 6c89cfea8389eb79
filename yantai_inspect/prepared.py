"""Statements compiled once per process from querysets (a hot path's "prepared querysets").

Compiling a queryset into SQL costs Python time on every call (filing's refresh of a visit's counts,
statistics days and participation rows: about a quarter of the request's Python before issue 8's third
pass). When the statement's shape never changes and only its values do, ``prepared`` builds it once with
*sentinel* values, remembers which parameters are which sentinel, and later binds the real values into the
same SQL. The querysets stay the one definition of the rule; only their compilation is cached.

Sentinels must be values no rule puts into a statement by itself (a negative id, a date in 1901): every
parameter equal to a sentinel (same type and value, or a day as the backend adapts it) is replaced, the
others are kept as compiled. A statement in which a sentinel cannot be found is not prepared (it is built
with the real values on every call), so a sentinel never reaches the database.
"""

import copy
import datetime as dt
from collections.abc import Callable

from django.db import connection, connections, router

# Values that no filter, default or constant of the app produces on its own.
SENTINEL_ID = -7_300_000_001
SENTINEL_DAY = dt.date(1901, 2, 3)

_statements: dict[str, tuple[str, list, list]] = {}
_querysets: dict[tuple[str, str, int], tuple] = {}  # (key, database alias, id of its connection)


def _forms(value, ops) -> list[tuple[object, Callable]]:
    """The forms a value takes among a compiled statement's parameters, each with the function that gives a
    real value the same form: itself, and for a day or a time the backend's adaptation (SQLite passes dates
    as ISO strings, PostgreSQL as dates)."""
    forms = [(value, lambda v: v)]
    if isinstance(value, dt.datetime):
        adapt = ops.adapt_datetimefield_value
    elif isinstance(value, dt.date):
        adapt = ops.adapt_datefield_value
    else:
        return forms
    adapted = adapt(value)
    if (type(adapted), adapted) != (type(value), value):
        forms.append((adapted, adapt))
    return forms


def _slots(params, sentinels: dict, ops) -> list | None:
    """For each parameter, ``(sentinel name, adaptation)`` or None (a constant); None when the statement
    cannot be prepared: two sentinels share a form, or a sentinel is not among the parameters (it reached
    the SQL in a form not recognised: the statement would keep it)."""
    by_form = {}
    for name, value in sentinels.items():
        for form, adapt in _forms(value, ops):
            if (type(form), form) in by_form:  # e.g. a setting makes a derived sentinel equal another
                return None
            by_form[(type(form), form)] = (name, adapt)
    slots = [by_form.get((type(p), p)) for p in params]
    if {slot[0] for slot in slots if slot} != set(sentinels):
        return None
    return slots


def _other(value):
    """A second sentinel beside ``value``, of the same type: ids one lower, days a week later, text longer."""
    if isinstance(value, bool):
        raise TypeError("a flag cannot be a sentinel")
    if isinstance(value, int):
        return value - 1
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=7)
    if isinstance(value, str):
        return value + "~"
    raise TypeError(f"no second sentinel for {type(value).__name__}")


def _compiled(compile_with, sentinels: dict, ops):
    """``(sql, params, slots)`` of the statement ``compile_with(**values)`` compiles, or None when it cannot be
    prepared. It is compiled twice, with the sentinels and with a second set beside them (``_other``): the
    SQL must be the same, and every parameter that differs between the two must be a sentinel's in both, so
    that a value derived from a sentinel and not named (a day plus three) is caught rather than kept."""
    first = compile_with(**sentinels)
    others = {name: _other(value) for name, value in sentinels.items()}
    second = compile_with(**others)
    if first[0] != second[0]:
        return None
    slots, other_slots = _slots(first[1], sentinels, ops), _slots(second[1], others, ops)
    if slots is None or other_slots is None:
        return None
    for a, b, slot, other_slot in zip(first[1], second[1], slots, other_slots, strict=True):
        if (slot and slot[0]) != (other_slot and other_slot[0]) or (slot is None and a != b):
            return None
    return first[0], list(first[1]), slots


def _bound(params, slots, values) -> list:
    return [slot[1](values[slot[0]]) if slot else p for p, slot in zip(params, slots, strict=True)]


def prepared(key: str, build: Callable[..., tuple[str, list]], /, **sentinels) -> Callable[..., tuple[str, list]]:
    """The statement ``build(**sentinels)`` returns, compiled on the first call for ``key`` in this process;
    returns ``bind(**values)`` giving ``(sql, params)`` with each sentinel's parameter replaced by the value of
    the same name. ``sentinels`` may include values derived from others (a day's fixing horizon) that
    ``build`` computes: name them too, and bind them too."""
    entry = _statements.get(key)
    if entry is None:
        entry = _compiled(build, sentinels, connection.ops)
        if entry is None:
            return lambda **values: build(**values)
        _statements[key] = entry
    sql, params, slots = entry

    def bind(**values) -> tuple[str, list]:
        return sql, _bound(params, slots, values)

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
        kept = {}

        def compile_with(**values):
            queryset = build(**values).using(alias)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            kept.setdefault("first", (queryset, compiler))
            return sql, params

        compiled = _compiled(compile_with, sentinels, connections[alias].ops)
        if compiled is None:
            return lambda **values: build(**values)
        entry = _querysets[cache_key] = (*kept["first"], *compiled)
    queryset, compiler, sql, params, slots = entry

    def bind(**values):
        bound = (sql, tuple(_bound(params, slots, values)))
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
