"""Reads on records, findings and rectifications, scoped to who may see them."""

from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from plans.remote import remote_checks_for_user
from plans.selectors import joint_tasks_for_user, visits_in_date_order

from . import signing
from .models import CheckIn, Finding, InspectionRecord, Objection, Photo, RecordItem, Rectification, Signature


def records_for_user(*, user):
    """A record is visible to whoever may see its visit: the agencies on it, the enterprise, the justice
    bureau of the area, admins."""
    return InspectionRecord.objects.filter(task__in=joint_tasks_for_user(user=user)).select_related(
        "task__enterprise", "task__lead_agency"
    )


def records_newest_first(*, user, status: str = "", today=None):
    """The records ``records_for_user`` sees (``status``: only those), newest visit first, as row dicts (the
    record's ``record_id``, ``record_status``, ``finalised_at``; its visit's ``task_id`` and ``visit_date``;
    the enterprise's code and name; the lead agency's name). Read in the visits' index order
    (``plans.selectors.visits_in_date_order`` backwards), each visit's record found by its unique task index:
    an officer's records through the agency's participation rows, so a page reads one index range of the
    agency's visits instead of sorting all its records (issue 8: 550-630 ms for a big agency when the list
    sorted by ``started_at`` and counted findings over every row). A visit has one record at most, opened at
    the first check-in, which only its visit day allows (``check_in``), and a visit under way never moves:
    no record is dated after today, so the walk starts at today instead of stepping over every visit still to
    come (97,000 of them for the city's justice bureau, 2 s)."""
    today = today or timezone.localdate()
    qs = visits_in_date_order(user=user, until=today, newest_first=True).filter(record__isnull=False)
    if status:
        qs = qs.filter(record__status=status)
    return qs.values(
        "visit_date",
        record_id=F("record__id"),
        record_status=F("record__status"),
        finalised_at=F("record__finalised_at"),
        task_id=F("pk"),
        enterprise_uscc=F("enterprise__uscc"),
        enterprise_name=F("enterprise__name"),
        lead_agency_name=F("lead_agency__name"),
    )


def findings_counts(record_ids) -> dict[int, int]:
    """The number of findings of each record, by id, in one query (records without findings are absent)."""
    return dict(
        Finding.objects.filter(record_id__in=list(record_ids))
        .order_by()
        .values("record_id")
        .annotate(n=Count("id"))
        .values_list("record_id", "n")
    )


def record_items(record):
    return (
        record.items.select_related("matter__department")
        .prefetch_related(
            "photos", Prefetch("findings", queryset=Finding.objects.select_related("agency", "matter", "enterprise"))
        )
        .order_by("matter__code")
    )


def accepted_check_ins(task):
    return CheckIn.objects.filter(task=task, accepted=True).select_related("officer__agency").order_by("at")


# What a finding's row shows wherever it is listed: its enterprise and matter, and where it was found (the
# visit of its record, or its remote check).
FINDING_RELATED = ("enterprise", "matter", "agency", "record__task", "remote_check")


def findings_for_user(*, user):
    """The findings a user may see: those of the visits it may see (on site) and those of the remote checks it
    may see (``plans.remote.remote_checks_for_user``): the agencies concerned, the enterprise, the justice
    bureau of the area, admins."""
    return Finding.objects.filter(
        Q(record__task__in=joint_tasks_for_user(user=user)) | Q(remote_check__in=remote_checks_for_user(user=user))
    )


def findings_for_agency(*, user, status=None):
    """The rectification queue of an officer's agency, on site and remote alike."""
    if not (user.is_authenticated and user.is_officer and user.agency_id):
        return Finding.objects.none()
    qs = Finding.objects.filter(agency_id=user.agency_id).select_related(*FINDING_RELATED)
    return qs.filter(status__in=status) if status else qs


def findings_for_enterprise(*, enterprise):
    """The enterprise's problems to rectify, on site and remote alike (the ``finding_enterprise`` index)."""
    return (
        Finding.objects.filter(enterprise=enterprise)
        .select_related(*FINDING_RELATED)
        .prefetch_related(Prefetch("rectifications", queryset=Rectification.objects.prefetch_related("photos")))
    )


FINAL_STATUSES = (InspectionRecord.Status.FINAL, InspectionRecord.Status.SIGNED, InspectionRecord.Status.REFUSED)


def plan_inspected_q() -> Q:
    """Over plans: the plan's visit has a finalised record (final, signed or refused: immutable from then)."""
    return Q(Exists(InspectionRecord.objects.filter(task_id=OuterRef("joint_task_id"), status__in=FINAL_STATUSES)))


def plan_found_problem_q() -> Q:
    """Over plans: the plan's agency recorded a finding on its visit's record (one withdrawn on the enterprise's
    upheld objection does not count: inspections.services.objections)."""
    return Q(Exists(Finding.objects.filter(record__task_id=OuterRef("joint_task_id"), agency_id=OuterRef("agency_id"))
                    .exclude(status=Finding.Status.WITHDRAWN)))


def findings_by_task(*, task_ids) -> dict[int, list[dict]]:
    """What the first-inspection view shows of the findings of the visits ``task_ids``, by visit id, in one
    query whatever the number of visits (visits without a record or findings are absent)."""
    found = defaultdict(list)
    for f in Finding.objects.filter(record__task_id__in=list(task_ids)).select_related(
        "record", "item__matter", "agency"
    ):
        found[f.record.task_id].append(
            {
                "matter": f.item.matter.name,
                "description": f.description,
                "severity": f.severity,
                "deadline": f.deadline.isoformat(),
                "status": f.status,
                "agency": f.agency.name,
            }
        )
    return dict(found)


def photo_visible_to(*, user, photo: Photo) -> bool:
    if photo.item_id:
        task_id = RecordItem.objects.filter(pk=photo.item_id).values_list("record__task_id", flat=True).first()
    else:  # rectification evidence: for whoever may see its finding (on site or remote)
        finding_id = (Rectification.objects.filter(pk=photo.rectification_id)
                      .values_list("finding_id", flat=True).first())
        return findings_for_user(user=user).filter(pk=finding_id).exists()
    return joint_tasks_for_user(user=user).filter(pk=task_id).exists()


def record_verify(*, record_id: int, token_hash: str | None = None) -> dict:
    """Whether the record is unchanged since it was finalised and signed: the hash recomputed from the rows
    now, against the hash fixed at finalising, the one signed, and the one printed in the QR code."""
    record = InspectionRecord.objects.select_related("task__enterprise").filter(pk=record_id).first()
    if record is None or not record.content_hash:
        return {"found": False}
    current = signing.content_hash(record)
    signature = Signature.objects.filter(record=record).select_related("signer").first()
    result = {
        "found": True,
        "record": record,
        "status": record.status,
        "current_hash": current,
        "finalised_hash": record.content_hash,
        "token_hash": token_hash,
        "signature": signature,
        "seal_ok": signing.seal_matches(signature) if signature else None,
    }
    hashes = (
        {current, record.content_hash}
        | ({signature.content_hash} if signature else set())
        | ({token_hash} if token_hash else set())
    )
    result["unchanged"] = len(hashes) == 1 and result["seal_ok"] is not False
    return result


def papers_of_record(*, user, record_id: int):
    """The enforcement papers of a record, for whoever may see the record (``records_for_user``)."""
    from .models import Paper

    return (
        Paper.objects.filter(record_id=record_id, record__in=records_for_user(user=user))
        .select_related("agency")
        .order_by("issued_at", "id")
    )


def paper_verify(*, paper_id: int, token_hash: str) -> dict:
    """Whether a paper is one the platform issued and is unchanged: the hash recomputed from the content on
    file, against the hash fixed when it was issued and the one its QR code carries."""
    from .models import Paper
    from .services.papers import paper_hash

    paper = Paper.objects.select_related("agency").filter(pk=paper_id).first()
    if paper is None:
        return {"found": False}
    current = paper_hash(kind=paper.kind, number=paper.number, content=paper.content)
    return {
        "found": True,
        "paper": paper,
        "current_hash": current,
        "issued_hash": paper.content_hash,
        "token_hash": token_hash,
        "unchanged": current == paper.content_hash == token_hash,
    }


OBJECTION_RELATED = ("record__task__enterprise", "finding__item__matter", "agency", "decided_by", "decided_for")


def objections_for_user(*, user):
    """The objections a user may read: the enterprise's own, those on the findings of an officer's agency, and
    those on the records the user may see (the justice bureau of the area); newest first."""
    if not (user and user.is_authenticated):
        return Objection.objects.none()
    if user.is_officer and user.agency_id:
        qs = Objection.objects.filter(agency_id=user.agency_id)
    else:
        qs = Objection.objects.filter(record__in=records_for_user(user=user))
    return qs.select_related(*OBJECTION_RELATED).order_by("-filed_at", "-id")


def objections_of_record(record):
    return record.objections.select_related(*OBJECTION_RELATED).order_by("filed_at", "id")
