"""Filing plans (检查计划报备): the 7-day rule, the green channel, campaigns, withdrawal and the officers
of a plan. Scheduling runs under a row lock on the enterprise (``plans.matching``)."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import connection, router, transaction
from django.db.models import sql
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_inspecting_officer, require_officer
from accounts.certificates import officer_certified_check
from accounts.models import Agency, User
from audit.services import audit_deferred, audit_record
from catalogue.models import Matter, Theme
from catalogue.versions import matter_in_force_check
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_for_user
from notifications.services import notifications_resolve
from yantai_inspect.errors import DomainError

from ..approval import head_approval_needed, head_approval_requested
from ..calendar import blocked_days, unknown_calendar_years
from ..caps import plan_cap_enforce
from ..matching import enterprise_reschedule, load_states, lock_enterprise, lock_enterprise_within
from ..models import Invitation, JointTask, Plan
from ..participation import participation_refresh
from ..recusal import officers_recusal_check
from ..remote import remote_check_open, remote_choice_check
from ..selectors import task_certified_officers
from ..special import special_filing_check, special_required_message
from ..statistics import cells_refresh_for_visits
from .invitations import _check_invitation, _invite_theme_agencies
from .reviews import _notify_justice, _notify_justice_review

WEEKDAY_BLOCK_LABEL = {"holiday": "节假日", "weekend": "周末", "busy": "企业生产繁忙期"}


def _check_matters(*, agency: Agency, theme: Theme | None, matters, days=()) -> list[Matter]:
    matters = list(matters)
    if not matters:
        raise DomainError(_("Choose at least one supervision matter."), field="matters")
    foreign = [m for m in matters if m.department_id != agency.department_id]
    on_theme = set()
    if foreign and theme is not None:  # one query for all of them, not one a matter
        on_theme = set(
            Matter.themes.through.objects.filter(theme_id=theme.pk, matter__in=foreign).values_list(
                "matter_id", flat=True
            )
        )
    for matter in matters:
        if not matter.active:
            raise DomainError(
                _("Matter %(code)s is no longer in the catalogue.") % {"code": matter.code}, field="matters"
            )
        matter_in_force_check(matter, days)
        if matter.department_id != agency.department_id and matter.pk not in on_theme:
            raise DomainError(
                _("Matter %(code)s is owned by another department and is not on the chosen theme's list.")
                % {"code": matter.code},
                field="matters",
            )
    return matters


def _check_theme(*, agency: Agency, theme: Theme | None) -> None:
    if theme is None:
        return
    if (
        theme.lead_department_id != agency.department_id
        and not theme.participating_departments.filter(pk=agency.department_id).exists()
    ):
        raise DomainError(
            _("Your department neither leads nor takes part in the theme %(theme)s.") % {"theme": theme.name},
            field="theme",
        )


def _check_officers(*, agency: Agency, actor, officers, days, enterprise, include_actor: bool = True) -> list[User]:
    officers = list(dict.fromkeys(officers or [actor]))
    if include_actor and actor not in officers:
        officers.insert(0, actor)
    for officer in officers:
        if officer.agency_id != agency.pk or not officer.is_officer or not officer.is_active:
            raise DomainError(
                _("%(name)s is not an active officer of your agency.") % {"name": officer}, field="officers"
            )
        officer_certified_check(officer, days)
    officers_recusal_check(enterprise=enterprise, officers=officers)  # 回避: plans.recusal
    return officers


def _check_window(
    *,
    enterprise: Enterprise,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    urgent: bool,
    lead_plan: Plan | None = None,
    busy_periods=None,
) -> None:
    """The window rules. ``busy_periods``: the enterprise's busy periods when the caller has read them
    (``calendar.blocked_days``)."""
    if end < start:
        raise DomainError(_("The latest visit date is before the earliest."), field="window_end")
    if (end - start).days + 1 > settings.PLAN_WINDOW_MAX_DAYS:
        raise DomainError(
            _("A window may span at most %(n)d days.") % {"n": settings.PLAN_WINDOW_MAX_DAYS}, field="window_end"
        )
    if start > Plan.horizon_end(today):
        raise DomainError(
            _("A plan may be filed at most %(n)d days before its earliest visit date.")
            % {"n": settings.PLAN_HORIZON_DAYS},
            field="window_start",
        )
    if urgent:
        if start < today:
            raise DomainError(_("A green-channel visit cannot be dated in the past."), field="window_start")
        return
    earliest = Plan.ahead_from_for(filed_on=today, urgent=False, lead_plan=lead_plan)
    if start < earliest:
        raise DomainError(
            _("A routine plan must be filed at least %(n)d days ahead: the earliest visit date allowed is %(date)s.")
            % {"n": settings.PLAN_ADVANCE_DAYS, "date": earliest.isoformat()},
            field="window_start",
        )
    blocked = blocked_days(enterprise_id=enterprise.pk, start=start, end=end, busy_periods=busy_periods)
    if len(blocked) == (end - start).days + 1:
        names = "、".join(f"{b.date.isoformat()}({WEEKDAY_BLOCK_LABEL[str(b.reason)]})" for b in blocked)
        raise DomainError(
            _("No day of this window can be visited: %(days)s. Choose a wider window.") % {"days": names},
            field="window_end",
        )


@transaction.atomic
@audit_deferred()  # the chain head's lock from the entries' INSERT to the commit, not through the matching
def plan_file(
    *,
    actor,
    enterprise: Enterprise,
    matters,
    window_start: dt.date,
    window_end: dt.date,
    theme: Theme | None = None,
    officers=None,
    urgent: bool = False,
    urgent_category: str = "",
    urgent_reason: str = "",
    invitation: Invitation | None = None,
    campaign: str = "",
    cap_exemption: str = "",
    special_campaign=None,
    remote: bool = False,
    visit_reason: str = "",
    today: dt.date | None = None,
) -> Plan:
    """File an inspection plan (检查计划报备).

    Routine plans start at least 7 calendar days after the filing day (Asia/Shanghai) and need an allowed
    visit day in their window. Green-channel plans need a category and a written reason, are accepted on any
    day and go to the justice bureau for review after the fact. A routine plan on a whitelisted enterprise
    waits for the same-level justice bureau's approval before it takes part in matching. A response to an
    invitation takes the lead plan's window: the joint visit was filed ahead by the lead agency. A plan whose
    matters can all be checked remotely is a remote check (``remote``: no visit, no cap, no review) or says
    why a visit is needed (``visit_reason``): ``plans.remote``.
    """
    agency = require_inspecting_officer(actor)
    today = today or timezone.localdate()
    # The access check takes the enterprise's row lock (its row only) in the same statement: the checks
    # below read a few catalogue rows and nothing else waits on this enterprise in the meantime.
    if not lock_enterprise_within(enterprise.pk, enterprises_for_user(user=actor)):
        raise DomainError(_("This enterprise is outside your agency's area."), field="enterprise")
    lead_plan = None
    if invitation is not None:
        invitation = _check_invitation(invitation=invitation, agency=agency, enterprise=enterprise, today=today)
        window_start, window_end = invitation.lead_plan.window_start, invitation.lead_plan.window_end
        theme = theme or invitation.lead_plan.theme
        lead_plan = invitation.lead_plan
        urgent = False
    if urgent:
        if urgent_category not in Plan.UrgentCategory.values:
            raise DomainError(_("Choose the reason category of the urgent inspection."), field="urgent_category")
        if not (urgent_reason or "").strip():
            raise DomainError(_("A green-channel inspection needs a written reason."), field="urgent_reason")
    _check_theme(agency=agency, theme=theme)
    matters = _check_matters(agency=agency, theme=theme, matters=matters, days=(window_start, window_end))
    # 能非现场的不进企业: a remote check, or the reason for the visit (plans.remote; reads nothing).
    visit_reason = remote_choice_check(matters=matters, remote=remote, visit_reason=visit_reason, urgent=urgent,
                                       invitation=invitation, cap_exemption=cap_exemption)
    officers = _check_officers(agency=agency, actor=actor, officers=officers, days=(window_start, window_end),
                               enterprise=enterprise)
    # 专项检查: a special inspection ordered from above is a plan under an approved special campaign (plans.special)
    if special_campaign is not None:
        special_filing_check(campaign=special_campaign, agency=agency, enterprise=enterprise,
                             window_start=window_start, window_end=window_end, matters=matters)
        cap_exemption = Plan.CapExemption.SPECIAL
    elif cap_exemption == Plan.CapExemption.SPECIAL:
        raise DomainError(special_required_message(), field="special_campaign")
    if urgent and len(officers) < JointTask.MIN_CERTIFIED_OFFICERS:
        # Nobody joins a green-channel visit: its own agency must send the two officers the law requires.
        raise DomainError(
            _("A green-channel inspection is carried out at once: name at least two certified officers."),
            field="officers",
        )
    whitelisted = bool(getattr(getattr(enterprise, "credit", None), "whitelisted", False))
    # A routine plan on an enterprise not whitelisted is matched at once: what matching reads of the
    # enterprise (its live plans, future visits, busy periods) is read here, once, under the lock, and serves
    # the window check as well as the matching.
    state = None
    if not urgent and not whitelisted and not remote:
        state = load_states(enterprise_ids=[enterprise.pk], today=today)[enterprise.pk]
    _check_window(
        enterprise=enterprise,
        start=window_start,
        end=window_end,
        today=today,
        urgent=urgent,
        lead_plan=lead_plan,
        busy_periods=state.busy if state is not None else None,
    )

    head_approval = "" if remote else head_approval_needed(actor=actor, agency=agency, urgent=urgent)  # 检查审批
    if remote:  # never matched, never reviewed as a visit: the enterprise is asked for documents
        status, post_review = Plan.Status.REMOTE, Plan.PostReview.NOT_NEEDED
    elif urgent:
        status, post_review = Plan.Status.FILED, Plan.PostReview.PENDING
    elif head_approval:  # the head first, then (on its approval) the justice bureau's review if needed
        status, post_review = Plan.Status.PENDING_APPROVAL, Plan.PostReview.NOT_NEEDED
    elif whitelisted:
        status, post_review = Plan.Status.PENDING_REVIEW, Plan.PostReview.NOT_NEEDED
    else:
        status, post_review = Plan.Status.FILED, Plan.PostReview.NOT_NEEDED
    plan = Plan(
        agency=agency,
        filed_by=actor,
        enterprise=enterprise,
        theme=theme,
        window_start=window_start,
        window_end=window_end,
        filed_on=today,
        ahead_from=Plan.ahead_from_for(filed_on=today, urgent=urgent, lead_plan=lead_plan),
        urgent=urgent,
        urgent_category=urgent_category if urgent else "",
        urgent_reason=(urgent_reason or "").strip() if urgent else "",
        status=status,
        post_review=post_review,
        invitation=invitation,
        campaign=campaign,
        cap_exemption=cap_exemption,
        special_campaign=special_campaign,
        head_approval=head_approval,
        visit_reason=visit_reason,
    )
    # The window's order (the table's check constraint) was checked by _check_window, which names the field;
    # the database still enforces it. Not checking it again here saves a query and its savepoint.
    plan.full_clean(
        exclude=["joint_task", "invitation", "filed_by", "agency", "enterprise", "theme", "special_campaign"],
        validate_constraints=False
    )
    _plan_insert(plan, matters=matters, officers=officers)
    audit_record(
        actor=actor,
        action="plan.file",
        obj=plan,
        details={
            "enterprise": enterprise.uscc,
            "window": [window_start, window_end],
            "urgent": urgent,
            "urgent_category": plan.urgent_category,
            "status": status,
            "matters": [m.code for m in matters],
            "officers": [o.username for o in officers],
            "invitation": invitation.pk if invitation else None,
            **({"remote": True} if remote else {}),
            **({"visit_reason": visit_reason} if visit_reason else {}),
        },
    )
    if invitation is not None:
        Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.RESPONDED)
        notifications_resolve(keys=Invitation.notification_keys([invitation.pk]))
    if remote:
        remote_check_open(actor=actor, plan=plan, today=today)
        return plan  # never capped (plans.caps counts no remote check), never on a visit
    if urgent:
        _green_channel_visit(actor=actor, plan=plan)
    elif plan.is_live:
        state.plans.append(plan)  # loaded in id order: the new plan comes last
        changes = enterprise_reschedule(
            actor=actor,
            enterprise_id=enterprise.pk,
            today=today,
            must_serve=[plan.pk],
            state=state,
            enterprise=enterprise,
        )
        # The plan instance now holds its visit (set by the matching); read the visit again only if it was
        # fixed just now, as the matching's copy predates that.
        if plan.joint_task_id in changes["fixed"]:
            plan.joint_task.refresh_from_db()
        _invite_theme_agencies(actor=actor, plan=plan, today=today)
    elif status == Plan.Status.PENDING_REVIEW:
        _notify_justice_review(plan)
    head_approval_requested(plan)
    plan_cap_enforce(actor=actor, plan=plan, enterprise=enterprise, today=today)  # refuses or routes to review
    return plan


# A link table's rows for the plan of the CTE ``p``: names from the models, the ids as one array parameter.
LINK_INSERT = "INSERT INTO {} ({}, {}) SELECT p.id, x FROM p, unnest(%s::bigint[]) x"  # noqa: S608


def _plan_insert(plan: Plan, *, matters: list[Matter], officers: list[User]) -> None:
    """Save the new plan with its matters and officers. A new plan has none yet: they are added, not set (set
    reads the existing rows first). On PostgreSQL one statement (the plan's INSERT as Django compiles it,
    RETURNING its id, and the two link tables' INSERTs as CTEs on it); elsewhere three. The plan then holds
    its matters as if prefetched (the response shows them)."""
    if connection.vendor != "postgresql":
        plan.save()
        plan.matters.add(*matters)
        plan.officers.add(*officers)
    else:
        meta = Plan._meta
        query = sql.InsertQuery(Plan)
        query.insert_values([f for f in meta.local_concrete_fields if f is not meta.auto_field], [plan])
        compiler = query.get_compiler(using=router.db_for_write(Plan))
        compiler.returning_fields = [meta.pk]
        [(insert, params)] = compiler.as_sql()
        links = []
        for name, ids in (("matters", [m.pk for m in matters]), ("officers", [o.pk for o in officers])):
            m2m = meta.get_field(name)
            table, columns = m2m.m2m_db_table(), (m2m.m2m_column_name(), m2m.m2m_reverse_name())
            quoted = [connection.ops.quote_name(n) for n in (table, *columns)]
            links.append(LINK_INSERT.format(*quoted))
            params = [*params, list(dict.fromkeys(ids))]
        statement = f"WITH p AS ({insert}), m AS ({links[0]}), o AS ({links[1]}) SELECT id FROM p"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            plan.pk = cursor.fetchone()[0]
        plan._state.adding, plan._state.db = False, compiler.using
    known = plan.matters.all()
    known._result_cache, known._prefetch_done = sorted(matters, key=lambda m: m.code), True
    plan._prefetched_objects_cache = {"matters": known}


def campaign_size_check(count: int) -> None:
    """A campaign lists at most ``CAMPAIGN_MAX_ENTERPRISES`` distinct enterprises. ``plan_file_campaign``
    enforces it; the page and the API call it on the distinct codes they parsed, so that an oversized list
    is answered before any code is looked up."""
    limit = settings.CAMPAIGN_MAX_ENTERPRISES
    if count > limit:
        raise DomainError(
            _("A campaign may list at most %(n)d enterprises; this one lists %(count)d.")
            % {"n": limit, "count": count},
            field="enterprises",
        )


@transaction.atomic
def plan_file_campaign(*, actor, enterprises, **kwargs) -> list[Plan]:
    """A campaign fans out to one plan per distinct enterprise, at most ``CAMPAIGN_MAX_ENTERPRISES``
    (``campaign_size_check``); if one is refused, none is filed."""
    enterprises = list(dict.fromkeys(enterprises))
    if not enterprises:
        raise DomainError(_("Choose at least one enterprise."), field="enterprises")
    campaign_size_check(len(enterprises))
    campaign = uuid.uuid4().hex[:12]
    plans = []
    for enterprise in enterprises:
        try:
            plans.append(plan_file(actor=actor, enterprise=enterprise, campaign=campaign, **kwargs))
        except DomainError as exc:
            raise DomainError(f"{enterprise.name}({enterprise.uscc}):{exc.message}", field=exc.field) from exc
    return plans


def _green_channel_visit(*, actor, plan: Plan) -> None:
    """An urgent plan is carried out at once on its own visit, fixed at filing."""
    task = JointTask.objects.create(
        enterprise=plan.enterprise,
        division=plan.enterprise.division,
        visit_date=plan.window_start,
        fixed=True,
        fixed_at=timezone.now(),
        status=JointTask.Status.FIXED,
        urgent=True,
        lead_agency=plan.agency,
        theme=plan.theme,
        n_plans=1,  # the urgent plan alone: nobody joins a green-channel visit
        n_agencies=1,
    )
    plan.joint_task = task
    plan.save(update_fields=["joint_task"])
    task_qs = JointTask.objects.filter(pk=task.pk)
    cells_refresh_for_visits(task_qs)
    participation_refresh(task_qs)
    _notify_justice(plan, key="green", title=_("Green-channel inspection to review after the fact"))
    audit_record(actor=actor, action="joint_task.green_channel", obj=task, details={"plan": plan.pk})


@transaction.atomic
def plan_withdraw(*, actor, plan: Plan, reason: str = "") -> Plan:
    """An agency withdraws its plan before the visit is fixed; the enterprise's visits are re-optimised."""
    agency = require_officer(actor)
    lock_enterprise(plan.enterprise_id)
    plan = Plan.objects.select_related("joint_task").get(pk=plan.pk)
    if plan.agency_id != agency.pk:
        raise DomainError(_("Only the filing agency can withdraw its plan."))
    if not plan.is_editable:
        raise DomainError(_("This plan can no longer be withdrawn."))
    if not plan.can_withdraw:
        raise DomainError(_("The visit is already fixed; the plan can no longer be withdrawn."))
    before = plan.status
    plan.status, plan.withdrawn_at, plan.joint_task = Plan.Status.WITHDRAWN, timezone.now(), None
    plan.save(update_fields=["status", "withdrawn_at", "joint_task"])
    audit_record(actor=actor, action="plan.withdraw", obj=plan, details={"before": before, "reason": reason})
    enterprise_reschedule(actor=actor, enterprise_id=plan.enterprise_id)
    return plan


@transaction.atomic
def plan_officers_set(*, actor, plan: Plan, officers) -> Plan:
    """The filing agency names the certified officers who will inspect, while the plan is editable.

    An on-site inspection needs at least ``JointTask.MIN_CERTIFIED_OFFICERS`` certified officers in total,
    pooled over the visit's live plans (``plans.selectors.task_certified_officers``). Once the visit is fixed
    (the enterprise has its notice; a green-channel visit is fixed at filing and has only its own plan, which
    filing required to name two) a change is refused when it leaves the visit with fewer than that and
    with fewer than it had: a visit already short may swap officers or add one, never lose one. Before
    fixing the visit may still gain other agencies' plans, so any certified officer of the agency will do;
    the visit's agencies are warned at fixing if it is short."""
    agency = require_officer(actor)
    lock_enterprise(plan.enterprise_id)
    plan = Plan.objects.select_for_update(of=("self",)).select_related("joint_task").get(pk=plan.pk)
    if plan.agency_id != agency.pk:
        raise DomainError(_("Only the filing agency can change the officers of its plan."))
    if not plan.is_editable:
        raise DomainError(_("The officers of this plan can no longer be changed."))
    if not officers:
        raise DomainError(_("Name at least one officer."), field="officers")
    task = plan.joint_task
    days = (task.visit_date,) if task is not None and task.fixed else (plan.window_start, plan.window_end)
    officers = _check_officers(agency=agency, actor=actor, officers=officers, days=days, enterprise=plan.enterprise,
                               include_actor=False)
    staffed_before = len(task_certified_officers(task)) if task is not None and task.fixed else None
    before = sorted(plan.officers.values_list("username", flat=True))
    plan.officers.set(officers)
    if staffed_before is not None:
        staffed = len(task_certified_officers(task))
        if staffed < min(JointTask.MIN_CERTIFIED_OFFICERS, staffed_before):
            # Raised inside the transaction: the officers set above is rolled back.
            raise DomainError(
                _(
                    "The visit of %(date)s is fixed: it would be left with %(n)d certified officer(s), fewer "
                    "than the %(min)d an on-site inspection needs."
                )
                % {"date": task.visit_date.isoformat(), "n": staffed, "min": JointTask.MIN_CERTIFIED_OFFICERS},
                field="officers",
            )
    audit_record(
        actor=actor,
        action="plan.officers_set",
        obj=plan,
        details={"before": before, "after": sorted(o.username for o in officers)},
    )
    return plan


def calendar_warning(start: dt.date, end: dt.date) -> str | None:
    """A warning to show when the official calendar for a year in the window is not loaded yet."""
    years = unknown_calendar_years(start, end)
    if years:
        return _(
            "The State Council holiday notice for %(years)s is not loaded yet: statutory holidays and their "
            "make-up rest days are avoided, but bridging days and make-up working days (调休) are not known."
        ) % {"years": "、".join(str(y) for y in years)}
    return None
