"""回避: declared conflicts, the enterprise's request, the agency's decision; a conflicted officer is named on no
plan of the enterprise; pages and API refuse the other roles."""

import pytest
from django.utils import translation

from accounts.tests.factories import AgencyFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans.models import OfficerConflict, Plan, RecusalRequest
from plans.recusal import conflict_declare, recusal_decide, recusal_request
from plans.services import plan_file, plan_officers_set
from yantai_inspect.errors import DomainError

from .conftest import days

pytestmark = pytest.mark.django_db


def file(city, officers=None, enterprise=None):
    return plan_file(
        actor=city.market_officer,
        enterprise=enterprise or city.enterprise,
        matters=[city.market_matter],
        window_start=days(8),
        window_end=days(20),
        officers=officers or [city.market_officer, city.market_officer2],
    )


def test_a_declared_conflict_refuses_the_officer_on_plans_of_that_enterprise(city, frozen):
    conflict_declare(actor=city.market_officer2, enterprise=city.enterprise, reason="配偶在该企业任职")
    assert AuditEntry.objects.filter(action="conflict.declare").exists()
    with translation.override("zh-hans"), pytest.raises(DomainError) as exc:
        file(city)
    assert exc.value.field == "officers"
    assert "回避" in str(exc.value.message)
    assert not Plan.objects.exists()
    other = EnterpriseFactory()
    file(city, enterprise=other)  # other enterprises are not concerned


def test_the_officers_form_refuses_a_conflicted_officer(city, frozen):
    plan = file(city, officers=[city.market_officer])
    OfficerConflict.objects.create(officer=city.market_officer2, enterprise=city.enterprise, reason="x")
    with pytest.raises(DomainError):
        plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer, city.market_officer2])
    assert list(plan.officers.all()) == [city.market_officer]


def test_declaring_takes_the_officer_off_the_enterprises_open_plans(city, frozen):
    plan = file(city)
    conflict_declare(actor=city.market_officer2, enterprise=city.enterprise, reason="亲属关系")
    assert list(plan.officers.all()) == [city.market_officer]


def test_a_conflict_needs_a_reason_and_is_declared_once(city, frozen):
    with pytest.raises(DomainError):
        conflict_declare(actor=city.market_officer2, enterprise=city.enterprise, reason="  ")
    conflict_declare(actor=city.market_officer2, enterprise=city.enterprise, reason="r")
    with pytest.raises(DomainError):
        conflict_declare(actor=city.market_officer2, enterprise=city.enterprise, reason="r")


def test_the_enterprise_asks_and_the_agency_grants(city, frozen):
    plan = file(city)
    account = enterprise_user(city.enterprise)
    item = recusal_request(actor=account, plan=plan, officer=city.market_officer2, reason="曾有经济纠纷")
    assert item.status == "pending" and item.agency == city.market
    recusal_decide(actor=city.market_officer, request=item, grant=True)
    item.refresh_from_db()
    assert item.status == "granted"
    assert list(plan.officers.all()) == [city.market_officer]
    assert OfficerConflict.objects.filter(officer=city.market_officer2, enterprise=city.enterprise,
                                          source="recusal").exists()
    assert {"recusal.request", "recusal.grant"} <= set(AuditEntry.objects.values_list("action", flat=True))
    with pytest.raises(DomainError):  # a recused officer is named on no later plan either
        plan_officers_set(actor=city.market_officer, plan=plan, officers=[city.market_officer2])
    with pytest.raises(DomainError):
        recusal_decide(actor=city.market_officer, request=item, grant=False, reason="again")


def test_a_refusal_needs_a_reason_and_keeps_the_officer(city, frozen):
    plan = file(city)
    item = recusal_request(actor=enterprise_user(city.enterprise), plan=plan, officer=city.market_officer2, reason="r")
    with pytest.raises(DomainError) as exc:
        recusal_decide(actor=city.market_officer, request=item, grant=False, reason="")
    assert exc.value.field == "decision_reason"
    recusal_decide(actor=city.market_officer, request=item, grant=False, reason="理由不成立")
    assert set(plan.officers.all()) == {city.market_officer, city.market_officer2}
    assert not OfficerConflict.objects.exists()


def test_requests_and_decisions_are_refused_to_the_other_roles(city, frozen):
    plan = file(city)
    other_enterprise = enterprise_user(EnterpriseFactory())
    with pytest.raises(DomainError):
        recusal_request(actor=other_enterprise, plan=plan, officer=city.market_officer2, reason="r")
    with pytest.raises(DomainError):  # only an officer named on the plan
        recusal_request(actor=enterprise_user(city.enterprise), plan=plan, officer=city.ecology_officer, reason="r")
    item = recusal_request(actor=enterprise_user(city.enterprise), plan=plan, officer=city.market_officer2,
                           reason="r")
    with pytest.raises(DomainError):
        recusal_decide(actor=city.ecology_officer, request=item, grant=True)
    from django.core.exceptions import PermissionDenied

    for actor in (JusticeUserFactory(agency=city.justice_bureau), enterprise_user(city.enterprise)):
        with pytest.raises(PermissionDenied):
            recusal_decide(actor=actor, request=item, grant=True)
    with pytest.raises(PermissionDenied):
        recusal_request(actor=city.market_officer, plan=plan, officer=city.market_officer2, reason="r")


def test_the_pages_ask_grant_and_refuse_other_roles(client, city, frozen):
    plan = file(city)
    account = enterprise_user(city.enterprise)
    client.force_login(account)
    page = client.get("/enterprise/recusals/")
    assert page.status_code == 200
    target = f"{plan.pk}:{city.market_officer2.pk}"
    assert target in page.content.decode()
    response = client.post("/enterprise/recusals/", {"target": target, "reason": "曾有纠纷"})
    assert response.status_code == 302
    item = RecusalRequest.objects.get()
    assert client.get(f"/agency/recusals/{item.pk}/").status_code == 403
    client.force_login(city.ecology_officer)  # another agency
    assert client.get(f"/agency/recusals/{item.pk}/").status_code == 404
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert client.get("/agency/recusals/").status_code == 403
    assert client.get("/enterprise/recusals/").status_code == 403
    client.force_login(city.market_officer)
    assert "曾有纠纷" in client.get("/agency/recusals/").content.decode()
    response = client.post(f"/agency/recusals/{item.pk}/", {"decision": "refuse", "reason": ""})
    assert response.status_code == 200 and RecusalRequest.objects.get().status == "pending"
    response = client.post(f"/agency/recusals/{item.pk}/", {"decision": "grant", "reason": ""})
    assert response.status_code == 302
    assert RecusalRequest.objects.get().status == "granted"


def test_the_conflicts_page_declares(client, city, frozen):
    client.force_login(city.market_officer2)
    response = client.post("/agency/conflicts/", {"enterprise": city.enterprise.uscc, "reason": "亲属"})
    assert response.status_code == 302
    assert OfficerConflict.objects.filter(officer=city.market_officer2).exists()
    district = OfficerFactory(agency=AgencyFactory(level="district", division="370611"))
    outside = EnterpriseFactory(division="370612")
    client.force_login(district)
    response = client.post("/agency/conflicts/", {"enterprise": outside.uscc, "reason": "亲属"})
    assert response.status_code == 200 and not OfficerConflict.objects.filter(officer=district).exists()


def test_the_api(client, city, frozen):
    plan = file(city)
    account = enterprise_user(city.enterprise)
    client.force_login(account)
    body = {"plan": plan.pk, "officer": city.market_officer2.username, "reason": "纠纷"}
    response = client.post("/api/v1/recusals/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.get("/api/v1/recusals/").json()["results"][0]["id"] == pk
    decide = f"/api/v1/recusals/{pk}/decide/"
    assert client.post(decide, {"grant": True}, content_type="application/json").status_code == 403
    client.force_login(enterprise_user(EnterpriseFactory()))
    assert client.post("/api/v1/recusals/", body, content_type="application/json").status_code == 404
    client.force_login(city.ecology_officer)
    assert client.post(decide, {"grant": True}, content_type="application/json").status_code == 404
    assert client.post("/api/v1/recusals/", body, content_type="application/json").status_code == 403
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    assert client.get("/api/v1/recusals/").status_code == 403
    assert client.get("/api/v1/conflicts/").status_code == 403
    client.force_login(city.market_officer)
    response = client.post(f"/api/v1/recusals/{pk}/decide/", {"grant": False}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"/api/v1/recusals/{pk}/decide/", {"grant": True}, content_type="application/json")
    assert response.json()["status"] == "granted"
    client.force_login(city.ecology_officer)
    response = client.post("/api/v1/conflicts/", {"enterprise": city.enterprise.uscc, "reason": "亲属"},
                           content_type="application/json")
    assert response.status_code == 201
    assert client.get("/api/v1/conflicts/").json()["results"][0]["enterprise"] == city.enterprise.uscc


def test_the_recusal_lists_answer_in_a_fixed_number_of_queries(client, city, frozen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    account = enterprise_user(city.enterprise)

    def counts():
        out = []
        for user, url in ((city.market_officer, "/agency/recusals/"), (account, "/enterprise/recusals/"),
                          (city.market_officer, "/api/v1/recusals/"), (city.market_officer2, "/agency/conflicts/")):
            client.force_login(user)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx))
        return out

    def add(n):
        for _ in range(n):
            plan = file(city, enterprise=city.enterprise)
            recusal_request(actor=account, plan=plan, officer=city.market_officer2, reason="r")
            OfficerConflict.objects.create(officer=city.market_officer2, enterprise=EnterpriseFactory(), reason="x")

    add(1)
    small = counts()
    add(4)
    assert counts() == small


def test_the_conflicts_of_any_officers_are_found_whether_their_statement_is_prepared_or_not(city, frozen):
    """``conflicted_officer_ids`` binds up to PREPARED_OFFICERS officers into a statement compiled once per
    process for their number, and builds the statement for more: the same answer either way."""
    from plans.recusal import PREPARED_OFFICERS, conflicted_officer_ids
    from yantai_inspect import prepared

    prepared.forget()
    officers = [OfficerFactory(agency=city.market) for _ in range(PREPARED_OFFICERS + 2)]
    enterprises = [city.enterprise, EnterpriseFactory()]
    for i, officer in enumerate(officers):
        if i % 2:
            conflict_declare(actor=officer, enterprise=enterprises[i % 4 // 2], reason="亲属在该企业任职")
    for enterprise in enterprises:
        expected = set(OfficerConflict.objects.filter(enterprise=enterprise).values_list("officer_id", flat=True))
        for n in range(1, len(officers) + 1):
            ids = [o.pk for o in officers[:n]]
            assert conflicted_officer_ids(enterprise_id=enterprise.pk, officer_ids=ids) == expected & set(ids), n
    keys = {key[0] for key in prepared._querysets}
    assert {f"plans.recusal.conflicts.{n}" for n in range(1, PREPARED_OFFICERS + 1)} <= keys
    assert conflicted_officer_ids(enterprise_id=city.enterprise.pk, officer_ids=[]) == set()
