"""The one rule for finding enterprises by what a user types: a fragment of the name (two characters or more,
anywhere in it) or a prefix of the unified social credit code (letters and digits), or the whole code.

``enterprise_match`` is that rule as a ``Q``, for the enterprise lists and typeahead and for any list that
filters by enterprise (the plan list goes through ``enterprise__``). On PostgreSQL it also chooses how the
database finds a name fragment, so that every fragment is answered from an index in milliseconds. Measured
on 930,000 names (bench/search_fragments.py, docs/performance.md):

- a fragment whose rarest character bigram is in few names gets the bigram pre-filter of migration 0002
  (``bigrams(name) @> {rarest bigram}``): the GIN index (with the division since migration 0004) gives
  those candidates and ``LIKE`` checks them.
  Building the bitmap costs about 0.2 µs a candidate, but each candidate read is a heap page of its own
  (20-35 µs when not in shared buffers): a list in code order reads and sorts every candidate, so it takes
  the index up to ``ORDERED_INDEX_MAX_CANDIDATES``; the typeahead stops after its first 21 and takes it up
  to ``INDEX_MAX_CANDIDATES``;
- a commoner fragment gets no pre-filter: the code order (an index walk, per division for a district's
  scope) is read until the page is full, about page size / share of names rows at 1-2 µs each (the walk
  reads the heap nearly in order). The pre-filter would be the slow choice: GIN builds the bitmap of every
  candidate ("餐饮管理": 46,000) before the first row comes out, and a list then sorts all of them.

How common a bigram is comes from the planner's statistics of the index expression (``ANALYZE``, kept by
autovacuum; migration 0004 raises their detail so that bigrams down to about a hundred names are counted).
A bigram missing from them is rarer than the rarest one counted. Without statistics (a new database) every
fragment takes the pre-filter, which is right for a small table. Either way the rows are the same: the
pre-filter only drops names that cannot contain the fragment. SQLite keeps the plain ``LIKE``.
"""

import re
import time
from typing import NamedTuple

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

from .models import Enterprise

SEARCH_MIN_CHARS = 2
USCC_LENGTH = 18
# Where the index and the code-order walk cost the same at city size (see above): about sqrt(page size x
# names x walk cost per row / index cost per candidate).
INDEX_MAX_CANDIDATES = 10_000
ORDERED_INDEX_MAX_CANDIDATES = 1_000
BIGRAM_INDEX = "enterprise_name_bigrams_division_gin"  # migration 0004; column 2 the bigrams
_CODE_PREFIX = re.compile(r"[0-9A-Za-z]+")
_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def clean_query(query: str) -> str:
    """What the user typed, without NUL bytes (PostgreSQL refuses them in text) and surrounding blanks."""
    return (query or "").replace("\x00", "").strip()


def name_bigrams(text: str) -> list[str]:
    """The character bigrams of ``text``, as the database function of migration 0002 computes them."""
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


class NameBigrams(Func):
    """``enterprise_name_bigrams(name)``: the PostgreSQL function behind the GIN index of migration 0002."""

    function = "enterprise_name_bigrams"
    arity = 1
    output_field = ArrayField(TextField())


STATISTICS_MAX_AGE = 600  # seconds a process keeps the statistics it read
_statistics: dict[str, tuple[float, object]] = {}


class NameStatistics(NamedTuple):
    bigrams: dict[str, float]  # share of names containing each counted bigram
    floor: float  # share of the rarest bigram counted: any other is rarer
    names: float
    divisions: dict[str, float]  # share of names in each division


def bigram_statistics() -> NameStatistics | None:
    """How common bigrams and divisions are among the names, from the last ``ANALYZE`` of the enterprises,
    or ``None`` before one. Each process reads them (two queries, a few ms) at most every
    ``STATISTICS_MAX_AGE`` seconds: they change only when ``ANALYZE`` runs."""
    database = connection.settings_dict["NAME"]
    loaded_at, value = _statistics.get(database, (None, None))
    if loaded_at is not None and time.monotonic() - loaded_at < STATISTICS_MAX_AGE:
        return value
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples
            FROM pg_stats s JOIN pg_class c ON c.oid = s.tablename::regclass
            WHERE s.schemaname = current_schema() AND s.tablename = %s AND s.attname = 'enterprise_name_bigrams'
            """,
            [BIGRAM_INDEX],
        )
        row = cursor.fetchone()
        cursor.execute(
            """
            SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats
            WHERE schemaname = current_schema() AND tablename = 'enterprises_enterprise' AND attname = 'division'
            """
        )
        divisions = cursor.fetchone()
    if row is None or row[0] is None:
        value = None
    else:
        elems, freqs, names = row
        # most_common_elem_freqs ends with the minimum, the maximum and the share of null elements
        value = NameStatistics(dict(zip(elems, freqs, strict=False)), freqs[len(elems)], max(names, 0),
                               dict(zip(*divisions, strict=True)) if divisions and divisions[0] else {})
    _statistics[database] = (time.monotonic(), value)
    return value


def forget_statistics() -> None:
    """Read the statistics again on the next search (after an ``ANALYZE`` in a test)."""
    _statistics.clear()


def rarest_bigram(fragment: str) -> tuple[str, float | None]:
    """The fragment's bigram in the fewest names, and about how many names contain it (``None``: no
    statistics)."""
    bigrams = name_bigrams(fragment)
    statistics = bigram_statistics()
    if statistics is None:
        return bigrams[0], None
    counted, floor, names = statistics.bigrams, statistics.floor, statistics.names
    uncounted = [b for b in bigrams if b not in counted]
    if uncounted:  # rarer than the rarest bigram the statistics counted
        return uncounted[0], floor * names
    rarest = min(bigrams, key=counted.get)
    return rarest, counted[rarest] * names


class Match(NamedTuple):
    q: Q | None  # None: nothing can match
    in_code_order: bool  # read along the code order (an index walk); False: a few candidates in no order


class TextArray(Func):
    """``ARRAY[text]``: a one-element array built in SQL from a text parameter, so that the statement's
    parameters stay plain values (``yantai_inspect.prepared`` binds them into a statement compiled once)."""

    template = "ARRAY[%(expressions)s]::text[]"
    arity = 1
    output_field = ArrayField(TextField())


def _contains(query: str, via: str) -> Q:
    # strpos(name, q) > 0 is LIKE '%q%' on PostgreSQL, but the planner estimates a third of the rows for it
    # instead of guessing from the name histogram: a middling fragment estimated at 90 names (1,036 in
    # fact) sent the code-order walk to a parallel scan and sort of all 930,000 names (320 ms).
    return Q(GreaterThan(StrIndex(F(f"{via}name"), Value(query)), 0))


def _has_bigram(bigram: str, via: str) -> Q:
    """The bigram pre-filter: names whose bigrams include ``bigram`` (the GIN index of migration 0005)."""
    return Q(DataContains(NameBigrams(F(f"{via}name")), TextArray(Value(bigram))))


WALK, BIGRAM = "walk", "bigram"  # how PostgreSQL is sent for a name fragment alone (``name_strategy``)


def name_strategy(query: str, *, ordered: bool = True, division: str = "") -> tuple[str, str] | None:
    """For a name fragment that is not also a code prefix, on PostgreSQL: ``(WALK, "")`` (along the code
    order) or ``(BIGRAM, its rarest bigram)`` (the index's few candidates), as ``enterprise_match`` chooses;
    None for any other query (a code, a code prefix, too short, SQLite): ``enterprise_match`` builds it."""
    if (len(query) == USCC_LENGTH or len(query) < SEARCH_MIN_CHARS or _CODE_PREFIX.fullmatch(query)
            or connection.vendor != "postgresql"):
        return None
    bigram = _index_bigram(query, ordered=ordered, division=division)
    return (WALK, "") if bigram is None else (BIGRAM, bigram)


def _most_candidates(ordered: bool) -> int:
    return ORDERED_INDEX_MAX_CANDIDATES if ordered else INDEX_MAX_CANDIDATES


def _index_bigram(query: str, *, ordered: bool, division: str) -> str | None:
    """The fragment's rarest bigram when the bigram index pays for it (few enough candidates for the
    caller, see the module's notes), else None (walk the code order)."""
    bigram, names = rarest_bigram(query)
    if names is not None and ordered and division:
        names *= bigram_statistics().divisions.get(division, 1)
    return None if names is not None and names > _most_candidates(ordered) else bigram


def name_match_q(query: str, strategy: str, bigram: str = "", *, via: str = "") -> Q:
    """The ``Q`` of ``name_strategy``'s answer: a name containing ``query``, with the bigram pre-filter
    for ``BIGRAM``. ``enterprise_match`` returns it; a hot caller may compile it once with
    ``yantai_inspect.prepared`` and bind ``query`` and ``bigram``."""
    if strategy == BIGRAM:
        return _has_bigram(bigram, via) & _contains(query, via)
    return _contains(query, via)


def _code_range(prefix: str, via: str) -> Q:
    """``uscc`` starting with ``prefix``, as the range of the code index it lies in. Codes are digits and
    capital letters, which every collation orders as ASCII does, so the range is exact; unlike LIKE it lets
    the code index start at the prefix and stop after it, and the planner estimates it right."""
    last = _ALPHANUMERIC.find(prefix[-1])
    if last == len(_ALPHANUMERIC) - 1:
        return Q(**{f"{via}uscc__startswith": prefix})
    return Q(**{f"{via}uscc__gte": prefix, f"{via}uscc__lt": prefix[:-1] + _ALPHANUMERIC[last + 1]})


def enterprise_match(query: str, *, via: str = "", ordered: bool = True, division: str = "") -> Match:
    """Enterprises matching ``query`` (cleaned with ``clean_query``): its whole credit code (18 characters),
    else a name containing it (two characters or more) or a code starting with it (letters and digits).
    ``via`` is the path from the queried model (``"enterprise__"``); ``ordered``: the caller reads the
    matches in code order (a list), not just any few of them (the typeahead); ``division``: the caller
    reads one division's enterprises only (the index then gives that division's share of the candidates)."""
    if len(query) == USCC_LENGTH:
        return Match(Q(**{f"{via}uscc": query.upper()}), True)
    by_code = _code_range(query.upper(), via) if _CODE_PREFIX.fullmatch(query) else None
    if len(query) < SEARCH_MIN_CHARS:
        return Match(by_code, True)
    if connection.vendor != "postgresql":
        by_name = Q(**{f"{via}name__contains": query})
        return Match(by_name | by_code if by_code else by_name, True)
    if by_code is None:
        strategy, bigram = name_strategy(query, ordered=ordered, division=division)
        return Match(name_match_q(query, strategy, bigram, via=via), strategy == WALK or ordered)
    walk = Match(_contains(query, via) | by_code, True)
    bigram, most = _index_bigram(query, ordered=ordered, division=division), _most_candidates(ordered)
    if bigram is None:
        return walk
    # A code prefix's rows lie in one range of the code order, a rare fragment's names anywhere: in one
    # statement PostgreSQL would walk the code order computing every name's bigrams up to the range (30 s
    # for a district's prefix). So the few names come first, by the index, and the range is read after.
    ids = list(Enterprise.objects.filter(_has_bigram(bigram, ""), name__contains=query)
               .values_list("pk", flat=True)[: most + 1])
    if len(ids) > most:  # the statistics were wrong: the plain rule along the code order
        return walk
    return Match(by_code | Q(**{f"{via}pk__in": ids}) if ids else by_code, True)


def enterprise_match_q(query: str, *, via: str = "") -> Q | None:
    """``enterprise_match(...).q`` for a list in its own order through a join (the plan list by date). Each
    row such a list walks costs a random read of its enterprise (1.2 s for the city's plans of a fragment
    in 1,800 names), so the index pays up to ``INDEX_MAX_CANDIDATES`` as for the typeahead."""
    return enterprise_match(query, via=via, ordered=False).q
