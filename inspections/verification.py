"""What the public verification pages show: whether an inspection is registered, whether a record is intact;
and the inspection code a fixed visit carries, the same on the portal page, the notice PDF and the API."""

from dataclasses import dataclass

from django.urls import reverse

from plans.models import JointTask
from plans.selectors import task_agencies, task_checklist, task_officers, with_task_details
from yantai_inspect.site import absolute_url

from . import qrtokens


@dataclass(frozen=True)
class InspectionCode:
    """The visit's inspection code: a signed token, and the public address its QR code opens."""

    token: str
    verify_url: str

    def qr_svg(self) -> str:
        return qrtokens.qr_svg(self.verify_url)

    def qr_png_data_uri(self) -> str:
        return qrtokens.qr_png_data_uri(self.verify_url)


def inspection_code(task) -> InspectionCode:
    """The one source of a visit's inspection code, for the portal page, the notice PDF and the API."""
    token = qrtokens.task_token(task.pk)
    return InspectionCode(token=token, verify_url=absolute_url(reverse("verify-inspection", args=[token])))


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
            {"name": str(o), "certificate_number": o.certificate_number, "agency": o.agency.name,
             # May this officer inspect on the visit day (the public register answers the same)?
             "certificate_valid": o.is_certified_on(task.visit_date)}
            for o in task_officers(task)
        ],
        "legal_basis": sorted({m.legal_basis for m in task_checklist(task) if m.legal_basis}),
    }
