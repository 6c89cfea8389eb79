"""执法文书: issuing the numbered enforcement papers. Each is created in the transaction of the decision it
records (finalising the record, deciding a rectification, concluding a re-check, the head's approval), takes
its number from the agency's counter for the year under a row lock, freezes what it says and its SM3 hash, and
is rendered to PDF in the background through the outbox (``inspections.render_paper_pdf``)."""

import json

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from outbox.services import outbox_enqueue

from .. import signing
from ..models import AgencyPaperPrefix, Finding, InspectionRecord, Paper, PaperCounter, RecordItem, Rectification
from ..pdf import RESULT_LABELS, SEVERITY_LABELS


def paper_prefix(agency) -> str:
    prefix = AgencyPaperPrefix.objects.filter(agency_id=agency.pk).values_list("prefix", flat=True).first()
    return prefix or agency.code


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}〔{year}〕第{sequence:06d}号"


def paper_number_take(*, agency, year: int) -> int:
    """The agency's next number of ``year``: the counter row is locked (SELECT ... FOR UPDATE) until the
    caller's transaction ends, so two papers never share a number and a rolled-back paper gives its number
    back. The year's first paper creates the row (a concurrent twin's insert is waited for and skipped,
    ON CONFLICT DO NOTHING) and then locks it the same way."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("paper_number_take must run inside the transaction that creates the paper")
    counters = PaperCounter.objects.select_for_update().filter(agency_id=agency.pk, year=year)
    counter = counters.first()
    if counter is None:  # the agency's first paper of the year
        PaperCounter.objects.bulk_create([PaperCounter(agency_id=agency.pk, year=year)], ignore_conflicts=True)
        counter = counters.get()
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def paper_hash(*, kind: str, number: str, content: dict) -> str:
    data = json.dumps(
        {"kind": kind, "number": number, "content": content}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return signing.sm3_hex(data.encode("utf-8"))


def paper_issue(*, actor, kind: str, agency, enterprise, subject: str, content: dict, record=None) -> Paper:
    """Number, freeze and hash one paper, audit it and have its PDF rendered. Issuing the same ``subject``
    twice returns the paper already issued (no second number)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("paper_issue must run inside the service's transaction")
    existing = Paper.objects.filter(kind=kind, subject=subject).first()
    if existing is not None:
        return existing
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence = paper_number_take(agency=agency, year=year)
    number = format_number(paper_prefix(agency), year, sequence)
    content = {
        **content,
        "agency": agency.name,
        "enterprise": {"uscc": enterprise.uscc, "name": enterprise.name, "address": enterprise.address},
        "issued_on": timezone.localtime(now).date().isoformat(),
    }
    content = json.loads(json.dumps(content, ensure_ascii=False, default=str))  # as the JSON column gives it back
    paper = Paper.objects.create(
        kind=kind,
        agency=agency,
        year=year,
        sequence=sequence,
        number=number,
        enterprise=enterprise,
        record=record,
        subject=subject,
        content=content,
        content_hash=paper_hash(kind=kind, number=number, content=content),
        issued_at=now,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="paper.issue",
        obj=paper,
        details={"kind": kind, "number": number, "content_hash": paper.content_hash},
    )
    outbox_enqueue(
        handler="inspections.render_paper_pdf", payload={"paper_id": paper.pk}, dedupe_key=f"paper-pdf:{paper.pk}"
    )
    return paper


# -- what each paper says -----------------------------------------------------------------------------------


def _finding_row(f: Finding) -> dict:
    return {
        "finding": f.pk,
        "matter": f.matter.name,
        "description": f.description,
        "severity": SEVERITY_LABELS.get(f.severity, f.severity),
        "deadline": f.deadline.isoformat(),
        "agency": f.agency.name,
    }


def _record_agencies(record) -> list:
    task = record.task
    agencies = {}
    for plan in task.plans.select_related("agency").order_by("agency__code"):
        agencies.setdefault(plan.agency_id, plan.agency)
    return sorted(agencies.values(), key=lambda a: (a.pk != task.lead_agency_id, a.code))


def _record_ref(record) -> dict:
    return {"record": record.pk, "visit_date": record.task.visit_date.isoformat(), "record_hash": record.content_hash}


def _remote_ref(check) -> dict:
    """Where a finding of a remote check was found: the check and the day it was concluded."""
    return {"remote_check": check.pk, "visit_date": timezone.localtime(check.concluded_at).date().isoformat()}


def results_notice_issue(*, actor, record: InspectionRecord) -> Paper | None:
    """检查结果告知书: what the joint visit found, to the enterprise, from the lead agency, once the record is final."""
    task = record.task
    agencies = _record_agencies(record)
    issuer = task.lead_agency or (agencies[0] if agencies else None)
    if issuer is None:  # a visit always has a lead agency; without any agency there is nobody to issue it
        return None
    items = record.items.select_related("matter").order_by("matter__code")
    findings = record.findings.select_related("matter", "agency").order_by("id")
    content = {
        **_record_ref(record),
        "agencies": [a.name for a in agencies],
        "items": [
            {"matter": i.matter.name, "result": RESULT_LABELS.get(i.result, i.result), "note": i.note} for i in items
        ],
        "findings": [_finding_row(f) for f in findings],
        "summary": record.summary,
    }
    return paper_issue(
        actor=actor,
        kind=Paper.Kind.RESULTS_NOTICE,
        agency=issuer,
        enterprise=task.enterprise,
        subject=f"record:{record.pk}",
        content=content,
        record=record,
    )


def rectification_orders_issue(*, actor, record: InspectionRecord) -> list[Paper]:
    """责令整改通知书: one per responsible agency with findings on the record, each finding with its deadline."""
    by_agency = {}
    for f in record.findings.select_related("matter", "agency").order_by("agency_id", "deadline", "id"):
        by_agency.setdefault(f.agency_id, (f.agency, []))[1].append(f)
    papers = []
    for agency, findings in by_agency.values():
        content = {
            **_record_ref(record),
            "findings": [_finding_row(f) for f in findings],
            "deadline": max(f.deadline for f in findings).isoformat(),
        }
        papers.append(
            paper_issue(
                actor=actor,
                kind=Paper.Kind.RECTIFICATION_ORDER,
                agency=agency,
                enterprise=record.task.enterprise,
                subject=f"record:{record.pk}:agency:{agency.pk}",
                content=content,
                record=record,
            )
        )
    return papers


def recheck_opinion_issue_online(*, actor, rectification: Rectification) -> Paper | None:
    """整改复查意见 of an online review (云验收): the evidence accepted, or returned with the reason. Papers are
    numbered and listed on a visit's record; a finding of a remote check has none, so its review is in its
    history (the audit log, the rectification's state) and no paper is issued for it."""
    rectification = Rectification.objects.select_related(
        "finding__record__task__enterprise", "finding__matter", "finding__agency"
    ).get(pk=rectification.pk)
    finding = rectification.finding
    if finding.record_id is None:
        return None
    accepted = rectification.status == Rectification.Status.ACCEPTED
    content = {
        **_record_ref(finding.record),
        "finding": _finding_row(finding),
        "method": "线上验收",
        "evidence": rectification.note,
        "accepted": accepted,
        "opinion": "整改合格，予以验收。" if accepted else "整改不到位，退回继续整改。",
        "reason": rectification.review_reason,
        "reviewed_at": timezone.localtime(rectification.reviewed_at).strftime("%Y-%m-%d %H:%M"),
    }
    return paper_issue(
        actor=actor,
        kind=Paper.Kind.RECHECK_OPINION,
        agency=finding.agency,
        enterprise=finding.record.task.enterprise,
        subject=f"rectification:{rectification.pk}",
        content=content,
        record=finding.record,
    )


def recheck_opinions_issue_on_site(*, actor, record: InspectionRecord) -> list[Paper]:
    """整改复查意见 of a re-check visit: when its record is final, each serious finding it re-checked gets the
    opinion of the responsible agency (rectified if the matter is now compliant)."""
    plan_ids = list(record.task.plans.values_list("pk", flat=True))
    findings = Finding.objects.filter(recheck_plan_id__in=plan_ids).select_related(
        "record__task", "remote_check", "enterprise", "matter", "agency"
    )
    results = dict(record.items.values_list("matter_id", "result"))
    papers = []
    for finding in findings:
        accepted = results.get(finding.matter_id) in (
            RecordItem.Result.COMPLIANT,
            RecordItem.Result.NOT_APPLICABLE,
        )
        # A finding of a remote check has no record of its own: its opinion is listed on the re-check's record.
        found_on = finding.record or record
        content = {
            **(_record_ref(finding.record) if finding.record_id else _remote_ref(finding.remote_check)),
            "finding": _finding_row(finding),
            "method": "现场复查",
            "recheck_record": record.pk,
            "recheck_date": record.task.visit_date.isoformat(),
            "accepted": accepted,
            "opinion": "经现场复查，整改合格。" if accepted else "经现场复查，整改不到位。",
            "reason": "" if accepted else record.summary,
        }
        papers.append(
            paper_issue(
                actor=actor,
                kind=Paper.Kind.RECHECK_OPINION,
                agency=finding.agency,
                enterprise=finding.enterprise,
                subject=f"recheck:{finding.pk}:record:{record.pk}",
                content=content,
                record=found_on,
            )
        )
    return papers


def papers_on_record_final(*, actor, record: InspectionRecord) -> list[Paper]:
    """What finalising a record issues, in its transaction: the results notice, the rectification orders of
    its findings, and the re-check opinions if the visit re-checked earlier findings."""
    papers = [
        results_notice_issue(actor=actor, record=record),
        *rectification_orders_issue(actor=actor, record=record),
        *recheck_opinions_issue_on_site(actor=actor, record=record),
    ]
    return [p for p in papers if p is not None]


def approval_form_issue(*, actor, agency, enterprise, subject: str, content: dict) -> Paper:
    """The inspection approval form (检查审批表) of a plan its agency's head approved: the approval
    (``plans.services.approval.plan_head_decide``) asks for it through the outbox in its transaction and
    ``inspections.handlers.issue_approval_form`` calls this, with a ``subject`` naming the approval (e.g.
    ``"plan-approval:<id>"``) and what the form shows in ``content`` (JSON-able: ``plan``, ``visit_window``,
    ``matters`` [names], ``officers`` [names], ``reason``, ``approver``, ``opinion``, ``approved_at``). It is
    numbered, hashed, verifiable and rendered like the other papers (``templates/pdf/paper_approval_form.html``)."""
    return paper_issue(
        actor=actor,
        kind=Paper.Kind.APPROVAL_FORM,
        agency=agency,
        enterprise=enterprise,
        subject=subject,
        content=content,
    )
