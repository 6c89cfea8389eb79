"""The rows of the visit, plan and invitation lists (portal pages and API lists), read as dicts.

A list page is a page of rows and a few relations per row (a visit's plans, agencies, officers and matters; a
plan's matters). Read as model instances through ``prefetch_related`` and serialised field by field, a page
of 50 visits spent 25-30 ms of Python for 4-6 ms of database at city size (docs/performance.md, "Lists and
statistics, third pass"). Here the page is one ``values()`` query in the list's own order and index, and
each relation one more ``values_list()`` query over the page's ids, joined in Python; the API answers the
same shapes as ``plans.api.serializers`` (the mobile apps read them; ``plans/tests/test_list_rows.py`` holds
the two equal) and the templates render the same dicts.

The rules the rows show are the models' (``JointTask.notice_given``, ``Plan.filed_ahead_for``,
``Plan.withdrawable``); the nested parts are built as ``plans.selectors`` builds them for one visit
(``task_agencies``: lead agency first, then by code; ``task_officers``: in plan order, each once;
``task_checklist``: each matter once, by code).
"""

from django.db.models import F
from django.urls import reverse
from rest_framework import serializers

from catalogue.models import Matter
from yantai_inspect.pagination import LimitOffsetWithoutCount, page_without_count

from .models import Invitation, JointTask, Plan

LIST_PAGE_SIZE = 20  # the visit and plan list pages; their API lists default to the same (``ListPage``)


class ListPage(LimitOffsetWithoutCount):
    """The visit and plan API lists' paging: ``?limit=`` (at most 200) as every list, 20 rows by default."""

    default_limit = LIST_PAGE_SIZE

# The plans a visit shows: its live plans and those carried out (``selectors.with_task_details``).
SHOWN_PLANS = (*Plan.LIVE, Plan.Status.DONE)

_VISIT_COLUMNS = {
    "enterprise_uscc": F("enterprise__uscc"),
    "enterprise_name": F("enterprise__name"),
    "lead_agency_code": F("lead_agency__code"),
    "lead_agency_name": F("lead_agency__name"),
    "theme_code": F("theme__code"),
}


class LateRows:
    """The rows of a list (``values(qs)``: a queryset of ``qs``'s rows as dicts), sliced the way both paginators
    slice (``page_without_count``, ``LimitOffsetWithoutCount``). The first page is read as is; a later page
    first finds its ids alone, in the list's order and on its index, then reads and joins only those rows (a
    "late row lookup"): with an OFFSET, PostgreSQL joins every row it skips to the enterprise, agency and visit
    before dropping it (page 200 of the biggest agency's plans at city size: 37,400 buffers; ids first: an
    index-only range and 20 rows). Still one statement: the ids are a subquery."""

    def __init__(self, qs, values):
        self.qs, self.values = qs, values

    def __getitem__(self, k: slice):
        start, stop = k.start or 0, k.stop
        if not start or self.qs.query.distinct:  # a DISTINCT list selects its order's columns with its ids
            return self.values(self.qs)[start:stop]
        ids = self.qs.values("pk")[start:stop]
        # The same queryset narrowed to those ids, so that its order keeps the joins its filters made (an
        # officer's visits are ordered through the participation row of its own agency: a fresh join would
        # give a joint visit once per agency).
        return self.values(self.qs.filter(pk__in=ids))[: stop - start]


def late_rows(qs, values) -> LateRows:
    """``LateRows(qs, values)``: hand this to a paginator instead of ``values(qs)``."""
    return LateRows(qs, values)


def visit_values(qs):
    """A queryset of visits (in its order, with its filters) as row dicts: the visit's own columns and its
    enterprise's, lead agency's and theme's, in one query."""
    return qs.values("id", "visit_date", "fixed", "status", "urgent", "lead_agency_id", **_VISIT_COLUMNS)


def visit_details(rows: list[dict], *, officers: bool = False, checklist: bool = False) -> list[dict]:
    """Add to each visit row what the visit shows, in one query per relation whatever the rows: ``plans``
    (ids, newest first) and ``agencies`` ({code, name}, lead first), with ``officers`` the officers
    ({name, certificate_number, agency}), with ``checklist`` the matters ({code, name, standard,
    legal_basis}). Returns ``rows``."""
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["plans"], row["agencies"], row["status_label"] = [], [], JointTask.Status(row["status"]).label
        if officers:
            row["officers"] = []
        if checklist:
            row["checklist"] = []
    if not rows:
        return rows
    plan_task, agencies = {}, {}
    for pk, task_id, agency_id, code, name in (
        Plan.objects.filter(joint_task_id__in=list(by_id), status__in=SHOWN_PLANS)
        .order_by("-filed_at", "-id")
        .values_list("id", "joint_task_id", "agency_id", "agency__code", "agency__name")
    ):
        plan_task[pk] = task_id
        by_id[task_id]["plans"].append(pk)
        agencies.setdefault(task_id, {}).setdefault(agency_id, {"code": code, "name": name})
    for task_id, found in agencies.items():
        lead = by_id[task_id]["lead_agency_id"]
        by_id[task_id]["agencies"] = [
            brief for _k, brief in sorted(found.items(), key=lambda kv: (kv[0] != lead, kv[1]["code"]))
        ]
    if not plan_task:
        return rows
    if officers:
        _add_officers(by_id, plan_task)
    if checklist:
        _add_checklist(by_id, plan_task)
    return rows


def _add_officers(by_id: dict, plan_task: dict) -> None:
    found = {}
    officers = (
        Plan.officers.through.objects.filter(plan_id__in=list(plan_task))
        .order_by("user_id")  # each plan's officers in id order, as ``selectors.with_task_details``
        .values_list(
            "plan_id", "user_id", "user__full_name", "user__username", "user__certificate_number", "user__agency__name"
        )
    )
    for plan_id, user_id, full_name, username, certificate, agency in officers:
        found.setdefault(plan_id, []).append(
            (user_id, {"name": full_name or username, "certificate_number": certificate, "agency": agency})
        )
    for row in by_id.values():
        seen = {}
        for plan_id in row["plans"]:  # in plan order, each officer once (``selectors.task_officers``)
            for user_id, brief in found.get(plan_id, ()):
                seen.setdefault(user_id, brief)
        row["officers"] = list(seen.values())


def _add_checklist(by_id: dict, plan_task: dict) -> None:
    found = {}
    for plan_id, code, name, standard, legal_basis in Plan.matters.through.objects.filter(
        plan_id__in=list(plan_task)
    ).values_list("plan_id", "matter__code", "matter__name", "matter__standard", "matter__legal_basis"):
        found.setdefault(plan_task[plan_id], {}).setdefault(
            code, {"code": code, "name": name, "standard": standard, "legal_basis": legal_basis}
        )
    for task_id, matters in found.items():
        by_id[task_id]["checklist"] = [matters[code] for code in sorted(matters)]


def visit_api(row: dict) -> dict:
    """A visit row as ``JointTaskSerializer`` answers it (``visit_details`` with officers and checklist)."""
    return {
        "id": row["id"],
        "enterprise": row["enterprise_uscc"],
        "enterprise_name": row["enterprise_name"],
        "visit_date": row["visit_date"].isoformat(),
        "fixed": row["fixed"],
        "has_notice": JointTask.notice_given(fixed=row["fixed"], status=row["status"]),
        "status": row["status"],
        "urgent": row["urgent"],
        "lead_agency": {"code": row["lead_agency_code"], "name": row["lead_agency_name"]}
        if row["lead_agency_id"] is not None
        else None,
        "theme": row["theme_code"],
        "agencies": row["agencies"],
        "plans": row["plans"],
        "officers": row["officers"],
        "checklist": row["checklist"],
    }


def visit_page(qs, page_number, *, per_page: int = LIST_PAGE_SIZE, **details):
    """A portal page of the visits ``qs`` (``yantai_inspect.pagination.page_without_count``) as detailed
    rows (``visit_details``)."""
    page = page_without_count(late_rows(qs, visit_values), page_number, per_page)
    page.object_list = visit_details(page.object_list, **details)
    return page


def add_links(rows: list[dict], *, id_key: str = "id", **url_names) -> list[dict]:
    """Give each row ``key`` = the URL named ``url_names[key]`` for the row's ``id_key``, reversing each name
    once per page instead of once per row (a ``{% url %}`` tag costs a page of 20 rows with two links about a
    millisecond). Returns ``rows``."""
    marker = "2147483647"
    for key, name in url_names.items():
        head, tail = reverse(name, args=[int(marker)]).split(marker)
        for row in rows:
            row[key] = f"{head}{row[id_key]}{tail}"
    return rows


# -- plans -------------------------------------------------------------------------------------------------

_PLAN_COLUMNS = {
    "agency_code": F("agency__code"),
    "agency_name": F("agency__name"),
    "enterprise_uscc": F("enterprise__uscc"),
    "enterprise_name": F("enterprise__name"),
    "theme_code": F("theme__code"),
    "visit_date": F("joint_task__visit_date"),
    "task_fixed": F("joint_task__fixed"),
}
_PLAN_FIELDS = (
    "id",
    "status",
    "window_start",
    "window_end",
    "filed_on",
    "urgent",
    "urgent_category",
    "urgent_reason",
    "review_note",
    "post_review",
    "post_review_note",
    "joint_task",
    "ahead_from",
    "campaign",
    "cap_exemption",
    "cap_note",
    "head_approval",
    "head_approval_at",
    "head_approval_note",
)


def plan_values(qs):
    """A queryset of plans (in its order, with its filters) as row dicts: the plan's own columns and its
    agency's, enterprise's, theme's and visit's, in one query (the joins of ``selectors.plans_for_user``'s
    ``select_related``)."""
    return qs.prefetch_related(None).values(*_PLAN_FIELDS, **_PLAN_COLUMNS)


def plan_details(rows: list[dict], *, matters: bool = True, matter_names: bool = False) -> list[dict]:
    """Add to each plan row the labels a page shows and, unless ``matters`` is false, its ``matters`` (codes,
    by code; with ``matter_names`` {code, name} dicts) in one query. Returns ``rows``."""
    by_id = {}
    for row in rows:
        row["matters"] = []
        row["status_label"] = Plan.Status(row["status"]).label
        row["urgent_category_label"] = (
            Plan.UrgentCategory(row["urgent_category"]).label if row["urgent_category"] else ""
        )
        by_id[row["id"]] = row
    if by_id and matters:
        columns = ("plan_id", "matter__code", "matter__name") if matter_names else ("plan_id", "matter__code")
        matters = Plan.matters.through.objects.filter(plan_id__in=list(by_id)).order_by(
            *(f"matter__{key}" for key in Matter._meta.ordering)
        )
        for plan_id, code, *name in matters.values_list(*columns):
            by_id[plan_id]["matters"].append({"code": code, "name": name[0]} if matter_names else code)
    return rows


_datetime_field = serializers.DateTimeField()  # the API's form of a moment (PlanSerializer's)


def plan_api(row: dict) -> dict:
    """A plan row as ``PlanSerializer`` answers it (``plan_details`` without matter names)."""
    task = row["joint_task"]

    def day(value):
        return value.isoformat() if value is not None else None

    return {
        "id": row["id"],
        "status": row["status"],
        "agency": {"code": row["agency_code"], "name": row["agency_name"]},
        "enterprise": row["enterprise_uscc"],
        "enterprise_name": row["enterprise_name"],
        "theme": row["theme_code"],
        "matters": row["matters"],
        "window_start": day(row["window_start"]),
        "window_end": day(row["window_end"]),
        "filed_on": day(row["filed_on"]),
        "urgent": row["urgent"],
        "urgent_category": row["urgent_category"],
        "urgent_reason": row["urgent_reason"],
        "review_note": row["review_note"],
        "post_review": row["post_review"],
        "post_review_note": row["post_review_note"],
        "joint_task": task,
        "visit_date": day(row["visit_date"]),
        "ahead_from": day(row["ahead_from"]),
        "filed_ahead": Plan.filed_ahead_for(ahead_from=row["ahead_from"], visit_date=row["visit_date"])
        if task is not None
        else None,
        "campaign": row["campaign"],
        "cap_exemption": row["cap_exemption"],
        "cap_note": row["cap_note"],
        "head_approval": row["head_approval"],
        "head_approval_at": _datetime_field.to_representation(row["head_approval_at"])
        if row["head_approval_at"]
        else None,
        "head_approval_note": row["head_approval_note"],
        "editable": row["status"] in Plan.EDITABLE,
        "can_withdraw": Plan.withdrawable(status=row["status"], task_fixed=row["task_fixed"]),
    }


def plan_page(qs, page_number, *, per_page: int = LIST_PAGE_SIZE, **details):
    """A portal page of the plans ``qs`` as rows (``plan_details``)."""
    page = page_without_count(late_rows(qs, plan_values), page_number, per_page)
    page.object_list = plan_details(page.object_list, **details)
    return page


# -- invitations ---------------------------------------------------------------------------------------------


def invitation_values(qs):
    """A queryset of invitations (in its order, with its filters) as row dicts: the invitation's own columns,
    in one query; ``invitation_details`` adds the lead plans."""
    return qs.prefetch_related(None).values("id", "status", "deadline", "lead_plan_id")


def invitation_details(rows: list[dict], *, matters: bool = True) -> list[dict]:
    """Add to each invitation row its ``status_label`` and its ``lead_plan`` as a plan row (``plan_values`` and
    ``plan_details``, with its matters unless ``matters`` is false): one query for the page's lead plans and
    one for their matters, whatever the rows. Returns ``rows``."""
    for row in rows:
        row["status_label"] = Invitation.Status(row["status"]).label
    if not rows:
        return rows
    plans = plan_details(list(plan_values(Plan.objects.filter(pk__in={row["lead_plan_id"] for row in rows}))),
                         matters=matters)
    by_id = {plan["id"]: plan for plan in plans}
    for row in rows:
        row["lead_plan"] = by_id[row["lead_plan_id"]]
    return rows


def invitation_api(row: dict) -> dict:
    """An invitation row as ``InvitationSerializer`` answers it (``invitation_details`` with matters)."""
    return {"id": row["id"], "status": row["status"], "deadline": row["deadline"].isoformat(),
            "lead_plan": plan_api(row["lead_plan"])}
