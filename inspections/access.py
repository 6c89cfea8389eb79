from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from plans.access import joint_task_for_user
from plans.models import JointTask
from plans.selectors import joint_tasks_for_user

from .models import Finding, InspectionRecord, Photo, RecordItem, Rectification
from .selectors import findings_for_agency, photo_visible_to, records_for_user


def task_for_check_in(*, user, task_id: int) -> JointTask:
    """The visit whose on-site page an officer opens. At the door an officer of an agency not on the visit has
    most likely opened the wrong one: say so (the visit's existence is all it learns, not whose it is)."""
    try:
        return joint_task_for_user(user=user, task_id=task_id)
    except Http404:
        if JointTask.objects.filter(pk=task_id).exists():
            raise PermissionDenied(
                _("Your agency does not take part in this visit, so you cannot check in to it. "
                  "Open the visit from your own list of joint visits.")
            ) from None
        raise


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


def paper_for_user(*, user, paper_id: int):
    """An enforcement paper, for whoever may see its record (the record PDF's check); an approval form, which
    has no record, for its agency. 404 otherwise."""
    from .models import Paper

    paper = Paper.objects.select_related("agency", "record").filter(pk=paper_id).first()
    if paper is None:
        raise Http404
    if paper.record_id is not None:
        record_for_user(user=user, record_id=paper.record_id)
    elif not (user.is_authenticated and user.is_officer and user.agency_id == paper.agency_id):
        raise Http404
    return paper
