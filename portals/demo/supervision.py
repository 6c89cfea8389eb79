"""Demo of the enterprise's right to object and of the justice bureau's supervision, through the real services:
a green-channel visit to 烟台金海药业 today by the city's ecology bureau, its record signed, an objection to its
finding decided by someone who took no part in the visit and the enterprise's reply; and a supervision opinion
of the city's justice bureau to the market regulator about its plan for the same enterprise, awaiting its
answer."""

import datetime as dt

from django.db import transaction

from accounts.models import User
from accounts.selectors import justice_bureau_for_division
from catalogue.models import Matter
from enterprises.models import Enterprise
from inspections import qrtokens
from inspections.access import visit_participant_ids
from inspections.models import InspectionRecord, Objection
from inspections.services import (
    check_in,
    finding_add,
    objection_decide,
    objection_file,
    objection_reply,
    record_finalise,
    record_item_set,
    record_sign,
)
from plans.models import Plan
from plans.services import plan_file
from supervision.models import Opinion
from supervision.services import opinion_issue
from yantai_inspect.errors import DomainError


@transaction.atomic
def demo_objection_seed(*, today: dt.date) -> int:
    """The visit, record, objection, decision and reply; nothing if an objection exists (idempotent)."""
    if Objection.objects.exists():
        return 0
    jinhai = Enterprise.objects.get(name="烟台金海药业有限公司")
    account = User.objects.filter(username="enterprise").first()
    lead = User.objects.select_related("agency__department").get(username="officer_ecology")
    crew = list(User.objects.filter(agency=lead.agency, role=User.Role.OFFICER).order_by("username")[:2])
    matters = list(Matter.objects.filter(department=lead.agency.department, active=True).order_by("code")[:1])
    if account is None or len(crew) < 2 or not matters:
        return 0
    try:
        plan = plan_file(actor=lead, enterprise=jinhai, matters=matters, officers=crew, urgent=True,
                         urgent_category=Plan.UrgentCategory.PUBLIC_REPORT, window_start=today, window_end=today,
                         urgent_reason="群众举报企业夜间排放异味,立即入企核查")
        token = qrtokens.enterprise_token(jinhai.uscc)
        for officer in crew:
            check_in(actor=officer, task=plan.joint_task, token=token)
        record = InspectionRecord.objects.get(task=plan.joint_task)
        item = record_item_set(actor=lead, item=record.items.get(), result="non_compliant",
                               note="废气收集装置未开启")
        finding = finding_add(actor=lead, item=item, description="废气收集处理设施未正常运行", severity="minor",
                              deadline=today + dt.timedelta(days=15))
        record_finalise(actor=lead, record=record, summary="企业配合检查")
        record_sign(actor=account, record=record, method="typed", typed_name="邹德志", confirmed=True)
        objection = objection_file(actor=account, finding=finding,
                                   text="检查时设施处于检修停机状态,已向生态环境部门报备,检修记录可查。")
        took_part = visit_participant_ids(record)
        decider = (User.objects.filter(agency=lead.agency, role=User.Role.OFFICER).exclude(pk__in=took_part)
                   .order_by("username").first())
        if decider is None:  # every officer of the agency was on the visit: the justice bureau decides
            bureau = justice_bureau_for_division(jinhai.division)
            decider = User.objects.filter(agency=bureau, role=User.Role.JUSTICE).order_by("username").first()
        objection = objection_decide(actor=decider, objection=objection, upheld=False,
                                     decision="检修报备日期为检查次日,检查时设施应当运行,维持原认定。")
        objection_reply(actor=account, objection=objection,
                        reply="对处理决定有异议,将补充提交检修合同,保留申请行政复议的权利。")
    except DomainError:
        transaction.set_rollback(True)  # a demo city whose data no longer allows it: leave it out whole
        return 0
    return 1


@transaction.atomic
def demo_opinion_seed(*, today: dt.date) -> int:
    """A supervision opinion to the city market regulator about its plan for 烟台金海药业, awaiting the answer;
    nothing if an opinion exists (idempotent)."""
    if Opinion.objects.exists():
        return 0
    justice = User.objects.filter(username="justice").first()
    plan = (Plan.objects.filter(enterprise__name="烟台金海药业有限公司", agency__code="370600-market", urgent=False)
            .select_related("agency").order_by("pk").first())
    if justice is None or plan is None:
        return 0
    try:
        opinion_issue(actor=justice, kind=Opinion.Kind.OPINION, subject=Opinion.Subject.PLAN, plan=plan,
                      agency=plan.agency, due_workdays=10,
                      text="该计划检查事项未列明检查依据和标准,请补充并说明与本年度已实施检查的关系。")
    except DomainError:
        transaction.set_rollback(True)
        return 0
    return 1
