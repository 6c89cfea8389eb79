"""Reads on records, findings and rectifications, scoped to who may see them."""

from django.db.models import Prefetch

from plans.selectors import joint_tasks_for_user

from .models import CheckIn, Finding, InspectionRecord, Photo, RecordItem, Rectification


def records_for_user(*, user):
    """A record is visible to whoever may see its visit: the agencies on it, the enterprise, the justice
    bureau of the area, admins."""
    return InspectionRecord.objects.filter(task__in=joint_tasks_for_user(user=user)).select_related(
        "task__enterprise", "task__lead_agency"
    )


def record_items(record):
    return (
        record.items.select_related("matter__department")
        .prefetch_related("photos", Prefetch("findings", queryset=Finding.objects.select_related("agency")))
        .order_by("matter__code")
    )


def accepted_check_ins(task):
    return CheckIn.objects.filter(task=task, accepted=True).select_related("officer__agency").order_by("at")


def findings_for_agency(*, user, status=None):
    """The rectification queue of an officer's agency."""
    if not (user.is_authenticated and user.is_officer and user.agency_id):
        return Finding.objects.none()
    qs = Finding.objects.filter(agency_id=user.agency_id).select_related("record__task__enterprise", "item__matter")
    return qs.filter(status__in=status) if status else qs


def findings_for_enterprise(*, enterprise):
    return (
        Finding.objects.filter(record__task__enterprise=enterprise)
        .select_related("agency", "item__matter", "record__task")
        .prefetch_related(Prefetch("rectifications", queryset=Rectification.objects.prefetch_related("photos")))
    )


def findings_summary(*, task) -> list[dict]:
    """What the first-inspection view shows of a visit's findings."""
    record = getattr(task, "record", None)
    if record is None:
        return []
    return [
        {
            "matter": f.item.matter.name,
            "description": f.description,
            "severity": f.severity,
            "deadline": f.deadline.isoformat(),
            "status": f.status,
            "agency": f.agency.name,
        }
        for f in record.findings.select_related("item__matter", "agency")
    ]


def photo_visible_to(*, user, photo: Photo) -> bool:
    if photo.item_id:
        task_id = RecordItem.objects.filter(pk=photo.item_id).values_list("record__task_id", flat=True).first()
    else:
        task_id = (
            Rectification.objects.filter(pk=photo.rectification_id)
            .values_list("finding__record__task_id", flat=True)
            .first()
        )
    return joint_tasks_for_user(user=user).filter(pk=task_id).exists()
