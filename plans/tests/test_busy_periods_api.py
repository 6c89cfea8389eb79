import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import OfficerFactory
from enterprises.models import BusyPeriod
from enterprises.tests.factories import EnterpriseFactory, enterprise_user

pytestmark = pytest.mark.django_db


def test_an_enterprise_declares_lists_and_removes_its_busy_periods():
    enterprise = EnterpriseFactory()
    api = APIClient()
    api.force_authenticate(enterprise_user(enterprise))
    start = dt.date.today() + dt.timedelta(days=20)
    created = api.post(
        "/api/v1/my-enterprise/busy-periods/",
        {"start": start.isoformat(), "end": (start + dt.timedelta(days=5)).isoformat(), "reason": "生产高峰"},
        format="json",
    )
    assert created.status_code == 201
    assert [p["reason"] for p in api.get("/api/v1/my-enterprise/busy-periods/").json()] == ["生产高峰"]
    bad = api.post(
        "/api/v1/my-enterprise/busy-periods/",
        {"start": start.isoformat(), "end": (start - dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert bad.status_code == 400 and "end" in bad.json()
    pk = created.json()["id"]
    api.force_authenticate(enterprise_user(EnterpriseFactory()))
    assert api.delete(f"/api/v1/my-enterprise/busy-periods/{pk}/").status_code == 404
    api.force_authenticate(OfficerFactory())
    assert api.get("/api/v1/my-enterprise/busy-periods/").status_code == 403
    api.force_authenticate(enterprise_user(enterprise))
    assert api.delete(f"/api/v1/my-enterprise/busy-periods/{pk}/").status_code == 204
    assert not BusyPeriod.objects.exists()
