import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import OfficerFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_each_reader_sees_only_its_own_inbox_and_marks_it_read(client):
    officer = OfficerFactory()
    mine = Notification.objects.create(agency=officer.agency, title="邀请", dedupe_key="a")
    other_enterprise = EnterpriseFactory()
    Notification.objects.create(enterprise=other_enterprise, title="他人的通知", dedupe_key="b")
    api = APIClient()
    api.force_authenticate(officer)
    assert [n["id"] for n in api.get("/api/v1/notifications/").json()["results"]] == [mine.pk]
    assert api.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    api.force_authenticate(enterprise_user())
    assert api.get("/api/v1/notifications/").json()["results"] == []
    assert api.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 0}
    assert Notification.objects.get(dedupe_key="b").read_at is None
    client.force_login(enterprise_user(other_enterprise))
    assert "他人的通知" in client.get("/notifications/").content.decode()
    client.post("/notifications/read/")
    assert Notification.objects.get(dedupe_key="b").read_at is not None


def test_the_api_gives_each_link_as_an_address_on_the_configured_site(settings):
    settings.SITE_URL = "http://127.0.0.1:8011"
    officer = OfficerFactory()
    Notification.objects.create(agency=officer.agency, title="邀请", link="/agency/invitations/", dedupe_key="a")
    Notification.objects.create(agency=officer.agency, title="无链接", dedupe_key="b")
    api = APIClient()
    api.force_authenticate(officer)
    urls = {n["title"]: n["url"] for n in api.get("/api/v1/notifications/").json()["results"]}
    assert urls == {"邀请": "http://127.0.0.1:8011/agency/invitations/", "无链接": ""}
