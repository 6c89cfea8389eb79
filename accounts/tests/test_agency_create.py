import pytest
from django.utils import translation

from accounts.models import Agency
from accounts.services import agency_create, department_upsert
from accounts.tests.factories import DepartmentFactory, JusticeBureauFactory
from audit.models import AuditEntry
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def market():
    return DepartmentFactory(code="market", name="市场监督管理局")


@pytest.fixture
def justice():
    return DepartmentFactory(code="justice", name="司法局")


def create(**kwargs):
    defaults = {"actor": None, "code": "x", "name": "某局", "level": Agency.Level.CITY, "division": "370600"}
    return agency_create(**{**defaults, **kwargs})


def test_it_creates_a_district_agency_under_the_city_one_and_audits_it(market):
    city = create(code="370600-market", name="烟台市市场监督管理局", department=market)
    district = create(code="370611-market", name="烟台市福山区市场监督管理局", department=market,
                      level=Agency.Level.DISTRICT, division="370611", parent=city)

    assert district.parent == city
    assert AuditEntry.objects.filter(action="agency.create").count() == 2


def test_it_refuses_a_city_level_agency_outside_the_city_division(market):
    with pytest.raises(DomainError, match="city-level agency belongs to division 370600"):
        create(department=market, division="370611")
    assert not Agency.objects.exists()


def test_it_refuses_a_district_level_agency_in_the_city_division(market):
    with pytest.raises(DomainError, match="district-level agency"):
        create(department=market, level=Agency.Level.DISTRICT)


def test_it_refuses_a_second_justice_bureau_in_a_division(justice):
    JusticeBureauFactory(department=justice)
    with pytest.raises(DomainError, match="already has a justice bureau: 烟台市司法局"):
        create(code="370600-justice-2", department=justice, is_justice_bureau=True)
    assert Agency.objects.count() == 1


def test_it_refuses_a_justice_bureau_outside_the_justice_department(market):
    with pytest.raises(DomainError, match="must belong to the justice department"):
        create(department=market, is_justice_bureau=True)


def test_it_refuses_a_justice_department_agency_that_is_not_the_bureau(justice):
    with pytest.raises(DomainError, match="mark it as a justice bureau"):
        create(department=justice)


def test_it_refuses_a_parent_of_another_department(market, justice):
    other = create(code="370600-ecology", department=DepartmentFactory(code="ecology"))
    with pytest.raises(DomainError, match="of another department"):
        create(code="370611-market", department=market, level=Agency.Level.DISTRICT, division="370611", parent=other)


def test_it_refuses_a_taken_code(market):
    create(code="370600-market", department=market)
    with pytest.raises(DomainError, match="already exists"):
        create(code="370600-market", department=market)


def test_department_upsert_renames_and_audits_only_changes():
    department_upsert(actor=None, code="market", name="市场监管局")
    department_upsert(actor=None, code="market", name="市场监督管理局")
    department_upsert(actor=None, code="market", name="市场监督管理局")

    entries = AuditEntry.objects.filter(action="department.upsert").order_by("id")
    assert [e.details["after"]["name"] for e in entries] == ["市场监管局", "市场监督管理局"]
