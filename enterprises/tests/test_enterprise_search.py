"""Enterprise search by name fragment or credit-code prefix: the lists (ordered by code, paged without a
count) and the filing form's typeahead (first 20 in code order and "more"), scoped like every read; on
PostgreSQL through the bigram index or along the code order (``enterprises.name_search``), with the same
rows either way as a plain LIKE."""

import random

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory
from enterprises import name_search, selectors
from enterprises.models import Enterprise
from enterprises.name_search import name_bigrams
from enterprises.selectors import enterprise_search, enterprise_suggestions
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from enterprises.uscc import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def _fresh_statistics():
    name_search.forget_statistics()


@pytest.fixture(params=["index", "walk"])
def strategy(request, monkeypatch):
    """Both ways PostgreSQL may be sent for a name fragment: the bigram index (what a database without
    statistics, like the test database, takes) and the code order (what a common fragment takes)."""
    if request.param == "walk":
        monkeypatch.setattr(name_search, "rarest_bigram", lambda fragment: (name_bigrams(fragment)[0], float("inf")))
    return request.param


@pytest.fixture
def walk(monkeypatch):
    monkeypatch.setattr(name_search, "rarest_bigram", lambda fragment: (name_bigrams(fragment)[0], float("inf")))


@pytest.fixture
def names():
    return {
        "jinhai": EnterpriseFactory(name="烟台金海药业有限公司"),
        "haiyao": EnterpriseFactory(name="海药集团莱州分公司"),
        "other": EnterpriseFactory(name="烟台福山餐饮管理有限公司"),
    }


def suggested(user, query, **kwargs):
    """``enterprise_suggestions``'s rows as the enterprises they name, and its "more"."""
    rows, more = enterprise_suggestions(user=user, query=query, **kwargs)
    by_code = Enterprise.objects.in_bulk([row["uscc"] for row in rows], field_name="uscc")
    return [by_code[row["uscc"]] for row in rows], more


def test_bigrams_are_the_pairs_of_adjacent_characters():
    assert name_bigrams("金海药业") == ["海药", "药业", "金海"]
    assert name_bigrams("海") == [] and name_bigrams("") == []


def test_a_two_character_fragment_finds_every_name_containing_it_in_code_order(names):
    found = list(enterprise_search(user=OfficerFactory(), query="海药"))
    assert found == sorted([names["jinhai"], names["haiyao"]], key=lambda e: e.uscc)


def test_a_longer_fragment_must_appear_in_order_not_just_its_bigrams(names):
    EnterpriseFactory(name="药业金海")  # has 金海 and 药业 but not 金海药业
    assert list(enterprise_search(user=OfficerFactory(), query="金海药业")) == [names["jinhai"]]
    assert list(enterprise_search(user=OfficerFactory(), query="海药集团")) == [names["haiyao"]]


def test_a_credit_code_prefix_or_the_whole_code_finds_the_enterprise(names):
    code = names["other"].uscc
    assert names["other"] in enterprise_search(user=OfficerFactory(), query=code[:10])
    assert list(enterprise_search(user=OfficerFactory(), query=code.lower())) == [names["other"]]


def test_one_character_matches_no_name_and_odd_input_is_answered(names):
    officer = OfficerFactory()
    assert list(enterprise_search(user=officer, query="海")) == []
    assert list(enterprise_search(user=officer, query="海\x00药")) == sorted(
        [names["jinhai"], names["haiyao"]], key=lambda e: e.uscc
    )
    assert list(enterprise_search(user=officer, query="%_%")) == []


def test_a_common_fragment_is_listed_in_code_order_too(names, walk):
    found = list(enterprise_search(user=OfficerFactory(), query="有限"))
    assert found == sorted([names["jinhai"], names["other"]], key=lambda e: e.uscc)


def test_the_search_keeps_the_scope_of_a_district_agency(names):
    inside = EnterpriseFactory(name="莱州海药科技有限公司", division="370683")
    officer = OfficerFactory(agency=AgencyFactory(level="district", division="370683"))
    assert list(enterprise_search(user=officer, query="海药")) == [inside]
    assert suggested(officer, "海药") == ([inside], False)


def test_suggestions_are_some_sorted_by_code_with_more_when_others_match(names, strategy):
    extra = [EnterpriseFactory(name=f"海药{i}号有限公司") for i in range(4)]
    everyone = sorted([names["jinhai"], names["haiyao"], *extra], key=lambda e: e.uscc)
    rows, more = suggested(OfficerFactory(), "海药", limit=3)
    assert more is True and len(rows) == 3 and rows == sorted(rows, key=lambda e: e.uscc)
    assert set(rows) <= set(everyone)
    if strategy == "walk":  # along the code order: the first ones
        assert rows == everyone[:3]
    assert suggested(OfficerFactory(), "海药", limit=20) == (everyone, False)


# One query for the rows (with their credit grade). On PostgreSQL a code prefix with a rare name fragment
# in it costs one before, for the few names containing it (the statistics are read once per process).
PREFIX_QUERIES = 2 if connection.vendor == "postgresql" else 1


@pytest.mark.parametrize("q, queries", [("海药", 1), ("9137", PREFIX_QUERIES), ("code", 1)])
def test_the_suggestions_api_answers_in_a_fixed_number_of_queries(api, q, queries):
    api.force_authenticate(OfficerFactory())
    if connection.vendor == "postgresql":
        name_search.bigram_statistics()
    first = EnterpriseFactory(name="海药0有限公司")
    q = first.uscc if q == "code" else q
    for n in (10, 30):
        EnterpriseFactory.create_batch(n, name=factory_name())
        with CaptureQueriesContext(connection) as captured:
            body = api.get("/api/v1/enterprises/suggestions/", {"q": q}).json()
        assert len(captured) == queries and body["results"]
    assert set(body["results"][0]) == {"uscc", "name", "division", "whitelisted"}


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"海药{n}有限公司")


def test_the_suggestions_api_refuses_anonymous_callers_and_keeps_each_scope(api, names):
    assert api.get("/api/v1/enterprises/suggestions/", {"q": "海药"}).status_code == 401
    own = enterprise_user(names["jinhai"])
    api.force_authenticate(own)
    body = api.get("/api/v1/enterprises/suggestions/", {"q": "海药"}).json()
    assert [e["uscc"] for e in body["results"]] == [names["jinhai"].uscc]
    api.force_authenticate(JusticeUserFactory(agency=AgencyFactory(is_justice_bureau=True, division="370683")))
    assert api.get("/api/v1/enterprises/suggestions/", {"q": "海药"}).json()["results"] == []


@pytest.mark.parametrize("params", [{"q": "海"}, {"q": ""}, {"q": "海药", "limit": "x"}])
def test_odd_suggestion_requests_are_answered_without_error(api, names, params):
    api.force_authenticate(OfficerFactory())
    response = api.get("/api/v1/enterprises/suggestions/", params)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "field"), [({"q": "\x00" * 3}, "q"), ({"q": "海药", "limit": "99999999999999999999"}, "limit")]
)
def test_a_nul_or_an_out_of_range_number_is_a_400_on_its_field(api, names, params, field):
    # They were answered 200 with an empty list (swallowed); yantai_inspect.inputs now names the field.
    api.force_authenticate(OfficerFactory())
    response = api.get("/api/v1/enterprises/suggestions/", params)
    assert response.status_code == 400 and field in response.json()


def test_the_list_api_pages_without_a_count(api, names):
    api.force_authenticate(OfficerFactory())
    body = api.get("/api/v1/enterprises/", {"q": "有限", "limit": 1}).json()
    assert "count" not in body and len(body["results"]) == 1 and body["next"] and body["previous"] is None
    last = api.get("/api/v1/enterprises/", {"q": "有限", "limit": 1, "offset": 1}).json()
    assert last["next"] is None and last["previous"] is not None
    assert last["results"][0]["uscc"] != body["results"][0]["uscc"]


# The oracle: the rule written as a plain LIKE, with no index or strategy behind it.
def like_oracle(query):
    query = query.replace("\x00", "").strip()
    if not query:  # no search: the whole list
        return list(Enterprise.objects.order_by("uscc"))
    if len(query) == 18:
        return list(Enterprise.objects.filter(uscc=query.upper()))
    q = Q(name__contains=query) if len(query) >= 2 else Q(pk__in=[])
    if query and query.isascii() and query.isalnum():
        q |= Q(uscc__startswith=query.upper())
    return list(Enterprise.objects.filter(q).order_by("uscc"))


def random_city(rng, n):
    # Few characters, so that names repeat them ("鑫鑫", "海海海") and fragments overlap in many ways.
    chars = "烟台鑫海药业有限公司福山莱州食品鑫"
    for k in range(n):
        name = "".join(rng.choice(chars) for _ in range(rng.randint(2, 12)))
        EnterpriseFactory(uscc=make_uscc(f"91{rng.choice(['370611', '370683', '370602'])}{k:09d}"), name=name,
                          division="370611")
    return list(Enterprise.objects.values_list("name", "uscc"))


def test_the_search_finds_what_a_plain_like_finds_for_many_fragments(strategy):
    rng = random.Random(8)
    rows = random_city(rng, 80)
    officer = OfficerFactory()
    fragments = {"鑫鑫", "海海", "有限公司", "烟台", "药业有", "鑫鑫鑫", "公司公司", "福山莱州食品", "913706",
                 "91370683", "9", "91", "9Z", "Y", "913706Y"}
    for name, uscc in rng.sample(rows, 25):
        fragments |= {name[:2], name[-2:], name[-3:], name[1:5], name, uscc[:2], uscc[:9], uscc.lower()[:12]}
    for fragment in sorted(fragments):
        expected = like_oracle(fragment)
        assert list(enterprise_search(user=officer, query=fragment)) == expected, fragment
        if len(fragment) >= 2:
            found, more = suggested(officer, fragment, limit=5)
            assert set(found) <= set(expected) and len(found) == min(5, len(expected)), fragment
            assert found == sorted(found, key=lambda e: e.uscc) and more == (len(expected) > 5)
    code = rows[0][1]
    assert [e.uscc for e in enterprise_search(user=officer, query=code)] == [code]


@pytest.mark.parametrize("q", ["\x00", "\x00海\x00药", "海", "9", "海" * 500, "%", "%%", "_", "__", "\\", "海\\",
                               "有限%", "_有", "\\%_", "'; --", "9" * 18, "Z" * 18, "海药" * 9])
def test_odd_input_gets_an_answer_never_a_server_error(api, client, names, q, strategy):
    """A NUL byte is refused with a 400 naming the field (yantai_inspect.inputs, before any view); every other
    input is searched as typed."""
    officer = OfficerFactory()
    api.force_authenticate(officer)
    client.force_login(officer)
    expected = 400 if "\x00" in q else 200
    assert api.get("/api/v1/enterprises/suggestions/", {"q": q}).status_code == expected
    listed = api.get("/api/v1/enterprises/", {"q": q})
    assert listed.status_code == expected
    if expected == 200:
        assert [e["uscc"] for e in listed.json()["results"]] == [e.uscc for e in like_oracle(q)][:50]
    assert client.get("/enterprises/", {"q": q}).status_code == expected
    assert api.get("/api/v1/plans/", {"enterprise": q}).status_code == expected


@pytest.mark.postgres_only
def test_on_postgresql_a_rare_fragment_takes_the_bigram_index_and_a_common_one_the_code_order(names, monkeypatch):
    EnterpriseFactory.create_batch(30, name=factory_name())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
    name_search.forget_statistics()
    assert name_search.rarest_bigram("有限公司")[1] == pytest.approx(32, abs=1)
    assert name_search.rarest_bigram("金海药业")[1] == pytest.approx(1, abs=0.5)
    assert name_search.rarest_bigram("不存在的")[1] == pytest.approx(1, abs=0.5)  # rarer than the rarest counted
    monkeypatch.setattr(name_search, "ORDERED_INDEX_MAX_CANDIDATES", 10)
    officer = OfficerFactory()
    assert "enterprise_name_bigrams" in str(enterprise_search(user=officer, query="金海药业").query)
    assert "enterprise_name_bigrams" not in str(enterprise_search(user=officer, query="有限公司").query)
    assert list(enterprise_search(user=officer, query="金海药业")) == [names["jinhai"]]
    assert len(enterprise_search(user=officer, query="有限公司")) == 32


@pytest.mark.postgres_only
def test_on_postgresql_a_two_character_fragment_is_served_by_the_bigram_index(names):
    qs = selectors._matching(user=OfficerFactory(), query="海药", ordered=False)  # the typeahead's
    sql, params = qs.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on enterprise_name_bigrams_division_gin" in plan


def test_a_suggestion_row_is_the_serializers_row(names):
    """The typeahead reads its rows as dicts, without a model instance or a serializer per row."""
    from credit.models import CreditProfile
    from enterprises.api import EnterpriseSuggestionSerializer

    listed, plain = names["jinhai"], EnterpriseFactory(name="海药对照有限公司")
    CreditProfile.objects.create(enterprise=listed, grade="A", whitelisted=True)
    CreditProfile.objects.create(enterprise=names["haiyao"], grade="B", whitelisted=False)
    officer = OfficerFactory()
    rows, _more = enterprise_suggestions(user=officer, query="海药", limit=20)
    assert {row["uscc"] for row in rows} == {listed.uscc, plain.uscc, names["haiyao"].uscc}
    for row in rows:  # with a profile, whitelisted or not, and without one
        assert row == EnterpriseSuggestionSerializer(Enterprise.objects.get(uscc=row["uscc"])).data
    assert [row["whitelisted"] for row in rows if row["uscc"] == listed.uscc] == [True]


def test_the_typeahead_finds_the_same_in_a_district_and_in_the_city_fragment_after_fragment(strategy):
    """The typeahead's statement is compiled once per scope kind and strategy (``selectors._suggestion_rows``)
    and each keystroke binds its own fragment, bigram and division: many fragments in a row, for a city and a
    district officer, each answered as a plain LIKE in the scope would."""
    rng = random.Random(3)
    random_city(rng, 60)
    EnterpriseFactory.create_batch(5, name="烟台鑫海药业莱州分公司", division="370683")
    city, district = OfficerFactory(), OfficerFactory(agency=AgencyFactory(level="district", division="370683"))
    fragments = ["鑫鑫", "海药", "有限公司", "莱州分", "烟台", "药业有", "福山莱州食品", "不存在"]
    for _round in range(2):  # the second round runs every statement as bound, none compiled
        for fragment in fragments:
            for officer, division in ((city, None), (district, "370683")):
                expected = [e for e in like_oracle(fragment) if division in (None, e.division)]
                found, more = suggested(officer, fragment, limit=4)
                assert set(found) <= set(expected) and len(found) == min(4, len(expected)), (fragment, division)
                assert found == sorted(found, key=lambda e: e.uscc) and more == (len(expected) > 4)


@pytest.mark.postgres_only
@pytest.mark.parametrize("district", [False, True])
def test_on_postgresql_the_typeahead_reads_a_rare_fragments_candidates_unsorted_and_a_common_one_in_code_order(
    names, monkeypatch, district
):
    """The prepared typeahead statement keeps ``_matching``'s order: none for the bigram's few candidates (an
    ORDER BY sends PostgreSQL along the code index filtering every name: 98 ms instead of 1.3 ms for 台梨 at
    city size), the code order for the walk."""
    agency = AgencyFactory(level="district", division="370683") if district else AgencyFactory()
    officer = OfficerFactory(agency=agency)
    for walk_it in (False, True):
        if walk_it:
            monkeypatch.setattr(name_search, "rarest_bigram", lambda f: (name_bigrams(f)[0], float("inf")))
        with CaptureQueriesContext(connection) as captured:
            enterprise_suggestions(user=officer, query="海药")
        sql = captured[-1]["sql"]
        assert ("enterprise_name_bigrams" in sql) is not walk_it
        assert ("ORDER BY" in sql) is walk_it, sql
