import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from complaints import services
from complaints.deadlines import complaints_overdue_flag
from complaints.models import Complaint
from credit.models import CreditEvent
from yantai_inspect.errors import DomainError

from .conftest import BEFORE_HOLIDAY, at


def file(scene, **kw):
    kw.setdefault("kind", Complaint.Kind.NOT_SCANNED)
    kw.setdefault("text", "检查人员未扫码即进入车间")
    return services.complaint_file(actor=scene.user, task=scene.task, officer=scene.officer, **kw)


def test_it_routes_to_the_same_level_bureau_with_deadlines_in_working_days_across_a_holiday(scene):
    with at(BEFORE_HOLIDAY):
        c = file(scene)
    assert c.justice_bureau == scene.fushan_bureau
    assert c.status == Complaint.Status.RECEIVED
    assert c.received_on == dt.date(2026, 9, 30)
    assert c.accept_due == dt.date(2026, 10, 8)  # 1-7 October are off
    assert c.reply_due == dt.date(2026, 10, 13)  # 8, 9, 10 (调休 Saturday), 12, 13
    assert c.steps.count() == 1
    assert AuditEntry.objects.filter(action="complaint.file", object_id=str(c.pk)).exists()


def test_the_deadlines_are_configurable(scene, settings):
    settings.COMPLAINT_REPLY_WORKDAYS = 2
    with at(BEFORE_HOLIDAY):
        c = file(scene)
    assert c.reply_due == dt.date(2026, 10, 9)


def test_the_whole_handling_and_an_upheld_complaint_is_a_credit_event(scene):
    with at(BEFORE_HOLIDAY):
        c = file(scene)
        services.complaint_accept(actor=scene.fushan_justice, complaint=c)
        services.complaint_investigate(actor=scene.fushan_justice, complaint=c, note="调取执法记录仪")
        c = services.complaint_decide(actor=scene.fushan_justice, complaint=c, upheld=True, outcome="属实，已责令整改")
        c = services.complaint_close(actor=scene.fushan_justice, complaint=c)
    assert c.status == Complaint.Status.CLOSED
    assert [s.action for s in c.steps.all()] == ["file", "accept", "investigate", "decide", "close"]
    event = CreditEvent.objects.get(source_ref=f"complaint:{c.pk}")
    assert event.kind == CreditEvent.Kind.COMPLAINT_UPHELD and event.enterprise_id == scene.enterprise.pk
    assert AuditEntry.objects.filter(object_id=str(c.pk), action__startswith="complaint.").count() == 5


def test_a_step_out_of_order_is_refused_and_nothing_is_written(scene):
    c = file(scene)
    with pytest.raises(DomainError):
        services.complaint_close(actor=scene.fushan_justice, complaint=c)
    with pytest.raises(DomainError):
        services.complaint_decide(actor=scene.fushan_justice, complaint=c, upheld=False, outcome="")
    assert c.steps.count() == 1


def test_it_refuses_other_bureaus_agencies_and_other_enterprises(scene):
    c = file(scene)
    for actor in (scene.laizhou_justice, scene.officer, scene.other_user):
        with pytest.raises(PermissionDenied):
            services.complaint_accept(actor=actor, complaint=c)
    with pytest.raises(DomainError):
        services.complaint_file(actor=scene.other_user, kind="other", text="x", task=scene.task)
    with pytest.raises(PermissionDenied):
        services.complaint_file(actor=scene.officer, kind="other", text="x")


def test_bad_input_is_refused(scene):
    for kw in ({"kind": "nonsense"}, {"text": ""}, {"text": "\x00"}, {"text": "x" * 5000}):
        with pytest.raises(DomainError):
            file(scene, **kw)
    assert not Complaint.objects.exists()


def test_one_extension_of_at_most_ten_working_days_with_a_reason(scene):
    with at(BEFORE_HOLIDAY):
        c = file(scene)
        with pytest.raises(DomainError):
            services.complaint_extend(actor=scene.fushan_justice, complaint=c, workdays=11, reason="复杂")
        with pytest.raises(DomainError):
            services.complaint_extend(actor=scene.fushan_justice, complaint=c, workdays=3, reason="")
        c = services.complaint_extend(actor=scene.fushan_justice, complaint=c, workdays=10, reason="需多部门核实")
        assert c.reply_due == dt.date(2026, 10, 27)  # ten working days after 13 October
        with pytest.raises(DomainError):
            services.complaint_extend(actor=scene.fushan_justice, complaint=c, workdays=1, reason="again")


def test_a_misrouted_complaint_is_returned_within_two_working_days(scene):
    with at(BEFORE_HOLIDAY):
        c = file(scene)
    with at(BEFORE_HOLIDAY + dt.timedelta(days=9)):  # 9 October: the 2nd working day after 30 September
        c = services.complaint_return(actor=scene.fushan_justice, complaint=c, to_bureau=scene.laizhou_bureau,
                                      reason="企业实际在莱州经营")
    assert c.justice_bureau == scene.laizhou_bureau and c.routed_on == dt.date(2026, 10, 9)
    assert c.accept_due == dt.date(2026, 10, 10)
    # 13 October: too late for Laizhou (10 and 12 were its two working days)
    with at(BEFORE_HOLIDAY + dt.timedelta(days=13)), pytest.raises(DomainError):
        services.complaint_return(actor=scene.laizhou_justice, complaint=c, to_bureau=scene.fushan_bureau, reason="x")


def test_overdue_complaints_are_flagged_and_escalated_to_the_city_once(scene):
    with at(BEFORE_HOLIDAY):
        late = file(scene)
        handled = file(scene)
        services.complaint_accept(actor=scene.fushan_justice, complaint=handled)
    assert complaints_overdue_flag(today=dt.date(2026, 10, 8)) == 0  # the day itself is in time
    assert complaints_overdue_flag(today=dt.date(2026, 10, 9)) == 1
    late.refresh_from_db()
    assert late.overdue_since == dt.date(2026, 10, 9) and late.escalated_to == scene.city_bureau
    assert complaints_overdue_flag(today=dt.date(2026, 10, 10)) == 0  # rerunnable
    assert complaints_overdue_flag(today=dt.date(2026, 10, 14)) == 1  # the accepted one's reply is late
    # the city's bureau sees and may handle the escalated one
    services.complaint_accept(actor=scene.city_justice, complaint=late)
