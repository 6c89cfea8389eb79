"""Portal pages for plans and visits. Thin: forms parse, services decide, selectors read."""

import calendar as pycalendar
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import agency_required, enterprise_required, justice_required
from enterprises.access import enterprise_for_user, require_enterprise
from enterprises.forms import BusyPeriodForm
from enterprises.models import BusyPeriod
from enterprises.name_search import clean_query
from enterprises.selectors import enterprise_ids_matching
from yantai_inspect.csv_export import CHUNK, chunks_of, csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.inputs import DATE_MAX, DATE_MIN, INT_MAX, query_int
from yantai_inspect.pagination import page_without_count
from yantai_inspect.replica import replica_reads

from . import listing, selectors, services
from .access import invitation_for_user, joint_task_for_user, plan_for_user
from .approval import approval_of
from .busy import busy_days_left, busy_period_declare
from .busy import busy_period_delete as busy_period_delete_service
from .caps import enterprise_caps
from .forms import PlanFilterForm, PlanForm, PlanOfficersForm, ReasonForm, RefileForm, WithdrawForm
from .models import JointTask, Plan
from .refile import plan_refile
from .remote import remote_check_figures
from .statistics import DIMENSIONS, plan_statistics


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


# -- agency portal ---------------------------------------------------------------------------------------


def _plans_listed(request):
    form = PlanFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    urgent = {"0": False, "1": True}.get(data.get("urgent", ""))
    qs = selectors.plan_list(
        user=request.user, status=data.get("status", ""), enterprise=data.get("enterprise", ""), urgent=urgent
    )
    return form, qs


@agency_required
def plan_list(request):
    form, qs = _plans_listed(request)
    page = listing.plan_page(qs, request.GET.get("page"), matters=False)  # the page does not show them
    listing.add_links(page.object_list, detail_url="agency-plan-detail")
    return render(request, "plans/plan_list.html", {"form": form, "page": page})


@agency_required
def plan_export(request):
    _form, qs = _plans_listed(request)

    def row(plan):
        return [plan.filed_at.date().isoformat() if plan.filed_at else "", plan.enterprise.name, plan.enterprise.uscc,
                plan.window_start.isoformat(), plan.window_end.isoformat(), plan.get_status_display(),
                _("Green channel") if plan.urgent else _("Routine")]

    header = [_("Filed"), _("Enterprise"), _("Credit code"), _("Earliest visit date"), _("Latest visit date"),
              _("Status"), _("Channel")]
    return csv_response("plans.csv", [str(h) for h in header], rows_of(qs, row))


@agency_required
def plan_new(request):
    agency = request.user.agency
    invitation = None
    invitation_id = query_int(request.GET, "invitation", minimum=1, maximum=INT_MAX) or query_int(
        request.POST, "invitation", minimum=1, maximum=INT_MAX
    )
    if invitation_id:
        invitation = invitation_for_user(user=request.user, invitation_id=invitation_id)
    initial = {"officers": selectors.officers_to_preselect(user=request.user)}
    if invitation is not None:
        lead = invitation.lead_plan
        initial.update(
            enterprise=lead.enterprise.uscc,
            window_start=lead.window_start,
            window_end=lead.window_end,
            theme=lead.theme.code if lead.theme_id else None,
        )
    form = PlanForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        codes = [data["enterprise"], *data.get("campaign_enterprises", [])] if not invitation else [data["enterprise"]]
        codes = list(dict.fromkeys(c.upper() for c in codes))
        try:
            services.campaign_size_check(len(codes))  # answered before any code is looked up
        except DomainError as exc:
            form.add_error("campaign_enterprises", str(exc.message))
            return render(request, "plans/plan_form.html", {"form": form, "invitation": invitation})
        enterprises, unknown = [], []
        for code in codes:
            try:
                enterprises.append(enterprise_for_user(user=request.user, uscc=code))
            except Http404:
                unknown.append(code)
        if unknown:
            form.add_error(
                "enterprise" if unknown == [data["enterprise"].upper()] else "campaign_enterprises",
                _("No enterprise with this credit code in your area: %(codes)s") % {"codes": ", ".join(unknown)},
            )
        else:
            common = {
                "matters": data["matters"],
                "theme": data["theme"],
                "window_start": data["window_start"],
                "window_end": data["window_end"],
                "officers": list(data["officers"]),
                "urgent": data["urgent"],
                "urgent_category": data["urgent_category"],
                "urgent_reason": data["urgent_reason"],
                "cap_exemption": data["cap_exemption"],
                "special_campaign": data.get("special_campaign"),
                "remote": data["remote"],
                "visit_reason": data["visit_reason"],
            }
            try:
                if len(enterprises) > 1:
                    plans = services.plan_file_campaign(actor=request.user, enterprises=enterprises, **common)
                else:
                    plans = [
                        services.plan_file(
                            actor=request.user, enterprise=enterprises[0], invitation=invitation, **common
                        )
                    ]
            except DomainError as exc:
                _attach(form, exc)
            else:
                if len(plans) > 1:
                    messages.success(request, _("%(n)d plans filed for the campaign.") % {"n": len(plans)})
                    return redirect("agency-plans")
                messages.success(request, _("Plan filed."))
                return redirect("agency-plan-detail", pk=plans[0].pk)
    return render(request, "plans/plan_form.html", {"form": form, "invitation": invitation})


def _plan_detail(request, pk):
    plan = plan_for_user(user=request.user, plan_id=pk)
    task = None
    if plan.joint_task_id:
        task = selectors.task_with_details(plan.joint_task_id)
    return render(
        request,
        "plans/plan_detail.html",
        {
            **(selectors.task_context(task) if task else {"task": None}),
            "plan": plan,
            "approval": approval_of(plan),  # 检查审批: the head's step in the plan's history
            "reason_form": WithdrawForm(),
            "refile_form": RefileForm()
            if plan.status == Plan.Status.NOT_CARRIED_OUT and not plan.refiled_as.exists()
            else None,
            "officers_form": PlanOfficersForm(agency=plan.agency, initial={"officers": list(plan.officers.all())})
            if request.user.is_officer
            else None,
            "earlier": selectors.earlier_records(enterprise_id=plan.enterprise_id),
        },
    )


@agency_required
@require_POST
def plan_officers(request, pk):
    plan = plan_for_user(user=request.user, plan_id=pk)
    form = PlanOfficersForm(request.POST, agency=request.user.agency)
    if not form.is_valid():
        messages.error(request, _("Name at least one officer."))
    else:
        try:
            services.plan_officers_set(actor=request.user, plan=plan, officers=list(form.cleaned_data["officers"]))
            messages.success(request, _("Officers updated."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("agency-plan-detail", pk=pk)


@agency_required
@require_POST
def plan_withdraw(request, pk):
    plan = plan_for_user(user=request.user, plan_id=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for withdrawing the plan."))
        return redirect("agency-plan-detail", pk=pk)
    try:
        services.plan_withdraw(actor=request.user, plan=plan, reason=form.cleaned_data["note"])
        messages.success(request, _("Plan withdrawn."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("agency-plan-detail", pk=pk)


@agency_required
@require_POST
def plan_refile_view(request, pk):
    plan = plan_for_user(user=request.user, plan_id=pk)
    form = RefileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new window's earliest and latest visit dates."))
        return redirect("agency-plan-detail", pk=pk)
    try:
        new = plan_refile(actor=request.user, plan=plan, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("agency-plan-detail", pk=pk)
    messages.success(request, _("Plan refiled."))
    return redirect("agency-plan-detail", pk=new.pk)


def _tasks_listed(request):
    """The visits of the task list: upcoming (default) or all, optionally of the enterprises matching ``q``
    (``enterprise_ids_matching``: an equality on the visit's enterprise, the list's order kept)."""
    if request.GET.get("upcoming", "1") == "1":
        qs = selectors.visits_in_date_order(user=request.user, since=timezone.localdate())
    else:
        qs = selectors.visits_in_date_order(user=request.user, newest_first=True)
    query = clean_query(request.GET.get("q", ""))
    if query:
        qs = qs.filter(enterprise_id__in=enterprise_ids_matching(user=request.user, query=query))
    return qs, query


def _task_list(request):
    qs, query = _tasks_listed(request)
    page = listing.visit_page(qs, request.GET.get("page"))  # with their agencies, the only detail shown
    justice = request.resolver_match.url_name == "justice-tasks"
    listing.add_links(page.object_list, detail_url="justice-task-detail" if justice else "agency-task-detail")
    return render(request, "plans/task_list.html", {"page": page, "q": query})


def _task_export(request):
    qs, _query = _tasks_listed(request)
    qs = selectors.with_task_details(qs)

    def row(task):
        agencies = "、".join(a.name for a in selectors.task_agencies(task))
        return [task.visit_date.isoformat(), task.enterprise.name, task.enterprise.uscc,
                task.lead_agency.name if task.lead_agency_id else "", agencies, task.get_status_display()]

    header = [_("Visit date"), _("Enterprise"), _("Credit code"), _("Lead agency"), _("Agencies"), _("State")]
    return csv_response("joint-visits.csv", [str(h) for h in header], rows_of(qs, row))


def _task_detail(request, pk):
    task = joint_task_for_user(user=request.user, task_id=pk)
    task = selectors.task_with_details(task.pk)
    return render(request, "plans/task_detail.html", selectors.task_context(task))


@agency_required
def task_calendar(request):
    today = timezone.localdate()
    # A month of the platform's date range, with a month either side for the links (y=9999&m=12 overflowed).
    year = query_int(request.GET, "y", default=today.year, minimum=DATE_MIN.year + 1, maximum=DATE_MAX.year - 1)
    first = dt.date(year, query_int(request.GET, "m", default=today.month, minimum=1, maximum=12), 1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    tasks = selectors.visits_in_date_order(user=request.user, since=first, until=last).exclude(
        status=JointTask.Status.CANCELLED
    )
    by_day = {}
    for task in tasks:
        by_day.setdefault(task.visit_date, []).append(task)
    weeks = [
        [(d, by_day.get(d, [])) if d.month == first.month else (None, []) for d in week]
        for week in pycalendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    return render(
        request,
        "plans/calendar.html",
        {"weeks": weeks, "first": first, "prev": prev_month, "next": next_month, "today": today,
         "has_visits": bool(by_day)},
    )


INVITATION_PAGE_SIZE = listing.LIST_PAGE_SIZE  # a theme's lead department invites a big agency ~2,000 times a year


@agency_required
def invitation_list(request):
    invitations = selectors.invitations_for_user(user=request.user).order_by("-created_at", "-id")
    page = page_without_count(listing.late_rows(invitations, listing.invitation_values), request.GET.get("page"),
                              INVITATION_PAGE_SIZE)
    page.object_list = listing.invitation_details(page.object_list, matters=False)  # the page does not show them
    listing.add_links(page.object_list, decline_url="agency-invitation-decline")
    return render(request, "plans/invitation_list.html", {"invitations": page, "page": page})


@agency_required
def invitation_export(request):
    qs = selectors.invitations_for_user(user=request.user).order_by("-created_at", "-id")

    def row(inv):
        lead = inv.lead_plan
        return [lead.enterprise.name, lead.enterprise.uscc, lead.agency.name, lead.window_start.isoformat(),
                lead.window_end.isoformat(), inv.deadline.isoformat(), inv.get_status_display()]

    header = [_("Enterprise"), _("Credit code"), _("Lead agency"), _("Earliest visit date"), _("Latest visit date"),
              _("Respond by"), _("Status")]
    return csv_response("invitations.csv", [str(h) for h in header], rows_of(qs, row))


@agency_required
@require_POST
def invitation_decline(request, pk):
    invitation = invitation_for_user(user=request.user, invitation_id=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.invitation_decline(actor=request.user, invitation=invitation, reason=form.cleaned_data.get("note", ""))
        messages.success(request, _("Invitation declined."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("agency-invitations")


# -- justice bureau portal -------------------------------------------------------------------------------

REVIEW_PAGE_SIZE = listing.LIST_PAGE_SIZE


@justice_required
def review_queue(request):
    # Paged, each queue on its own: at city size the city bureau's queues hold hundreds of plans each (474 and
    # 318), and rendering every one with its form took a second a request.
    whitelist = listing.plan_page(
        selectors.review_queue(user=request.user), request.GET.get("page"), per_page=REVIEW_PAGE_SIZE, matter_names=True
    )
    green = listing.plan_page(
        selectors.post_review_queue(user=request.user),
        request.GET.get("green_page"),
        per_page=REVIEW_PAGE_SIZE,
        matters=False,  # the reason is shown instead
    )
    for page in (whitelist, green):
        listing.add_links(page.object_list, detail_url="justice-plan-detail", review_url="justice-plan-review")
    return render(request, "plans/review_queue.html", {"whitelist": whitelist, "green": green, "form": ReasonForm()})


@justice_required
def review_export(request):
    """Both queues of the review page as one CSV, the queue named in the first column."""

    def rows():
        for label, qs in ((_("Whitelist review"), selectors.review_queue(user=request.user)),
                          (_("Green channel"), selectors.post_review_queue(user=request.user))):
            for plan in rows_of(qs, lambda p: p):
                yield [str(label), plan.agency.name, plan.enterprise.name, plan.enterprise.uscc,
                       plan.window_start.isoformat(), plan.window_end.isoformat(),
                       "、".join(m.name for m in plan.matters.all()),
                       f"{plan.get_urgent_category_display()}:{plan.urgent_reason}" if plan.urgent else ""]

    header = [_("Queue"), _("Agency"), _("Enterprise"), _("Credit code"), _("Earliest visit date"),
              _("Latest visit date"), _("Matters"), _("Reason")]
    return csv_response("reviews.csv", [str(h) for h in header], rows())


@justice_required
@require_POST
def plan_review(request, pk):
    plan = plan_for_user(user=request.user, plan_id=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    decision = request.POST.get("decision")
    try:
        if decision in ("approve", "reject"):
            services.plan_review(
                actor=request.user, plan=plan, approve=decision == "approve", note=form.cleaned_data.get("note", "")
            )
        elif decision in ("justified", "unjustified"):
            services.plan_post_review(
                actor=request.user, plan=plan, justified=decision == "justified", note=form.cleaned_data.get("note", "")
            )
        else:
            raise DomainError(_("Choose a decision."))
        messages.success(request, _("Review recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if decision == "unjustified":  # the plan's page offers the supervision opinion that may follow
            return redirect("justice-plan-detail", pk=plan.pk)
    return redirect("justice-reviews")


def _statistics(request):
    by = request.GET.get("by") if request.GET.get("by") in DIMENSIONS else None
    scope = selectors.plan_scope_q(user=request.user)
    with replica_reads():
        grouped = plan_statistics(scope=scope, by=by) if by else None
        overall = grouped["overall"] if grouped else plan_statistics(scope=scope)
        remote = remote_check_figures(scope=scope, by=by)  # 非现场检查, their own figure (plans.remote)
    return render(
        request,
        "plans/statistics.html",
        {
            "overall": overall,
            "grouped": grouped,
            "by": by,
            "dimensions": DIMENSIONS,
            "remote": remote,
        },
    )


# -- enterprise portal -----------------------------------------------------------------------------------


@enterprise_required
def enterprise_caps_page(request):
    """检查频次上限: the enterprise sees its visits of the year beside the caps for its grade."""
    enterprise = require_enterprise(request.user)
    today = timezone.localdate()
    year = query_int(request.GET, "year", default=today.year, minimum=today.year - 5, maximum=today.year + 1)
    return render(request, "plans/enterprise_caps.html",
                  {"caps": enterprise_caps(enterprise=enterprise, today=today, year=year)})


@enterprise_required
def enterprise_visits(request):
    visits = listing.visit_values(selectors.upcoming_visits(user=request.user))
    rows = listing.visit_details(list(visits), checklist=True)
    return render(request, "plans/enterprise_visits.html", {"rows": rows})


@enterprise_required
def enterprise_visits_export(request):
    """The page's upcoming visits as CSV: read in chunks, each chunk's agencies and matters in one query each."""
    visits = listing.visit_values(selectors.upcoming_visits(user=request.user)).iterator(chunk_size=CHUNK)

    def rows():
        for chunk in chunks_of(visits):
            for task in listing.visit_details(chunk, checklist=True):
                yield [
                    task["visit_date"].isoformat(), _("Fixed") if task["fixed"] else _("May still move"),
                    "、".join(a["name"] for a in task["agencies"]), "、".join(m["name"] for m in task["checklist"]),
                ]

    header = [_("Visit date"), _("State"), _("Agencies"), _("Matters to be checked")]
    return csv_response("upcoming-inspections.csv", [str(h) for h in header], rows())


@enterprise_required
def enterprise_visit_detail(request, pk):
    task = joint_task_for_user(user=request.user, task_id=pk)
    task = selectors.task_with_details(task.pk)
    return render(request, "plans/enterprise_visit_detail.html", selectors.task_context(task))


@enterprise_required
def busy_periods(request):
    enterprise = require_enterprise(request.user)
    form = BusyPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            busy_period_declare(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Busy period declared. Visits not yet fixed avoid these dates."))
            return redirect("enterprise-busy-periods")
    today = timezone.localdate()
    periods = _busy_periods(enterprise, today)
    left = busy_days_left(enterprise_id=enterprise.pk, start=today)
    allowance = {"left": left, "cap": settings.BUSY_DAYS_MAX_PER_YEAR}
    return render(request, "plans/busy_periods.html", {"form": form, "periods": periods, "allowance": allowance})


def _busy_periods(enterprise, today):
    """The enterprise's busy periods not yet over, as the page lists them."""
    return BusyPeriod.objects.filter(enterprise=enterprise, end__gte=today)


@enterprise_required
def busy_periods_export(request):
    enterprise = require_enterprise(request.user)
    periods = _busy_periods(enterprise, timezone.localdate())
    header = [_("From"), _("To"), _("Reason")]
    return csv_response(
        "busy-periods.csv", [str(h) for h in header],
        rows_of(periods, lambda p: [p.start.isoformat(), p.end.isoformat(), p.reason]),
    )


@enterprise_required
@require_POST
def busy_period_delete(request, pk):
    enterprise = require_enterprise(request.user)
    period = BusyPeriod.objects.filter(pk=pk, enterprise=enterprise).first()
    if period is None:
        raise Http404
    try:
        busy_period_delete_service(actor=request.user, period=period)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Busy period removed."))
    return redirect("enterprise-busy-periods")


# The same pages under each portal's own prefix: an agency URL refuses the justice bureau and vice versa.
agency_plan_detail = agency_required(_plan_detail)
justice_plan_detail = justice_required(_plan_detail)
agency_task_list = agency_required(_task_list)
agency_task_export = agency_required(_task_export)
justice_task_list = justice_required(_task_list)
justice_task_export = justice_required(_task_export)
agency_task_detail = agency_required(_task_detail)
justice_task_detail = justice_required(_task_detail)
agency_statistics = agency_required(_statistics)
justice_statistics = justice_required(_statistics)
