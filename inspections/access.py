from django.http import Http404

from plans.selectors import joint_tasks_for_user

from .models import Finding, InspectionRecord, Photo, RecordItem, Rectification
from .selectors import findings_for_agency, photo_visible_to, records_for_user


def record_for_user(*, user, record_id: int) -> InspectionRecord:
    record = records_for_user(user=user).filter(pk=record_id).first()
    if record is None:
        raise Http404
    return record


def record_item_for_user(*, user, item_id: int) -> RecordItem:
    """A checklist item of a record the user may see; 404 otherwise."""
    item = (
        RecordItem.objects.select_related("record", "matter")
        .filter(pk=item_id, record__in=records_for_user(user=user))
        .first()
    )
    if item is None:
        raise Http404
    return item


def finding_for_user(*, user, finding_id: int) -> Finding:
    """A finding, for the enterprise it concerns or an agency that may see its visit."""
    finding = (
        Finding.objects.select_related("record__task__enterprise", "item__matter", "agency")
        .filter(pk=finding_id, record__task__in=joint_tasks_for_user(user=user))
        .first()
    )
    if finding is None:
        raise Http404
    return finding


def rectification_for_agency(*, user, rectification_id: int) -> Rectification:
    rectification = Rectification.objects.filter(
        pk=rectification_id, finding__in=findings_for_agency(user=user)
    ).first()
    if rectification is None:
        raise Http404
    return rectification


def photo_for_user(*, user, photo_id: int) -> Photo:
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or not photo_visible_to(user=user, photo=photo):
        raise Http404
    return photo
