import datetime as dt

import pytest
from django.core import signing

from accounts.models import User
from accounts.tests.factories import OfficerFactory
from enterprises.tests.factories import EnterpriseFactory
from inspections import qrtokens
from inspections.models import CheckIn, InspectionRecord
from inspections.services import check_in
from inspections.services.checkin import checked_in_count
from plans.tests.conftest import SHANGHAI, freeze
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


def token(city):
    return qrtokens.enterprise_token(city.enterprise.uscc)


def test_an_officer_on_the_task_checks_in_with_the_enterprises_code(city, visit):
    attempt = check_in(actor=city.market_officer, task=visit, token=token(city), latitude=37.5, longitude=121.4)
    assert attempt.accepted
    visit.refresh_from_db()
    assert visit.status == "in_progress"
    assert not InspectionRecord.objects.exists()  # one officer is not enough


def test_the_record_opens_when_two_certified_officers_are_in(city, visit):
    check_in(actor=city.market_officer, task=visit, token=token(city))
    check_in(actor=city.ecology_officer, task=visit, token=token(city))
    record = InspectionRecord.objects.get(task=visit)
    assert {i.matter for i in record.items.all()} == {city.market_matter, city.ecology_matter}


def refused(city, visit, **kwargs):
    kwargs.setdefault("actor", city.market_officer)
    kwargs.setdefault("token", token(city))
    with pytest.raises(DomainError) as exc:
        check_in(task=visit, **kwargs)
    attempt = CheckIn.objects.filter(accepted=False).latest("id")
    assert attempt.refusal == str(exc.value.message)
    return str(exc.value.message)


def test_a_code_of_another_enterprise_is_refused_and_logged(city, visit):
    other = EnterpriseFactory()
    message = refused(city, visit, token=qrtokens.enterprise_token(other.uscc))
    assert city.enterprise.name in message


def test_a_forged_code_is_refused_and_logged(city, visit):
    genuine = token(city)
    forged = genuine[:-4] + ("abcd" if not genuine.endswith("abcd") else "wxyz")
    message = refused(city, visit, token=forged)
    assert "not a valid" in message or "无效" in message


def test_a_code_with_a_guessable_id_is_refused(city, visit):
    refused(city, visit, token=city.enterprise.uscc)
    refused(city, visit, token=signing.dumps({"e": city.enterprise.uscc}, salt="another-purpose"))


def test_an_expired_code_is_refused_and_logged(city, visit, settings):
    old = token(city)
    settings.QR_TOKEN_MAX_AGE_DAYS = 0
    with freeze(dt.datetime(2026, 6, 9, 9, 30, 5, tzinfo=SHANGHAI)):
        message = refused(city, visit, token=old)
    assert "expired" in message or "过期" in message


def test_an_officer_not_on_the_task_is_refused_and_logged(city, visit):
    stranger = OfficerFactory(agency=city.emergency)
    refused(city, visit, actor=stranger)
    assert CheckIn.objects.filter(officer=stranger, accepted=False).exists()


def test_check_in_on_another_day_is_refused(city, visit):
    with freeze(dt.datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI)):
        refused(city, visit)


def test_checking_in_twice_is_harmless(city, visit):
    first = check_in(actor=city.market_officer, task=visit, token=token(city))
    again = check_in(actor=city.market_officer, task=visit, token=token(city))
    assert first.pk == again.pk
    assert CheckIn.objects.filter(accepted=True).count() == 1


def test_a_visit_marked_missed_after_the_officer_loaded_it_is_refused_under_the_lock(city, visit):
    # The officer's page loaded the visit while it was fixed; the daily job marked it missed before the scan
    # was sent. On the old code the check ran on the stale object and the visit went back to in progress.
    from plans.models import JointTask

    JointTask.objects.filter(pk=visit.pk).update(status=JointTask.Status.MISSED)
    with pytest.raises(DomainError):
        check_in(actor=city.market_officer, task=visit, token=token(city))
    visit.refresh_from_db()
    assert visit.status == JointTask.Status.MISSED
    assert not CheckIn.objects.filter(accepted=True).exists()


def test_an_officer_whose_certificate_expired_before_the_visit_day_is_refused(city, visit):
    day_before = visit.visit_date - dt.timedelta(days=1)
    User.objects.filter(pk=city.market_officer.pk).update(certificate_valid_until=day_before)
    city.market_officer.refresh_from_db()
    assert refused(city, visit) == "Officers without an enforcement certificate valid today cannot inspect."
    assert not CheckIn.objects.filter(accepted=True).exists()


def test_an_officer_without_a_certificate_is_refused(city, visit):
    User.objects.filter(pk=city.market_officer.pk).update(certificate_number="", certificate_valid_from=None,
                                                           certificate_valid_until=None)
    city.market_officer.refresh_from_db()
    assert refused(city, visit) == "Officers without an enforcement certificate valid today cannot inspect."


def test_a_checked_in_officer_whose_certificate_ends_does_not_count(city, visit):

    check_in(actor=city.market_officer, task=visit, token=token(city))
    check_in(actor=city.ecology_officer, task=visit, token=token(city))
    assert checked_in_count(visit) == 2
    day_before = visit.visit_date - dt.timedelta(days=1)
    User.objects.filter(pk=city.market_officer.pk).update(certificate_valid_until=day_before)
    assert checked_in_count(visit) == 1
