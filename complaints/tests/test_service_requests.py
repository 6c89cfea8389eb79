"""入市第一课: the enterprise asks for help; routed by its kind and the enterprise's division to one agency,
answered there, closed, counted."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import AgencyFactory, DepartmentFactory, OfficerFactory
from audit.models import AuditEntry
from complaints import selectors
from complaints.models import ServiceRequest, ServiceRoute
from complaints.services_requests import (
    service_request_answer,
    service_request_close,
    service_request_file,
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
