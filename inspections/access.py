from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import AGENCY, JUSTICE, portal_of, require_officer
from accounts.selectors import justice_bureau_for_division
from plans.access import joint_task_for_user
from plans.models import JointTask, Plan

from .models import CheckIn, Finding, InspectionRecord, Objection, Photo, RecordItem, Rectification
from .selectors import (
    FINDING_RELATED,
    findings_for_agency,
    findings_for_user,
    objections_for_user,
    photo_visible_to,
    records_for_user,
)


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
    """A finding, for the enterprise it concerns or an agency that may see its visit or its remote check."""
    finding = findings_for_user(user=user).select_related(*FINDING_RELATED).filter(pk=finding_id).first()
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


def visit_participant_ids(record: InspectionRecord) -> set[int]:
    """The officers who took part in the record's visit: every officer who checked in (accepted or not),
    every officer named on one of its plans, whoever set a checklist result and whoever finalised it."""
    ids = set(CheckIn.objects.filter(task_id=record.task_id).values_list("officer_id", flat=True))
    ids |= set(Plan.officers.through.objects.filter(plan__joint_task_id=record.task_id)
               .values_list("user_id", flat=True))
    ids |= set(RecordItem.objects.filter(record=record, updated_by__isnull=False)
               .values_list("updated_by_id", flat=True))
    if record.finalised_by_id:
        ids.add(record.finalised_by_id)
    return ids


def require_objection_decider(actor, objection: Objection):
    """Who decides an objection to a finding (the one rule, for the pages, the API and the service): an
    officer of the finding's agency (its head included) who took no part in the visit
    (``visit_participant_ids``), or the justice bureau responsible for the enterprise's division
    (``justice_bureau_for_division``). Returns the agency or bureau the decider acts for; refused otherwise."""
    portal = portal_of(actor)
    record = objection.record
    if portal == JUSTICE and actor.agency_id:
        bureau = justice_bureau_for_division(record.task.enterprise.division)
        if bureau is None or bureau.pk != actor.agency_id:
            raise PermissionDenied(_("This objection is decided by another justice bureau."))
        return actor.agency
    if portal != AGENCY:
        raise PermissionDenied(_("Only the responsible agency or the justice bureau decides an objection."))
    agency = require_officer(actor)
    if agency.pk != objection.agency_id:
        raise PermissionDenied(_("Only the agency responsible for the finding decides the objection."))
    if actor.pk in visit_participant_ids(record):
        raise PermissionDenied(_("You took part in this visit: an objection is decided by an officer who did not, "
                                 "or by the justice bureau."))
    return agency


def objection_for_user(*, user, objection_id: int) -> Objection:
    """An objection, for the enterprise that filed it, the agency of its finding and whoever may see its
    record (the justice bureau of the area); 404 otherwise."""
    objection = objections_for_user(user=user).filter(pk=objection_id).first()
    if objection is None:
        raise Http404
    return objection
