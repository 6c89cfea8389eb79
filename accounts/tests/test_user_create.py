import pytest
from django.utils import translation

from accounts.models import User
from accounts.services import user_create
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, OfficerFactory
from audit.models import AuditEntry
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db

PASSWORD = "Yantai-Demo-2026!"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def agency():
    return AgencyFactory(name="烟台市市场监督管理局")


@pytest.fixture
def justice_bureau():
    return JusticeBureauFactory()


def assert_refused(message, *, field, **kwargs):
    users, entries = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as excinfo:
        user_create(actor=None, username="newcomer", password=PASSWORD, **kwargs)
    assert str(excinfo.value.message) == message
    assert excinfo.value.field == field
    assert User.objects.count() == users
    assert AuditEntry.objects.count() == entries


def test_it_refuses_an_officer_without_an_agency():
    assert_refused("An enforcement officer must belong to an agency.", field="agency",
                   role=User.Role.OFFICER, certificate_number="37060020240001")


def test_it_refuses_an_officer_in_a_justice_bureau(justice_bureau):
    assert_refused("烟台市司法局 is a justice bureau; an enforcement officer must belong to an enforcement agency. "
                   "Create a justice staff account instead.", field="agency",
                   role=User.Role.OFFICER, agency=justice_bureau, certificate_number="37060020240001")


def test_it_refuses_an_officer_without_a_certificate_number(agency):
    assert_refused("An enforcement officer carries out on-site inspections and needs an enforcement certificate "
                   "number.", field="certificate_number", role=User.Role.OFFICER, agency=agency)


def test_it_refuses_a_certificate_number_already_registered(agency):
    OfficerFactory(certificate_number="37060020240001")
    assert_refused("The enforcement certificate number 37060020240001 is already registered to another user.",
                   field="certificate_number", role=User.Role.OFFICER, agency=agency,
                   certificate_number="37060020240001")


def test_it_refuses_justice_staff_without_an_agency():
    assert_refused("Justice bureau staff must belong to a justice bureau.", field="agency", role=User.Role.JUSTICE)


def test_it_refuses_justice_staff_in_an_enforcement_agency(agency):
    assert_refused("烟台市市场监督管理局 is not a justice bureau; justice bureau staff must belong to one.",
                   field="agency", role=User.Role.JUSTICE, agency=agency)


@pytest.mark.parametrize("role", [User.Role.ENTERPRISE, User.Role.ADMIN])
def test_it_refuses_an_agency_for_enterprise_and_admin_accounts(role, agency):
    assert_refused("Only enforcement officers and justice bureau staff belong to an agency.", field="agency",
                   role=role, agency=agency)


def test_it_refuses_a_certificate_number_on_an_enterprise_account():
    assert_refused("Only enforcement officers and justice bureau staff hold an enforcement certificate.",
                   field="certificate_number", role=User.Role.ENTERPRISE, certificate_number="37060020240001")


def test_it_refuses_an_inactive_agency():
    agency = AgencyFactory(name="已撤销的局", active=False)
    assert_refused("已撤销的局 is no longer active.", field="agency", role=User.Role.OFFICER, agency=agency,
                   certificate_number="37060020240001")


def test_it_refuses_an_unknown_role():
    assert_refused("Unknown role boss.", field="role", role="boss")


def test_it_refuses_a_weak_password():
    with pytest.raises(DomainError) as excinfo:
        user_create(actor=None, username="newcomer", password="12345678", role=User.Role.ENTERPRISE)
    assert excinfo.value.field == "password"
    assert not User.objects.exists()


def test_it_refuses_a_taken_username_whatever_its_case():
    user_create(actor=None, username="Officer", password=PASSWORD, role=User.Role.ENTERPRISE)
    with pytest.raises(DomainError, match="already taken"):
        user_create(actor=None, username="officer", password=PASSWORD, role=User.Role.ENTERPRISE)


def test_it_creates_an_officer_and_audits_it_without_the_password(agency):
    user = user_create(actor=None, username="officer_market", password=PASSWORD, role=User.Role.OFFICER,
                       full_name="王伟", agency=agency, certificate_number=" 37060020240001 ")

    assert user.check_password(PASSWORD)
    assert user.certificate_number == "37060020240001"
    assert not user.is_staff
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.object_id == str(user.pk)
    assert entry.details["after"]["role"] == "officer"
    assert PASSWORD not in str(entry.details)
    assert "password" not in entry.details["after"]


def test_it_creates_justice_staff_in_a_justice_bureau(justice_bureau):
    user = user_create(actor=None, username="justice", password=PASSWORD, role=User.Role.JUSTICE,
                       agency=justice_bureau)
    assert user.is_justice and user.agency == justice_bureau


def test_an_administrator_gets_staff_and_superuser_status():
    user = user_create(actor=None, username="admin", password=PASSWORD, role=User.Role.ADMIN)
    assert user.is_staff and user.is_superuser


def test_without_a_password_the_account_cannot_log_in(agency):
    user = user_create(actor=None, username="officer2", password=None, role=User.Role.OFFICER, agency=agency,
                       certificate_number="37060020240002")
    assert not user.has_usable_password()
    assert AuditEntry.objects.get().details["usable_password"] is False
