import re

from django.db import connection
from django.db.models import Func, Q, TextField

from accounts.divisions import CITY_CODE

from .models import Enterprise, EnterpriseAccount, Licence


def enterprise_of_user(*, user) -> Enterprise | None:
    """The one enterprise an enterprise account acts for."""
    if not (user.is_authenticated and user.is_enterprise):
        return None
    account = EnterpriseAccount.objects.select_related("enterprise").filter(user=user).first()
    return account.enterprise if account else None


def enterprises_for_user(*, user):
    """Enterprises the user may see: a city-level agency the whole city, a district agency its
    district, an enterprise account its own enterprise (a guardian object permission), admins all."""
    qs = Enterprise.objects.select_related("credit")
    if not user.is_authenticated:
        return qs.none()
    if user.is_platform_admin:
        return qs
    if user.role in ("officer", "justice") and user.agency_id:
        agency = user.agency
        if agency.division == CITY_CODE:
            return qs
        return qs.filter(division=agency.division)
    if user.is_enterprise:
        from guardian.shortcuts import get_objects_for_user

        return get_objects_for_user(user, "enterprises.view_enterprise", klass=qs, accept_global_perms=False)
    return qs.none()


SEARCH_MIN_CHARS = 2
_CODE_PREFIX = re.compile(r"[0-9A-Za-z]+")


class NameBigrams(Func):
    """``enterprise_name_bigrams(name)``: the PostgreSQL function behind the GIN index of migration 0002."""

    function = "enterprise_name_bigrams"
    arity = 1

    def __init__(self, expression):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(TextField()))


def name_bigrams(text: str) -> list[str]:
    """The character bigrams of ``text``, as the database function computes them."""
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


# A fragment matching at most this many enterprises is answered from the bigram index and sorted; one
# matching more is common enough that the credit-code order finds a page among few rows.
RARE_MATCHES = 2000
SUGGESTIONS = 20


def _clean(query: str) -> str:
    return (query or "").replace("\x00", "").strip()


def _matching(*, user, query: str, division: str = "", theme: str = "", whitelisted=None, indexed: bool):
    """Enterprises in scope matching ``query``, unordered. ``indexed``: on PostgreSQL, add the bigram
    pre-filter that lets the GIN index of migration 0002 find name fragments (every name containing the
    fragment contains all its bigrams; LIKE then checks their order). pg_trgm cannot do this for two
    characters: its trigrams need three."""
    qs = enterprises_for_user(user=user)
    if division:
        qs = qs.filter(division=division)
    if theme:
        qs = qs.filter(themes__code=theme)
    if whitelisted is not None:
        qs = qs.filter(credit__whitelisted=whitelisted)
    if not query:
        return qs
    if len(query) == 18:
        return qs.filter(uscc=query.upper())
    by_code = Q(uscc__startswith=query.upper()) if _CODE_PREFIX.fullmatch(query) else None
    if len(query) < SEARCH_MIN_CHARS:
        return qs.filter(by_code) if by_code else qs.none()
    by_name = Q(name__contains=query)
    if indexed and connection.vendor == "postgresql":
        qs = qs.alias(name_bigrams=NameBigrams("name"))
        by_name &= Q(name_bigrams__contains=name_bigrams(query))
    return qs.filter(by_name | by_code if by_code else by_name)


def enterprise_search(*, user, query: str = "", division: str = "", theme: str = "", whitelisted=None):
    """Enterprises in the user's scope by a fragment of their name (two characters or more, any position)
    or a prefix of their credit code, ordered by code, for the lists that page through them (callers page
    without counting).

    On PostgreSQL a name fragment costs one query more: the bigram index finds up to ``RARE_MATCHES``
    matches unordered; when there are no more than that, the result is those ids sorted by code. A commoner
    fragment is filtered along the code order instead (a match every few hundred rows at worst), since
    sorting every match of a middling fragment ("餐饮管理": 60,000 names) by code takes a second."""
    query = _clean(query)
    filters = {"division": division, "theme": theme, "whitelisted": whitelisted}
    if connection.vendor == "postgresql" and len(query) >= SEARCH_MIN_CHARS and len(query) != 18:
        ids = list(
            _matching(user=user, query=query, indexed=True, **filters)
            .order_by()
            .values_list("pk", flat=True)[: RARE_MATCHES + 1]
        )
        if len(ids) <= RARE_MATCHES:
            return enterprises_for_user(user=user).filter(pk__in=ids).order_by("uscc")
    return _matching(user=user, query=query, indexed=False, **filters).order_by("uscc")


def enterprise_suggestions(*, user, query: str, limit: int = SUGGESTIONS) -> tuple[list[Enterprise], bool]:
    """The filing form's typeahead: up to ``limit`` enterprises in scope matching ``query`` (as in
    ``enterprise_search``), sorted by code, and whether there are more. One query on an index whatever the
    fragment: the first ``limit + 1`` matches the index finds, never all of them, so no sort or count over
    a common fragment's thousands of names; a user who wants fewer types more."""
    query = _clean(query)
    if len(query) < SEARCH_MIN_CHARS:
        return [], False
    qs = _matching(user=user, query=query, indexed=True).select_related("credit").order_by()
    rows = list(qs[: limit + 1])
    return sorted(rows[:limit], key=lambda e: e.uscc), len(rows) > limit


def licences_of_enterprise(*, enterprise: Enterprise):
    return Licence.objects.filter(enterprise=enterprise).order_by("valid_to")
