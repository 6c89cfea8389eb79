import pytest

from accounts.tests.factories import AgencyFactory
from catalogue.selectors import checklists_list, matters_list
from catalogue.services import catalogue_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    catalogue_load(actor=None)


def test_an_agency_code_lists_its_departments_matters(catalogue):
    from accounts.models import Department

    AgencyFactory(code="370611-market", department=Department.objects.get(code="market"), division="370611",
                  level="district")

    by_agency = list(matters_list(agency_or_department_code="370611-market"))
    by_department = list(matters_list(agency_or_department_code="market"))

    assert by_agency == by_department
    assert by_agency and all(m.department.code == "market" for m in by_agency)


def test_it_filters_by_theme_and_leaves_out_inactive_matters(catalogue):
    from catalogue.models import Matter

    Matter.objects.filter(code="ecology-oil-001").update(active=False)

    codes = [m.code for m in matters_list(theme_code="catering")]

    assert "market-food-001" in codes
    assert "ecology-oil-001" not in codes
    assert "education-bus-001" not in codes


def test_an_unknown_code_lists_nothing(catalogue):
    assert list(matters_list(agency_or_department_code="no-such-thing")) == []


def test_listing_takes_the_same_queries_whatever_the_count(catalogue, django_assert_num_queries):
    with django_assert_num_queries(2):
        matters = list(matters_list())
        for matter in matters:
            matter.department.name, list(matter.themes.all())
    assert len(matters) > 60

    with django_assert_num_queries(2):
        checklists = list(checklists_list(theme_code="industry"))
        for checklist in checklists:
            [m.department.name for m in checklist.matters.all()]
    assert len(checklists) == 5
