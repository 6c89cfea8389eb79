"""满意度: the enterprise rates a visit after it. One rating per visit, 1 to 5 with a comment, audited; the
justice bureau of the enterprise's division is told of a low one (1 or 2).

Who rated is the enterprise's and the justice bureau's to know: an agency reads only aggregates of at least
``MIN_GROUP`` ratings (``complaints.selectors.rating_summary`` with ``min_group``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from enterprises.access import require_enterprise
from notifications.services import notification_send
from plans.models import JointTask
from yantai_inspect.errors import DomainError

from .models import VisitRating

COMMENT_MAX = 2000
# An agency sees an aggregate only over at least this many ratings (and never a rater).
MIN_GROUP = 5
# 满意率 (the satisfaction figure): the share of ratings of 4 or 5 ("satisfied" or "very satisfied").
SATISFIED_FROM = 4
LOW_SCORE = 2


def _score(score) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise DomainError(_("Rate from 1 to 5."), field="score")
    return score


@transaction.atomic
def visit_rate(*, actor, task: JointTask, score: int, comment: str = "") -> VisitRating:
    """The enterprise rates one of its visits once it is done (the record finalised); once per visit."""
    enterprise = require_enterprise(actor)
    score = _score(score)
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("At most %(n)d characters.") % {"n": COMMENT_MAX}, field="comment")
    task = JointTask.objects.select_for_update().get(pk=task.pk)
    if task.enterprise_id != enterprise.pk:
        raise DomainError(_("This visit is not one of your enterprise's."), field="task")
    if task.status != JointTask.Status.DONE:
        raise DomainError(_("A visit is rated after it, once its record is final."), field="task")
    if VisitRating.objects.filter(task=task).exists():
        raise DomainError(_("This visit has already been rated."), field="task")
    rating = VisitRating.objects.create(task=task, enterprise=enterprise, rated_by=actor, score=score,
                                        comment=comment, division=task.division or enterprise.division,
                                        rated_on=timezone.localdate())
    audit_record(actor=actor, action="rating.record", obj=rating,
                 details={"task": task.pk, "score": score}, agency_id=None)
    if score <= LOW_SCORE:
        bureau = justice_bureau_for_division(rating.division)
        if bureau is not None:
            notification_send(
                dedupe_key=f"rating:{rating.pk}:low", agency=bureau,
                title=_("Low rating (%(score)d of 5) of a visit to %(enterprise)s")
                % {"score": score, "enterprise": enterprise.name},
                body=comment[:200], link="/justice/ratings/",
            )
    return rating
