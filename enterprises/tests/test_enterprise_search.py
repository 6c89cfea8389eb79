"""Enterprise search by name fragment or credit-code prefix: the lists (ordered by code, paged without a
count) and the filing form's typeahead (first 20 and "more"), scoped like every read."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory
from enterprises import selectors
from enterprises.selectors import enterprise_search, enterprise_suggestions, name_bigrams
from enterprises.tests.factories import EnterpriseFactory, enterprise_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def names():
    return {
        "jinhai": EnterpriseFactory(name="烟台金海药业有限公司"),
        "haiyao": EnterpriseFactory(name="海药集团莱州分公司"),
        "other": EnterpriseFactory(name="烟台福山餐饮管理有限公司"),
    }


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


def test_a_common_fragment_is_listed_in_code_order_too(names, monkeypatch):
    monkeypatch.setattr(selectors, "RARE_MATCHES", 1)
    found = list(enterprise_search(user=OfficerFactory(), query="有限"))
    assert found == sorted([names["jinhai"], names["other"]], key=lambda e: e.uscc)


def test_the_search_keeps_the_scope_of_a_district_agency(names):
    inside = EnterpriseFactory(name="莱州海药科技有限公司", division="370683")
    officer = OfficerFactory(agency=AgencyFactory(level="district", division="370683"))
    assert list(enterprise_search(user=officer, query="海药")) == [inside]
    assert enterprise_suggestions(user=officer, query="海药") == ([inside], False)


def test_suggestions_are_the_first_ones_sorted_with_more_when_others_match(names):
    extra = [EnterpriseFactory(name=f"海药{i}号有限公司") for i in range(4)]
    rows, more = enterprise_suggestions(user=OfficerFactory(), query="海药", limit=3)
    assert more is True and len(rows) == 3
    assert rows == sorted(rows, key=lambda e: e.uscc)
    assert set(rows) <= {names["jinhai"], names["haiyao"], *extra}
    rows, more = enterprise_suggestions(user=OfficerFactory(), query="海药", limit=20)
    assert more is False and len(rows) == 6


def test_the_suggestions_api_answers_in_a_fixed_number_of_queries(api, django_assert_num_queries):
    officer = OfficerFactory()
    api.force_authenticate(officer)
    EnterpriseFactory(name="海药0有限公司")
    with django_assert_num_queries(1):  # one query for the matches, with their credit grade
        body = api.get("/api/v1/enterprises/suggestions/", {"q": "海药"}).json()
    assert len(body["results"]) == 1 and body["more"] is False
    EnterpriseFactory.create_batch(25, name=factory_name())
    with django_assert_num_queries(1):
        body = api.get("/api/v1/enterprises/suggestions/", {"q": "海药"}).json()
    assert len(body["results"]) == 20 and body["more"] is True
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


@pytest.mark.parametrize("params", [{"q": "海"}, {"q": ""}, {"q": "海药", "limit": "x"}, {"q": "\x00" * 3},
                                    {"q": "海药", "limit": "99999999999999999999"}])
def test_odd_suggestion_requests_are_answered_without_error(api, names, params):
    api.force_authenticate(OfficerFactory())
    response = api.get("/api/v1/enterprises/suggestions/", params)
    assert response.status_code == 200


def test_the_list_api_pages_without_a_count(api, names):
    api.force_authenticate(OfficerFactory())
    body = api.get("/api/v1/enterprises/", {"q": "有限", "limit": 1}).json()
    assert "count" not in body and len(body["results"]) == 1 and body["next"] and body["previous"] is None
    last = api.get("/api/v1/enterprises/", {"q": "有限", "limit": 1, "offset": 1}).json()
    assert last["next"] is None and last["previous"] is not None
    assert last["results"][0]["uscc"] != body["results"][0]["uscc"]


@pytest.mark.postgres_only
def test_on_postgresql_a_two_character_fragment_is_served_by_the_bigram_index(names):
    qs = selectors._matching(user=OfficerFactory(), query="海药", indexed=True).order_by()
    sql, params = qs.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on enterprise_name_bigrams_gin" in plan
