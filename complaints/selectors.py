"""Reads on complaints: who sees which, and the lists (fixed queries, newest first by index)."""

from django.db.models import Q
from django.http import Http404

from accounts.access import ENTERPRISE, JUSTICE, portal_of
from enterprises.access import require_enterprise

from .models import Complaint

LIST_RELATED = ("enterprise", "justice_bureau", "officer", "task")


def complaints_for_enterprise(*, enterprise):
    return (Complaint.objects.filter(enterprise=enterprise).select_related(*LIST_RELATED)
            .order_by("-created_at", "-id"))


def complaints_for_bureau(*, bureau):
    """The complaints routed to a justice bureau and those escalated to it (the level above)."""
    return (Complaint.objects.filter(Q(justice_bureau=bureau) | Q(escalated_to=bureau))
            .select_related(*LIST_RELATED).order_by("-created_at", "-id"))


def complaints_for_user(*, user):
    """A user's complaints: an enterprise its own, a justice bureau its own and those escalated to it;
    nobody else (the agencies see a complaint only when the bureau forwards it: a later issue)."""
    portal = portal_of(user)
    if portal == ENTERPRISE:
        return complaints_for_enterprise(enterprise=require_enterprise(user))
    if portal == JUSTICE and user.agency_id:
        return complaints_for_bureau(bureau=user.agency)
    return Complaint.objects.none()


def complaint_for_user(*, user, complaint_id: int) -> Complaint:
    """The complaint if the user may see it; 404 otherwise (an outsider does not learn that it exists)."""
    complaint = complaints_for_user(user=user).filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404
    return complaint


def complaint_was_upheld(complaint: Complaint) -> bool:
    """Upheld, and still so once closed (the decision's step keeps the outcome): what a supervision opinion
    about an upheld complaint needs."""
    if complaint.status == Complaint.Status.UPHELD:
        return True
    return (complaint.status == Complaint.Status.CLOSED
            and complaint.steps.filter(action="decide", status=Complaint.Status.UPHELD).exists())
