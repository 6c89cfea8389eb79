"""The enterprise's voice in the demo city: the default service-request routes, a visit to 烟台金海药业 carried
out today through the real services (a green-channel inspection on a public report: filed, checked in by two
market officers with the enterprise's licence code, every matter checked, the record finalised), which the
enterprise can rate from its visit and record pages, and one request for help waiting at the Fushan market
regulator."""

import datetime as dt

from complaints.models import ServiceRequest
from complaints.services_requests import service_request_file, service_routes_seed_defaults
from enterprises.models import Enterprise
from inspections import qrtokens
from inspections.models import InspectionRecord
from inspections.services import check_in, record_finalise, record_item_set
from plans.models import JointTask, Plan
from plans.services import plan_file
from yantai_inspect.errors import DomainError

from .activity import _matters, _officer


def demo_voice_seed(*, today: dt.date) -> dict:
    """Idempotent: each part is skipped when it exists. Returns what was added."""
    added = {"routes": service_routes_seed_defaults(), "visits": 0, "requests": 0}
    jinhai = Enterprise.objects.filter(name="烟台金海药业有限公司").first()
    if jinhai is None:
        return added
    if not JointTask.objects.filter(enterprise=jinhai, status=JointTask.Status.DONE).exists():
        added["visits"] = _carried_out_visit(jinhai, today=today)
    account = jinhai.accounts.select_related("user").first()
    if account is not None and not ServiceRequest.objects.filter(enterprise=jinhai).exists():
        try:
            service_request_file(actor=account.user, category=ServiceRequest.Category.IP,
                                 text="我公司商标在电商平台被仿冒,希望了解维权途径和商标品牌保护指导。")
            added["requests"] = 1
        except DomainError:
            pass
    return added


def _carried_out_visit(enterprise, *, today: dt.date) -> int:
    market, market2 = _officer("officer_market"), _officer("officer_market2")
    try:
        plan = plan_file(actor=market, enterprise=enterprise, matters=_matters(market, 2), officers=[market, market2],
                         urgent=True, urgent_category=Plan.UrgentCategory.PUBLIC_REPORT,
                         urgent_reason="群众举报药品储存温度不达标,当日入企核查", window_start=today, window_end=today)
        task = JointTask.objects.get(pk=plan.joint_task_id)
        token = qrtokens.enterprise_token(enterprise.uscc)
        for officer in (market, market2):
            check_in(actor=officer, task=task, token=token, today=today)
        record = InspectionRecord.objects.get(task=task)
        for item in record.items.all():
            record_item_set(actor=market, item=item, result="compliant", note="现场核查符合要求")
        record_finalise(actor=market, record=record, summary="举报事项经核查不属实,企业配合检查")
    except DomainError:
        return 0
    return 1
