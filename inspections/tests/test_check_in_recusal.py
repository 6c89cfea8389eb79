import pytest

from inspections import qrtokens
from inspections.models import CheckIn
from inspections.services import check_in
from plans.models import OfficerConflict
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


def test_check_in_refuses_an_officer_with_a_conflict_with_the_enterprise(city, visit):
    # Granting or declaring takes the officer off the plans; the check-in guard holds even if one stayed.
    OfficerConflict.objects.create(officer=city.market_officer, enterprise=city.enterprise, reason="亲属")
    with pytest.raises(DomainError) as exc:
        check_in(actor=city.market_officer, task=visit, token=qrtokens.enterprise_token(city.enterprise.uscc))
    assert "回避" in str(exc.value.message)
    assert CheckIn.objects.get(accepted=False).refusal == str(exc.value.message)
    check_in(actor=city.ecology_officer, task=visit, token=qrtokens.enterprise_token(city.enterprise.uscc))
