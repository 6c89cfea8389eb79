"""The daily anchor of the audit chain (Celery beat ``audit-anchor``): verify the chain, write the day's signed
anchor under ``VAR_DIR/audit-anchors/`` (``audit.anchoring``) and tell the city's justice bureau the count and
the head's hash, or the first broken link. Rerunnable: the day's anchor is written once, and the
notification is deduplicated by day.

The verification is the incremental one (``audit.verification.verify_chain_incremental``), in seconds on a
city's chain: the entries since the signed checkpoint of the last sound verification, and the day's slice of
the older ones, so that every entry is re-verified at least once every ``AUDIT_VERIFY_CYCLE_DAYS``; on its
first run (no valid checkpoint) it verifies in full. A sound verdict advances the checkpoint to the head, a
broken one leaves it. The justice portal's "verify now" and ``manage.py audit_verify`` verify in full."""

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.anchoring import anchor_write
from audit.verification import verify_and_keep
from notifications.services import notification_send

from .divisions import CITY_CODE
from .selectors import justice_bureau_for_division


def audit_anchor_daily(*, now=None) -> dict:
    now = now or timezone.now()
    day = timezone.localdate(now)
    verdict = verify_and_keep(incremental=True, now=now)
    anchor, created = anchor_write(day=day, now=now)
    bureau = justice_bureau_for_division(CITY_CODE)
    if bureau is not None:
        if verdict.ok:
            title = _("Audit trail anchored: %(count)s entries") % {"count": anchor["seq"]}
            body = _("Head of the audit chain on %(date)s: entry %(seq)s, SM3 %(hash)s. Keep this message: "
                     "it proves what the trail held that day.") % anchor
        else:
            title = _("The audit trail is broken")
            body = verdict.problem
        notification_send(dedupe_key=f"audit-anchor:{day.isoformat()}", title=title, body=body, agency=bureau,
                          link="/audit/")
    return {"anchor": anchor, "created": created, "ok": verdict.ok, "problem": verdict.problem}
