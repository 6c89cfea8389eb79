from accounts.divisions import CITY_CODE
from yantai_inspect.prepared import prepared_queryset

from .models import Enterprise, EnterpriseAccount, Licence
from .name_search import SEARCH_MIN_CHARS, WALK, clean_query, enterprise_match, name_match_q, name_strategy


def enterprise_of_user(*, user) -> Enterprise | None:
    """The one enterprise an enterprise account acts for."""
    if not (user.is_authenticated and user.is_enterprise):
        return None
    account = EnterpriseAccount.objects.select_related("enterprise").filter(user=user).first()
    return account.enterprise if account else None


def _agency_division(user) -> str:
    """The one division a district agency's user sees; "" for a city-level agency (the whole city)."""
    division = user.agency.division if user.agency_id else ""
    return "" if division == CITY_CODE else division


def enterprises_scope(*, user) -> tuple:
    """Which enterprises the user may see, as data: ``("all",)``, ``("division", code)``, ``("none",)``, or
    ``("account", user)`` for an enterprise account (its own enterprise, a guardian object permission). The
    first three are the same for every user who has them (``enterprises.access`` prepares their statements
    once per scope)."""
    if not user.is_authenticated:
        return ("none",)
    if user.is_platform_admin:
        return ("all",)
    if user.role in ("officer", "justice") and user.agency_id:
        division = _agency_division(user)
        return ("division", division) if division else ("all",)
    if user.is_enterprise:
        return ("account", user)
    return ("none",)


def enterprises_in_scope(scope: tuple):
    """The enterprises of a scope of ``enterprises_scope``, with their credit profile."""
    qs = Enterprise.objects.select_related("credit")
    kind = scope[0]
    if kind == "all":
        return qs
    if kind == "division":
        return qs.filter(division=scope[1])
    if kind == "account":
        from guardian.shortcuts import get_objects_for_user

        return get_objects_for_user(scope[1], "enterprises.view_enterprise", klass=qs, accept_global_perms=False)
    return qs.none()


def enterprises_for_user(*, user):
    """Enterprises the user may see: a city-level agency the whole city, a district agency its
    district, an enterprise account its own enterprise (a guardian object permission), admins all."""
    return enterprises_in_scope(enterprises_scope(user=user))


SUGGESTIONS = 20
# What a suggestion shows (``enterprises.api``'s ``EnterpriseSuggestionSerializer``): the rest of the row is not
# read on a keystroke.
_SUGGESTION_COLUMNS = ("uscc", "name", "division", "credit__whitelisted")


def _matching(*, user, query: str, division="", theme="", whitelisted=None, ordered: bool = True):
    """Enterprises in scope matching ``query``, in code order, or (``ordered=False``) in the order the
    index gives them when that is cheaper for a rare fragment (``name_search.enterprise_match``)."""
    qs = enterprises_for_user(user=user)
    if division:
        qs = qs.filter(division=division)
    if theme:
        qs = qs.filter(themes__code=theme)
    if whitelisted is not None:
        qs = qs.filter(credit__whitelisted=whitelisted)
    if not query:
        return qs.order_by("uscc")
    in_agency = user.is_authenticated and user.role in ("officer", "justice") and user.agency_id
    one_division = division or (_agency_division(user) if in_agency else "")
    match = enterprise_match(query, ordered=ordered, division=one_division)
    if match.q is None:
        return qs.none()
    return qs.filter(match.q).order_by(*(["uscc"] if match.in_code_order else []))


def enterprise_search(*, user, query: str = "", division: str = "", theme: str = "", whitelisted=None):
    """Enterprises in the user's scope by a fragment of their name (two characters or more, any position)
    or a prefix of their credit code (``name_search.enterprise_match``), ordered by code, for the lists
    that page through them (callers page without counting). On an index whatever the fragment: see
    ``name_search`` for how PostgreSQL is led to the bigram index or along the code order."""
    query = clean_query(query)
    return _matching(user=user, query=query, division=division, theme=theme, whitelisted=whitelisted)


# A prepared statement's placeholders (``yantai_inspect.prepared``): no fragment, bigram or division code
# looks like these.
_SENTINEL_QUERY, _SENTINEL_BIGRAM, _SENTINEL_DIVISION = "\x01q", "\x01b", "\x01d"


def _suggestion_rows(*, scope: tuple, query: str, strategy: str, bigram: str, limit: int):
    """The typeahead's rows for a name fragment in an agency's scope (the whole city or one division), as
    ``_matching`` reads them, from a statement compiled once per process for each scope kind, strategy and
    limit: a keystroke then costs binding three values instead of building and compiling the queryset."""
    kind = scope[0]

    def build(*, query: str, bigram: str = "", division: str = ""):
        qs = enterprises_in_scope(("division", division) if kind == "division" else scope)
        # As ``_matching``: the walk along the code order, the bigram's candidates in the index's order.
        qs = qs.filter(name_match_q(query, strategy, bigram)).order_by(*(["uscc"] if strategy == WALK else []))
        return qs.values_list(*_SUGGESTION_COLUMNS)[: limit + 1]

    sentinels, values = {"query": _SENTINEL_QUERY}, {"query": query}
    if strategy != WALK:  # the walk's statement has no bigram
        sentinels["bigram"], values["bigram"] = _SENTINEL_BIGRAM, bigram
    if kind == "division":
        sentinels["division"], values["division"] = _SENTINEL_DIVISION, scope[1]
    bind = prepared_queryset(f"enterprises.suggestions.{kind}.{strategy}.{limit}", Enterprise, build, **sentinels)
    return list(bind(**values))


def enterprise_suggestions(*, user, query: str, limit: int = SUGGESTIONS) -> tuple[list[dict], bool]:
    """The filing form's typeahead: up to ``limit`` enterprises of ``enterprise_search``, sorted by code, and
    whether there are more; never a count. Each row a dict, as the API answers it (the fields of
    ``EnterpriseSuggestionSerializer``).
    One query on an index whatever the fragment, which stops after ``limit + 1`` rows: a common fragment's
    first ones in code order, a rare fragment's first ones the bigram index finds (all of them when there
    are no more than ``limit``), never a sort of all matches. A user who wants fewer types more. A name
    fragment in an agency's scope on PostgreSQL (the filing form's case) runs a statement compiled once per
    process (``_suggestion_rows``); anything else is built as ``enterprise_search`` builds it."""
    query = clean_query(query)
    if len(query) < SEARCH_MIN_CHARS:
        return [], False
    scope = enterprises_scope(user=user)
    strategy = name_strategy(query, ordered=False) if scope[0] in ("all", "division") else None
    if strategy is not None:
        rows = _suggestion_rows(scope=scope, query=query, strategy=strategy[0], bigram=strategy[1], limit=limit)
    else:
        rows = list(_matching(user=user, query=query, ordered=False).values_list(*_SUGGESTION_COLUMNS)[: limit + 1])
    found = [
        {"uscc": uscc, "name": name, "division": division, "whitelisted": bool(whitelisted)}  # no profile: False
        for uscc, name, division, whitelisted in sorted(rows[:limit], key=lambda row: row[0])
    ]
    return found, len(rows) > limit


def licences_of_enterprise(*, enterprise: Enterprise):
    return Licence.objects.filter(enterprise=enterprise).order_by("valid_to")


# A list filtered by what the user types about the enterprise (tasks, records, the audit trail) takes the first
# enterprises in the user's scope that match, in code order: its filter is then an equality on an indexed
# foreign key, never a name LIKE over the list's own rows. A fragment that matches more is one to narrow.
MATCHING_ENTERPRISES = 50


def enterprise_ids_matching(*, user, query: str, limit: int = MATCHING_ENTERPRISES) -> list[int]:
    """The ids of the first ``limit`` enterprises in the user's scope whose name contains ``query`` (two
    characters or more) or whose credit code starts with it (``enterprise_search``)."""
    return list(enterprise_search(user=user, query=query).values_list("pk", flat=True)[:limit])
