"""Reads of grades and the whitelist, scoped to the user."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_justice
from accounts.divisions import division_name
from accounts.selectors import divisions_supervised_by

from .grades import grades_valid_on_q
from .models import CreditGrade, CreditGradeImport, CreditProfile, WhitelistEntry


def whitelist_public():
    """The whitelist as published (no login): listed entries, newest first, in the order of the index
    ``whitelist_public_order``."""
    return (
        WhitelistEntry.objects.filter(status=WhitelistEntry.Status.LISTED)
        .select_related("enterprise")
        .only("id", "listed_on", "enterprise__name", "enterprise__uscc", "enterprise__division")
        .order_by("-listed_on", "-id")
    )


def whitelist_candidates(*, user):
    """Candidates waiting for this justice bureau: those of the divisions it is responsible for, oldest first
    (index ``whitelist_queue_order``)."""
    bureau = require_justice(user)
    return (
        WhitelistEntry.objects.filter(
            status=WhitelistEntry.Status.PROPOSED, enterprise__division__in=divisions_supervised_by(bureau)
        )
        .select_related("enterprise")
        .order_by("proposed_on", "id")
    )


def credit_summary(*, enterprise_id: int) -> dict:
    """What an officer filing a plan and the enterprise itself see of its credit: the current grade, where it
    comes from and until when, and whether (since when) it is on the whitelist. Two queries."""
    profile = CreditProfile.objects.filter(enterprise_id=enterprise_id).first()
    if profile is None:
        return {"grade": None, "grade_label": None, "source": None, "valid_from": None, "valid_to": None,
                "whitelisted": False, "whitelisted_since": None}
    # The row the current grade was derived from (credit_grades_derive's order), if it is still in force.
    current = (CreditGrade.objects.filter(grades_valid_on_q(timezone.localdate()), enterprise_id=enterprise_id)
               .order_by("-valid_from", "-id").only("grade", "source", "valid_from", "valid_to").first())
    if current is not None and current.grade != profile.grade:
        current = None
    return {
        "grade": profile.grade,
        "grade_label": str(profile.get_grade_display()),
        "source": str(current.get_source_display()) if current else None,
        "valid_from": current.valid_from.isoformat() if current else None,
        "valid_to": current.valid_to.isoformat() if current and current.valid_to else None,
        "whitelisted": profile.whitelisted,
        "whitelisted_since": profile.whitelisted_since.isoformat() if profile.whitelisted_since else None,
    }


def grade_history(*, enterprise_id: int, limit: int = 20):
    """An enterprise's grades, newest first (index ``credit_grade_history``)."""
    return CreditGrade.objects.filter(enterprise_id=enterprise_id).order_by("-valid_from", "-id")[:limit]


def whitelist_history(*, enterprise_id: int, limit: int = 20):
    return (WhitelistEntry.objects.filter(enterprise_id=enterprise_id).select_related("authority")
            .order_by("-id")[:limit])


def public_row(entry: WhitelistEntry) -> dict:
    enterprise = entry.enterprise
    return {"name": enterprise.name, "uscc": enterprise.uscc, "division": enterprise.division,
            "division_name": division_name(enterprise.division), "since": entry.listed_on}


def credit_line(summary: dict) -> str:
    """One sentence of ``credit_summary`` for the officer filing a plan."""
    if summary["grade"] is None:
        return _("No credit grade recorded.")
    text = _("Credit grade %(grade)s.") % {"grade": summary["grade_label"]}
    if summary["source"]:
        text += " " + _("Source: %(source)s, valid from %(start)s until %(end)s.") % {
            "source": summary["source"], "start": summary["valid_from"], "end": summary["valid_to"] or "—"}
    if summary["whitelisted"]:
        text += " " + _("On the whitelist since %(day)s: the justice bureau reviews a routine plan before it is "
                        "matched.") % {"day": summary["whitelisted_since"]}
    return text


def grade_imports_newest():
    """Every credit-grade import, newest first (the index ``credit_import_newest``)."""
    return CreditGradeImport.objects.select_related("uploaded_by").order_by("-uploaded_at", "-id")
