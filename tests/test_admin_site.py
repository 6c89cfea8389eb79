"""Every model has an admin page that renders, with search, for the platform administrator and nobody else."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import AdminUserFactory, JusticeUserFactory, OfficerFactory

pytestmark = pytest.mark.django_db
MODELS = sorted(f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry)
OURS = {"accounts", "audit", "outbox", "notifications", "catalogue", "enterprises", "credit", "plans", "inspections",
        "complaints", "supervision", "oversight"}


def test_every_model_of_ours_is_in_the_admin():
    from django.apps import apps

    missing = [
        f"{m._meta.app_label}.{m.__name__}"
        for m in apps.get_models()
        if m._meta.app_label in OURS and m not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.parametrize("name", MODELS)
def test_the_changelist_renders_and_searches(client, name):
    client.force_login(AdminUserFactory())
    url = reverse(f"admin:{name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "烟台"}).status_code == 200


@pytest.mark.parametrize("make_user", [OfficerFactory, JusticeUserFactory])
def test_staff_of_agencies_cannot_enter_the_admin(client, make_user):
    client.force_login(make_user())
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_pickers_speak_chinese(client):
    """The two-box picker (filter_horizontal) and the calendar read Django's own JavaScript catalogue,
    which the admin's pages load from /admin/jsi18n/ in the page's language."""
    client.force_login(AdminUserFactory())
    page = client.get("/admin/catalogue/theme/add/").content.decode()
    assert reverse("admin:jsi18n") in page
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    assert '"Choose all": "\\u5168\\u9009"' in catalogue  # 全选
