"""入市第一课: the enterprise asks for help; routed by its kind and the enterprise's division to one agency,
answered there, closed, counted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, DepartmentFactory, OfficerFactory
from audit.models import AuditEntry
from complaints import selectors
from complaints.models import ServiceRequest, ServiceRequestReroute, ServiceRoute
from complaints.services_requests import (
    service_request_answer,
    service_request_close,
    service_request_file,
    service_request_reroute,
    service_request_route,
    service_routes_seed_defaults,
)
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from notifications.models import Notification
from yantai_inspect.errors import DomainError


@pytest.fixture
def routed(scene):
    """The market regulator answers IP for every division (Fushan has its own, fs-market); financing goes to
    human resources, which Fushan lacks: the city's answers."""
    scene.market_dept = scene.agency.department
    scene.hrss_dept = DepartmentFactory(code="hrss", name="人力资源和社会保障局")
    scene.city_hrss = AgencyFactory(code="yt-hrss", division="370600", department=scene.hrss_dept)
    scene.city_market = AgencyFactory(code="yt-market", division="370600", department=scene.market_dept)
    ServiceRoute.objects.create(category="ip", division="", department=scene.market_dept)
    ServiceRoute.objects.create(category="financing", division="", department=scene.hrss_dept)
    scene.hrss_officer = OfficerFactory(agency=scene.city_hrss, username="hrss1")
    return scene


def test_a_request_goes_to_the_department_of_its_kind_in_the_enterprises_division_else_the_citys(routed):
    assert service_request_route(category="ip", division="370611") == routed.agency
    assert service_request_route(category="ip", division="370683") == routed.city_market
    assert service_request_route(category="financing", division="370611") == routed.city_hrss
    # a division's own route wins over the one for all
    ServiceRoute.objects.create(category="ip", division="370683", department=routed.hrss_dept)
    assert service_request_route(category="ip", division="370683") == routed.city_hrss
    with pytest.raises(DomainError):
        service_request_route(category="brand", division="370611")


def test_the_enterprise_asks_from_its_visit_the_agency_answers_and_the_enterprise_closes(routed, client):
    client.force_login(routed.user)
    visit = client.get(f"/enterprise/visits/{routed.task.pk}/").content.decode()
    assert f"/enterprise/service-requests/new/?task={routed.task.pk}" in visit
    response = client.post(f"/enterprise/service-requests/new/?task={routed.task.pk}",
                           {"category": "ip", "text": "商标被仿冒,如何维权?"})
    assert response.status_code == 302, response.content.decode()[:2000]
    request = ServiceRequest.objects.get()
    assert (request.agency, request.task, request.status) == (routed.agency, routed.task, "open")
    assert Notification.objects.filter(agency=routed.agency, link=f"/agency/service-requests/{request.pk}/").exists()

    client.force_login(routed.officer)
    assert f"/agency/service-requests/{request.pk}/" in client.get("/agency/service-requests/").content.decode()
    response = client.post(f"/agency/service-requests/{request.pk}/",
                           {"action": "answer", "answer": "请携带证据到窗口"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "answered" and request.answered_by == routed.officer
    assert Notification.objects.filter(enterprise=routed.enterprise, title__contains=f"#{request.pk}").exists()

    client.force_login(routed.user)
    page = client.get(f"/enterprise/service-requests/{request.pk}/").content.decode()
    assert "请携带证据到窗口" in page
    assert client.post(f"/enterprise/service-requests/{request.pk}/", {"note": "已解决"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "closed" and request.closed_at
    actions = list(AuditEntry.objects.filter(object_id=str(request.pk), action__startswith="service_request.")
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["service_request.file", "service_request.answer", "service_request.close"]
    csv = b"".join(client.get("/enterprise/service-requests/export.csv").streaming_content).decode("utf-8-sig")
    assert routed.agency.name in csv


def test_only_the_routed_agency_answers_and_closes_after_answering(routed):
    request = service_request_file(actor=routed.user, category="financing", text="申请创业担保贷款")
    assert request.agency == routed.city_hrss
    with pytest.raises(DomainError):
        service_request_close(actor=routed.hrss_officer, request=request)  # not answered yet
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        service_request_answer(actor=routed.officer, request=request, answer="不是我们的")
    with pytest.raises(DomainError):
        service_request_answer(actor=routed.hrss_officer, request=request, answer="  ")
    service_request_answer(actor=routed.hrss_officer, request=request, answer="可申请,额度30万")
    service_request_close(actor=routed.hrss_officer, request=request)
    with pytest.raises(DomainError):
        service_request_answer(actor=routed.hrss_officer, request=request, answer="再答")
    with pytest.raises(PermissionDenied):
        service_request_close(actor=routed.other_user, request=request)


def test_pages_and_api_refuse_others(routed, client):
    request = service_request_file(actor=routed.user, category="ip", text="专利")
    client.force_login(routed.other_user)
    assert client.get(f"/enterprise/service-requests/{request.pk}/").status_code == 404
    client.force_login(routed.hrss_officer)
    assert client.get(f"/agency/service-requests/{request.pk}/").status_code == 404
    answered = client.post(f"/agency/service-requests/{request.pk}/", {"action": "answer", "answer": "x"})
    assert answered.status_code == 404
    client.force_login(routed.fushan_justice)
    assert client.get("/agency/service-requests/").status_code == 403
    assert client.get("/enterprise/service-requests/new/").status_code == 403
    api = APIClient()
    api.force_authenticate(routed.hrss_officer)
    assert api.post(f"/api/v1/service-requests/{request.pk}/answer/", {"answer": "x"}, format="json").status_code == 404
    api.force_authenticate(routed.officer)
    assert api.post("/api/v1/service-requests/", {"category": "ip", "text": "x"}, format="json").status_code == 403
    request.refresh_from_db()
    assert request.status == "open"


def test_counts_group_in_the_database_by_month_district_agency_and_kind(routed):
    laizhou = EnterpriseFactory(division="370683")
    laizhou_user = enterprise_user(laizhou, username="lz1")
    made = [service_request_file(actor=routed.user, category="ip", text="a"),
            service_request_file(actor=routed.user, category="financing", text="b"),
            service_request_file(actor=laizhou_user, category="ip", text="c")]
    service_request_answer(actor=routed.officer, request=made[0], answer="ok")
    today = made[0].filed_on
    rows = selectors.service_request_counts(start=today, end=today, by=("month", "district", "agency", "category"))
    got = {(r["district"], r["agency_id"], r["category"]): (r["requests"], r["open"], r["answered"]) for r in rows}
    assert got == {("370611", routed.agency.pk, "ip"): (1, 0, 1),
                   ("370611", routed.city_hrss.pk, "financing"): (1, 1, 0),
                   ("370683", routed.city_market.pk, "ip"): (1, 1, 0)}
    assert {r["month"] for r in rows} == {today.replace(day=1)}
    total = selectors.service_request_counts(start=today - dt.timedelta(days=1), end=today, by=())
    assert total == [{"requests": 3, "open": 2, "answered": 1, "closed": 0}]


def test_default_routes_are_seeded_for_the_departments_that_exist_and_left_alone_after(routed):
    ServiceRoute.objects.all().delete()
    routed.market_dept.code = "market"
    routed.market_dept.save()
    assert service_routes_seed_defaults() == 5
    assert service_routes_seed_defaults() == 0
    assert service_request_route(category="financing", division="370611") == routed.city_hrss


# -- re-routing (改派) ---------------------------------------------------------------------------------


def test_the_agency_re_routes_a_request_that_reached_it_by_mistake_and_the_enterprise_sees_the_step(routed, client):
    request = service_request_file(actor=routed.user, category="ip", text="申请创业担保贷款")  # filed under IP
    client.force_login(routed.officer)
    page = client.get(f"/agency/service-requests/{request.pk}/").content.decode()
    assert 'id="request-reroute"' in page and routed.city_hrss.name in page
    response = client.post(f"/agency/service-requests/{request.pk}/",
                           {"action": "reroute", "agency": routed.city_hrss.pk,
                            "reason": "属创业担保贷款,由人社局办理"})
    assert response.status_code == 302 and response["Location"] == "/agency/service-requests/"
    request.refresh_from_db()
    assert (request.agency, request.status) == (routed.city_hrss, "open")
    step = ServiceRequestReroute.objects.get()
    assert (step.from_agency, step.to_agency, step.by_agency, step.rerouted_by) == (
        routed.agency, routed.city_hrss, routed.agency, routed.officer)
    entry = AuditEntry.objects.get(action="service_request.reroute", object_id=str(request.pk))
    assert entry.details["from"] == routed.agency.code and entry.details["to"] == routed.city_hrss.code
    told = Notification.objects.get(agency=routed.city_hrss,
                                    dedupe_key=f"service-request:{request.pk}:agency:{step.pk}")
    assert told.link == f"/agency/service-requests/{request.pk}/"
    assert Notification.objects.get(dedupe_key=f"service-request:{request.pk}:agency").read_at is not None
    assert Notification.objects.filter(enterprise=routed.enterprise, title__contains=routed.city_hrss.name).exists()
    # no longer the first agency's; the new one answers it
    assert client.get(f"/agency/service-requests/{request.pk}/").status_code == 404
    client.force_login(routed.hrss_officer)
    assert f"/agency/service-requests/{request.pk}/" in client.get("/agency/service-requests/").content.decode()
    service_request_answer(actor=routed.hrss_officer, request=request, answer="可申请,额度30万")
    client.force_login(routed.user)
    page = client.get(f"/enterprise/service-requests/{request.pk}/").content.decode()
    assert 'id="request-reroutes"' in page and "属创业担保贷款,由人社局办理" in page
    assert routed.agency.name in page and routed.city_hrss.name in page and 'id="request-reroute"' not in page
    api = APIClient()
    api.force_authenticate(routed.user)
    body = api.get(f"/api/v1/service-requests/{request.pk}/").json()
    assert body["agency"] == routed.city_hrss.code
    assert [(s["from_agency"], s["to_agency"], s["by_agency"]) for s in body["reroutes"]] == [
        (routed.agency.code, routed.city_hrss.code, routed.agency.code)]


def test_the_justice_bureau_of_the_enterprises_division_re_routes_from_its_page_and_the_api(routed, client):
    first = service_request_file(actor=routed.user, category="ip", text="融资问题")
    second = service_request_file(actor=routed.user, category="ip", text="另一个融资问题")
    client.force_login(routed.fushan_justice)
    listed = client.get("/justice/service-requests/").content.decode()
    assert f"/justice/service-requests/{first.pk}/" in listed and routed.agency.name in listed
    page = client.get(f"/justice/service-requests/{first.pk}/").content.decode()
    assert 'id="request-reroute"' in page and 'id="request-action"' not in page
    response = client.post(f"/justice/service-requests/{first.pk}/",
                           {"action": "reroute", "agency": routed.city_hrss.pk, "reason": "融资事项归人社局"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.agency == routed.city_hrss
    assert ServiceRequestReroute.objects.get(request=first).by_agency == routed.fushan_bureau
    api = APIClient()
    api.force_authenticate(routed.fushan_justice)
    response = api.post(f"/api/v1/service-requests/{second.pk}/reroute/",
                        {"agency": routed.city_hrss.code, "reason": "融资事项归人社局"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["agency"] == routed.city_hrss.code and len(response.json()["reroutes"]) == 1
    # the bureau re-routes; it does not answer or close
    assert api.post(f"/api/v1/service-requests/{second.pk}/answer/", {"answer": "x"},
                    format="json").status_code == 403
    with pytest.raises(PermissionDenied):
        service_request_close(actor=routed.fushan_justice, request=second)
    csv = b"".join(client.get("/justice/service-requests/export.csv").streaming_content).decode("utf-8-sig")
    assert routed.enterprise.name in csv and routed.city_hrss.name in csv


def test_re_routing_is_refused_to_other_agencies_other_bureaus_and_the_enterprise(routed, client):
    request = service_request_file(actor=routed.user, category="ip", text="专利")
    body = {"action": "reroute", "agency": routed.city_hrss.pk, "reason": "x"}
    client.force_login(routed.hrss_officer)  # another agency
    assert client.post(f"/agency/service-requests/{request.pk}/", body).status_code == 404
    for bureau_user in (routed.laizhou_justice, routed.city_justice):  # Fushan has its own bureau
        client.force_login(bureau_user)
        assert client.get(f"/justice/service-requests/{request.pk}/").status_code == 404
        assert client.post(f"/justice/service-requests/{request.pk}/", body).status_code == 404
        assert f"#{request.pk}<" not in client.get("/justice/service-requests/").content.decode()
        with pytest.raises(PermissionDenied):
            service_request_reroute(actor=bureau_user, request=request, agency=routed.city_hrss, reason="x")
    client.force_login(routed.user)
    assert client.get("/justice/service-requests/").status_code == 403
    assert client.post(f"/enterprise/service-requests/{request.pk}/", body).status_code in (200, 400)
    with pytest.raises(PermissionDenied):
        service_request_reroute(actor=routed.user, request=request, agency=routed.city_hrss, reason="x")
    client.force_login(routed.officer)
    assert client.get("/justice/service-requests/").status_code == 403
    api = APIClient()
    for user in (routed.hrss_officer, routed.laizhou_justice, routed.city_justice, routed.user, None):
        api.force_authenticate(user)
        response = api.post(f"/api/v1/service-requests/{request.pk}/reroute/",
                            {"agency": routed.city_hrss.code, "reason": "x"}, format="json")
        assert response.status_code in (401, 403, 404), (user, response.status_code)
    client.logout()
    for path in ("/justice/service-requests/", f"/justice/service-requests/{request.pk}/",
                 "/justice/service-requests/export.csv"):
        assert client.get(path).status_code == 302
    request.refresh_from_db()
    assert request.agency == routed.agency and not ServiceRequestReroute.objects.exists()
    assert not AuditEntry.objects.filter(action="service_request.reroute").exists()


def test_a_request_is_re_routed_while_it_waits_to_an_agency_of_the_enterprises_area_with_a_reason(routed):
    request = service_request_file(actor=routed.user, category="ip", text="专利")
    laizhou_market = AgencyFactory(code="lz-market", division="370683", department=routed.market_dept)
    for agency, reason in ((routed.agency, "同一部门"), (laizhou_market, "外区"), (routed.fushan_bureau, "司法局"),
                           (AgencyFactory(code="yt-closed", division="370600", active=False), "停用"),
                           (routed.city_hrss, "  "), (None, "无")):
        with pytest.raises(DomainError):
            service_request_reroute(actor=routed.officer, request=request, agency=agency, reason=reason)
    service_request_answer(actor=routed.officer, request=request, answer="已答复")
    with pytest.raises(DomainError, match="waiting"):
        service_request_reroute(actor=routed.officer, request=request, agency=routed.city_hrss, reason="晚了")
    request.refresh_from_db()
    assert request.agency == routed.agency and not ServiceRequestReroute.objects.exists()
    # the city's agencies serve every division; re-routed twice, the step before is no longer news either
    fresh = service_request_file(actor=routed.user, category="ip", text="商标")
    service_request_reroute(actor=routed.officer, request=fresh, agency=routed.city_market, reason="市级办理")
    city_officer = OfficerFactory(agency=routed.city_market, username="yt-market1")
    service_request_reroute(actor=city_officer, request=fresh, agency=routed.city_hrss, reason="人社办理")
    first_step = ServiceRequestReroute.objects.filter(request=fresh).first()
    assert Notification.objects.get(dedupe_key=f"service-request:{fresh.pk}:agency:{first_step.pk}").read_at
    assert list(ServiceRequestReroute.objects.filter(request=fresh).values_list("to_agency__code", flat=True)) == [
        routed.city_market.code, routed.city_hrss.code]


def test_the_justice_list_and_its_export_take_a_fixed_number_of_queries(routed, client):
    client.force_login(routed.fushan_justice)

    def read():
        with CaptureQueriesContext(connection) as page:
            assert client.get("/justice/service-requests/").status_code == 200
        with CaptureQueriesContext(connection) as export:
            text = b"".join(client.get("/justice/service-requests/export.csv").streaming_content).decode("utf-8-sig")
        return len(page), len(export), text

    service_request_file(actor=routed.user, category="ip", text="一")
    one = read()
    for k in range(4):
        service_request_file(actor=routed.user, category="financing", text=f"融资{k}")
    five = read()
    assert one[:2] == five[:2]
    assert one[2].count("\n") == 2 and five[2].count("\n") == 6
