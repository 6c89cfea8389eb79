"""The campaign cap (settings.CAMPAIGN_MAX_ENTERPRISES, 500) is the service's rule (campaign_size_check,
enforced by plan_file_campaign); the page and the API only parse, and call the same check early."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from enterprises.tests.factories import EnterpriseFactory
from plans.models import Plan
from plans.services import plan_file_campaign
from yantai_inspect.errors import DomainError

from .conftest import days

pytestmark = pytest.mark.django_db


def common(city):
    return {"matters": [city.market_matter], "window_start": days(8), "window_end": days(12)}


def form_data(city, others):
    return {
        "enterprise": city.enterprise.uscc,
        "campaign_enterprises": "\n".join(e.uscc for e in others),
        "matters": [city.market_matter.code],
        "window_start": days(8).isoformat(),
        "window_end": days(12).isoformat(),
    }


def test_the_default_cap_is_500():
    from django.conf import settings

    assert settings.CAMPAIGN_MAX_ENTERPRISES == 500


def test_the_service_refuses_a_campaign_over_the_cap_and_files_nothing(city, frozen, settings):
    # Old code: the service had no cap (only the form and the serializer did), so all four were filed.
    settings.CAMPAIGN_MAX_ENTERPRISES = 3
    enterprises = [city.enterprise, *EnterpriseFactory.create_batch(3)]
    with pytest.raises(DomainError) as exc:
        plan_file_campaign(actor=city.market_officer, enterprises=enterprises, **common(city))
    assert exc.value.field == "enterprises" and "3" in exc.value.message
    assert not Plan.objects.exists()
    filed = plan_file_campaign(actor=city.market_officer, enterprises=enterprises[:3], **common(city))
    assert len(filed) == 3


def test_the_service_counts_and_files_each_enterprise_once(city, frozen, settings):
    # Old code filed a plan per listed entry: the same enterprise twice in one campaign.
    settings.CAMPAIGN_MAX_ENTERPRISES = 2
    other = EnterpriseFactory()
    filed = plan_file_campaign(
        actor=city.market_officer, enterprises=[city.enterprise, other, city.enterprise, other], **common(city)
    )
    assert sorted(p.enterprise_id for p in filed) == sorted([city.enterprise.pk, other.pk])


def test_the_page_refuses_500_codes_plus_the_first_enterprise(client, city, frozen):
    # Old code: the form capped only the extra codes at 500, so 501 enterprises were filed.
    others = EnterpriseFactory.create_batch(500)
    client.force_login(city.market_officer)
    response = client.post("/agency/plans/new/", form_data(city, others))
    assert response.status_code == 200
    assert "501" in response.context["form"].errors["campaign_enterprises"][0]
    assert "500" in response.content.decode()
    assert not Plan.objects.exists()


def test_the_page_answers_an_oversized_list_in_the_users_language_before_looking_codes_up(client, city, settings):
    settings.CAMPAIGN_MAX_ENTERPRISES = 3
    client.force_login(city.market_officer)
    data = form_data(city, [])
    data["campaign_enterprises"] = "\n".join(f"91370611{n:010d}" for n in range(5000))
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/agency/plans/new/", data)
    assert response.status_code == 200 and len(queries) < 30
    assert "一次专项检查最多" in response.content.decode()
    assert not Plan.objects.exists()


def test_the_page_files_a_campaign_at_the_cap(client, city, frozen, settings):
    settings.CAMPAIGN_MAX_ENTERPRISES = 3
    client.force_login(city.market_officer)
    response = client.post("/agency/plans/new/", form_data(city, EnterpriseFactory.create_batch(2)))
    assert response.status_code == 302 and Plan.objects.count() == 3
    response = client.post("/agency/plans/new/", form_data(city, EnterpriseFactory.create_batch(3)))
    assert response.status_code == 200 and Plan.objects.count() == 3


def test_the_api_refuses_a_campaign_over_the_cap_with_a_field_error(city, frozen, settings):
    # Old code: the serializer's own max_length=500 let four through when the setting says three.
    settings.CAMPAIGN_MAX_ENTERPRISES = 3
    api = APIClient()
    api.force_authenticate(city.market_officer)
    payload = {
        "enterprises": [city.enterprise.uscc, *(e.uscc for e in EnterpriseFactory.create_batch(3))],
        "matters": [city.market_matter.code],
        "window_start": days(8).isoformat(),
        "window_end": days(12).isoformat(),
    }
    response = api.post("/api/v1/plans/campaign/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "at most 3" in response.json()["enterprises"][0]
    assert not Plan.objects.exists()
    payload["enterprises"] = payload["enterprises"][:3]
    response = api.post("/api/v1/plans/campaign/", payload, format="json")
    assert response.status_code == 201 and Plan.objects.count() == 3


def test_the_api_answers_a_huge_list_without_a_500(city, frozen):
    api = APIClient()
    api.force_authenticate(city.market_officer)
    payload = {
        "enterprises": [f"91370611{n:010d}" for n in range(20000)],
        "matters": [city.market_matter.code],
        "window_start": days(8).isoformat(),
        "window_end": days(12).isoformat(),
    }
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/plans/campaign/", payload, format="json")
    assert response.status_code == 400 and "enterprises" in response.json() and len(queries) < 30
