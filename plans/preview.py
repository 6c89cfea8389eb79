"""What filing a plan would do, computed without filing it (the filing page's live preview)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.selectors import credit_line, credit_summary
from yantai_inspect.errors import DomainError

from .caps import cap_preview, cap_text
from .matching import compute_schedule
from .remote import remote_preview
from .scheduling import PlanWindow
from .selectors import duplicate_plans, earlier_records
from .services.filing import _check_window, calendar_warning

PREVIEW_ID = -1


def _duplicates(*, user, enterprise, window_start, window_end, matter_codes) -> list[dict]:
    if not getattr(user, "agency_id", None):
        return []
    plans = duplicate_plans(
        agency_id=user.agency_id,
        enterprise_id=enterprise.pk,
        window_start=window_start,
        window_end=window_end,
        matter_codes=matter_codes,
    )
    return [
        {
            "id": p.pk,
            "window": [p.window_start.isoformat(), p.window_end.isoformat()],
            "status": p.get_status_display(),
            "url": reverse("agency-plan-detail", args=[p.pk]),
        }
        for p in plans
    ]


def plan_preview(*, user, enterprise, window_start: dt.date, window_end: dt.date, matter_codes=()) -> dict:
    """``matter_codes`` (the matters ticked so far) lets the preview flag a plan the agency already filed for
    the same enterprise, window and matters (``selectors.duplicate_plans``)."""
    today = timezone.localdate()
    credit = credit_summary(enterprise_id=enterprise.pk)
    duplicates = _duplicates(
        user=user, enterprise=enterprise, window_start=window_start, window_end=window_end, matter_codes=matter_codes
    )
    result = {
        "credit": credit,
        "credit_message": credit_line(credit),
        "error": None,
        "joins": None,
        "visit_date": None,
        "new_visit": None,
        "calendar_warning": calendar_warning(window_start, window_end),
        "earlier_records": earlier_records(enterprise_id=enterprise.pk, today=today),
        "cap": None,
        "cap_message": None,
        # 能非现场的不进企业: every matter ticked can be checked remotely (plans.remote).
        "remote_message": remote_preview(matter_codes),
        "duplicates": duplicates,
        "duplicate_warning": (
            _(
                "Your agency already filed this plan: the same enterprise and matters, in an overlapping window "
                "(%(windows)s)."
            )
            % {"windows": "、".join(f"{d['window'][0]} – {d['window'][1]}" for d in duplicates)}
            if duplicates
            else None
        ),
    }
    try:
        _check_window(enterprise=enterprise, start=window_start, end=window_end, today=today, urgent=False)
        computed = compute_schedule(
            enterprise_id=enterprise.pk,
            today=today,
            extra=PlanWindow(PREVIEW_ID, window_start, window_end),
            must_serve=[PREVIEW_ID],
        )
    except DomainError as exc:
        result["error"] = str(exc.message)
        return result
    visit = next(v for v in computed.visits if PREVIEW_ID in v.plan_ids)
    by_id = {p.pk: p for p in computed.plans}
    others = [by_id[pid] for pid in visit.plan_ids if pid != PREVIEW_ID]
    result["visit_date"] = visit.date.isoformat()
    result["new_visit"] = not others
    # 检查频次上限: the count and the caps of the visit's year; joining a planned visit adds none to the combined.
    result["cap"] = cap_preview(enterprise=enterprise, agency_id=user.agency_id, visit_date=visit.date,
                                new_visit=not others, today=today)
    result["cap_message"] = cap_text(result["cap"])
    if others:
        result["joins"] = {
            "agencies": sorted({p.agency.name for p in others}),
            "plans": len(others),
            "fixed": visit.fixed,
        }
        result["message"] = _("Joins the visit on %(date)s with %(agencies)s.") % {
            "date": visit.date.isoformat(),
            "agencies": "、".join(result["joins"]["agencies"]),
        }
    else:
        result["message"] = _("A new visit on %(date)s (the date may still move until it is fixed).") % {
            "date": visit.date.isoformat()
        }
    return result
