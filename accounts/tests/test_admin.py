"""The admins of accounts, catalogue, enterprises and credit: they render, and they refuse what the services
refuse."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from accounts.models import Agency, User
from accounts.tests.factories import AdminUserFactory, AgencyFactory, DepartmentFactory, JusticeBureauFactory
from audit.models import AuditEntry
from catalogue.services import catalogue_load
from credit.models import CreditProfile
from enterprises.models import EnterpriseAccount
from enterprises.tests.factories import EnterpriseFactory, LicenceFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Yantai-Demo-2026!"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(client):
    client.force_login(AdminUserFactory(username="root"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions quote the English messages
    return client


def add_user(admin_client, **fields):
    data = {"username": "newcomer", "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD,
            "role": "officer", "agency": "", "full_name": "", "certificate_number": "", "phone": "", **fields}
    return admin_client.post(reverse("admin:accounts_user_add"), data)


@pytest.mark.parametrize("name", [
    "accounts_department", "accounts_agency", "accounts_user", "catalogue_theme", "catalogue_matter",
    "catalogue_thematicchecklist", "enterprises_enterprise", "enterprises_licence", "enterprises_enterpriseaccount",
    "credit_creditprofile",
])
def test_the_admin_pages_render(admin_client, name):
    catalogue_load(actor=None)
    LicenceFactory()
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200


@time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
def test_the_licence_admin_filters_licences_due_for_the_expiry_warning(admin_client):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    soon = LicenceFactory(number="SOON", valid_from=today - datetime.timedelta(days=300),
                          valid_to=today + datetime.timedelta(days=10))
    LicenceFactory(number="LATER")

    response = admin_client.get(reverse("admin:enterprises_licence_changelist"), {"expiry": "expiring"})

    assert [lic.pk for lic in response.context["cl"].result_list] == [soon.pk]


def test_the_user_admin_refuses_an_officer_without_a_certificate(admin_client):
    response = add_user(admin_client, agency=AgencyFactory().pk)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["certificate_number"] == [
        "An enforcement officer carries out on-site inspections and needs an enforcement certificate number."]
    assert not User.objects.filter(username="newcomer").exists()


def test_the_user_admin_refuses_justice_staff_outside_a_justice_bureau(admin_client):
    response = add_user(admin_client, role="justice", agency=AgencyFactory(name="烟台市应急管理局").pk)

    assert response.context["adminform"].form.errors["agency"] == [
        "烟台市应急管理局 is not a justice bureau; justice bureau staff must belong to one."]


def test_the_user_admin_creates_an_officer_and_audits_it(admin_client):
    response = add_user(admin_client, agency=AgencyFactory().pk, certificate_number="37060020240009",
                        full_name="王伟")

    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.check_password(PASSWORD) and user.certificate_number == "37060020240009"
    entry = AuditEntry.objects.get(action="user.create")  # through the service, like every other way in
    assert PASSWORD not in str(entry.details)


def test_the_user_admin_makes_an_administrator_staff(admin_client):
    add_user(admin_client, role="admin")
    user = User.objects.get(username="newcomer")
    assert user.is_staff and user.is_superuser


def test_the_agency_admin_refuses_a_second_justice_bureau_in_a_division(admin_client):
    bureau = JusticeBureauFactory()
    response = admin_client.post(reverse("admin:accounts_agency_add"), {
        "code": "justice-2", "name": "第二司法局", "department": bureau.department_id, "level": "city",
        "division": "370600", "parent": "", "is_justice_bureau": "on", "active": "on",
    })

    assert response.status_code == 200
    assert "already has a justice bureau" in str(response.context["adminform"].form.errors)
    assert Agency.objects.count() == 1


def test_the_agency_admin_refuses_a_city_agency_in_a_district(admin_client):
    response = admin_client.post(reverse("admin:accounts_agency_add"), {
        "code": "x", "name": "某局", "department": DepartmentFactory().pk, "level": "city",
        "division": "370611", "parent": "", "active": "on",
    })

    assert "division" in response.context["adminform"].form.errors


def test_the_credit_admin_saves_through_the_service_and_refuses_whitelisting_below_a(admin_client):
    enterprise = EnterpriseFactory()
    url = reverse("admin:credit_creditprofile_add")

    refused = admin_client.post(url, {"enterprise": enterprise.pk, "grade": "B", "whitelisted": "on"})
    assert "whitelisted" in refused.context["adminform"].form.errors

    accepted = admin_client.post(url, {"enterprise": enterprise.pk, "grade": "A", "whitelisted": "on"})
    assert accepted.status_code == 302
    assert CreditProfile.objects.get().whitelisted_since is not None
    assert AuditEntry.objects.filter(action="credit_profile.set").count() == 1


def test_the_enterprise_account_admin_links_through_the_service_and_only_enterprise_users(admin_client):
    enterprise = EnterpriseFactory()
    officer_like = User.objects.create(username="staff-person", role=User.Role.ADMIN)
    account_user = User.objects.create(username="ent", role=User.Role.ENTERPRISE)
    url = reverse("admin:enterprises_enterpriseaccount_add")

    refused = admin_client.post(url, {"user": officer_like.pk, "enterprise": enterprise.pk})
    assert "user" in refused.context["adminform"].form.errors

    accepted = admin_client.post(url, {"user": account_user.pk, "enterprise": enterprise.pk})
    assert accepted.status_code == 302
    assert EnterpriseAccount.objects.get().enterprise == enterprise
    assert account_user.has_perm("enterprises.view_enterprise", enterprise)
    assert AuditEntry.objects.filter(action="enterprise.account_link").exists()


def test_the_agency_admin_saves_through_the_services_and_keeps_the_code(admin_client):
    department = DepartmentFactory()
    added = admin_client.post(reverse("admin:accounts_agency_add"), {
        "code": "370600-x", "name": "某局", "department": department.pk, "level": "city",
        "division": "370600", "parent": "", "active": "on",
    })
    assert added.status_code == 302
    agency = Agency.objects.get(code="370600-x")
    assert AuditEntry.objects.filter(action="agency.create", object_id=str(agency.pk)).exists()

    changed = admin_client.post(reverse("admin:accounts_agency_change", args=[agency.pk]), {
        "code": "renamed", "name": "某某局", "department": department.pk, "level": "city",
        "division": "370600", "parent": "",
    })
    assert changed.status_code == 302
    agency.refresh_from_db()
    assert (agency.code, agency.name, agency.active) == ("370600-x", "某某局", False)
    entry = AuditEntry.objects.get(action="agency.update")
    assert entry.details["before"]["name"] == "某局" and entry.details["after"]["active"] is False


def test_the_enterprise_admin_saves_through_the_services(admin_client):
    from catalogue.tests.factories import ThemeFactory
    from enterprises.models import Enterprise

    enterprise = EnterpriseFactory()
    theme = ThemeFactory(code="catering")
    response = admin_client.post(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]), {
        "name": "新名称有限公司", "legal_representative": "王伟", "address": enterprise.address,
        "division": enterprise.division, "industry": enterprise.industry, "themes": [theme.pk],
        "licences-TOTAL_FORMS": "0", "licences-INITIAL_FORMS": "0",
        "busy_periods-TOTAL_FORMS": "0", "busy_periods-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert stored.name == "新名称有限公司" and list(stored.themes.all()) == [theme]
    entry = AuditEntry.objects.get(action="enterprise.update")
    assert entry.details["themes"] == {"before": [], "after": ["catering"]}
    assert not AuditEntry.objects.filter(action="admin.enterprise.change").exists()


@pytest.mark.parametrize("name", ["notifications_notification", "outbox_outboxmessage"])
def test_what_the_services_write_is_read_only_in_the_admin(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_the_enterprise_admin_adds_through_enterprise_create(admin_client):
    from enterprises.uscc import make_uscc

    code = make_uscc("91370611MA3C00001")
    response = admin_client.post(reverse("admin:enterprises_enterprise_add"), {
        "uscc": code.lower(), "name": "烟台新企业有限公司", "legal_representative": "", "address": "",
        "division": "370611", "industry": "C",
        "licences-TOTAL_FORMS": "0", "licences-INITIAL_FORMS": "0",
        "busy_periods-TOTAL_FORMS": "0", "busy_periods-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert AuditEntry.objects.get(action="enterprise.create").object_repr.startswith("烟台新企业")
