"""What the public verification pages show: whether an inspection is registered, whether a record is intact."""

from plans.models import JointTask
from plans.selectors import task_agencies, task_checklist, task_officers, with_task_details

from . import qrtokens


def inspection_verification(token: str) -> dict:
    """Anyone at the door scans the inspection code: a registered, fixed inspection shows its date, agencies,
    officers with certificate numbers and legal basis; anything else is shown as not registered."""
    try:
        task_id = qrtokens.read_task_token(token)
    except qrtokens.TokenError:
        return {"registered": False}
    task = with_task_details(
        JointTask.objects.with_notice().filter(pk=task_id).select_related("enterprise", "lead_agency")
    ).first()
    if task is None:
        return {"registered": False}
    return {
        "registered": True,
        "visit_date": task.visit_date.isoformat(),
        "status": task.status,
        "enterprise": task.enterprise.name,
        "lead_agency": task.lead_agency.name if task.lead_agency else None,
        "agencies": [a.name for a in task_agencies(task)],
        "officers": [
            {"name": str(o), "certificate_number": o.certificate_number, "agency": o.agency.name}
            for o in task_officers(task)
        ],
        "legal_basis": sorted({m.legal_basis for m in task_checklist(task) if m.legal_basis}),
    }
