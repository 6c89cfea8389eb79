"""Portal pages of supervision opinions (行政执法监督): the justice bureau issues them from a plan, a visit, a
green-channel review or an upheld complaint, and accepts or returns the answers; the agency reads and answers
its own. Thin: forms parse, ``supervision.services`` decides, ``supervision.access`` finds the objects."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from accounts.access import agency_required, justice_required
from accounts.selectors import agencies_supervised_by, justice_bureau_for_division
from complaints.selectors import complaint_for_user
from plans.access import joint_task_for_user, plan_for_user
from plans.models import Plan
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.inputs import INT_MAX, query_int
from yantai_inspect.pagination import page_without_count

from . import selectors, services
from .access import opinion_for_user
from .forms import AnswerForm, OpinionForm, ReviewForm
from .models import Opinion


def _attach(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _list(request, qs):
    if request.GET.get("overdue") == "1":
        qs = qs.filter(overdue_since__isnull=False, status__in=Opinion.AWAITING_ANSWER)
    return qs


def subject_label(opinion: Opinion) -> str:
    """What the opinion is about, in a line: the subject's kind, its enterprise and its date."""
    if opinion.plan_id:
        return f"{opinion.get_subject_display()} #{opinion.plan_id} · {opinion.plan.enterprise.name}"
    if opinion.task_id:
        return (f"{opinion.get_subject_display()} {opinion.task.visit_date.isoformat()} · "
                f"{opinion.task.enterprise.name}")
    return f"{opinion.get_subject_display()} #{opinion.complaint_id} · {opinion.complaint.enterprise.name}"


def _rows(page):
    return [{"o": o, "subject": subject_label(o)} for o in page.object_list]


def _csv(opinions, *, view_as: str):
    def row(o):
        party = o.agency.name if view_as == "justice" else o.justice_bureau.name
        status = o.get_status_display() + (f" · {_('overdue')}" if o.overdue_since and o.awaits_answer else "")
        return [o.pk, o.issued_on.isoformat(), o.get_kind_display(), subject_label(o), party, status,
                o.due_on.isoformat(), o.answered_on.isoformat() if o.answered_on else ""]

    party = _("Agency") if view_as == "justice" else _("Justice bureau")
    header = ["#", _("Issued on"), _("Kind"), _("Subject"), party, _("Status"), _("Answer due by"), _("Answered on")]
    return csv_response("supervision-opinions.csv", [str(h) for h in header], rows_of(opinions, row))


# -- the justice bureau -------------------------------------------------------------------------------------


@justice_required
def justice_opinion_list(request):
    bureau = request.user.agency
    page = page_without_count(_list(request, selectors.opinions_for_bureau(bureau=bureau)),
                              request.GET.get("page"), 30)
    return render(request, "supervision/list.html", {
        "page": page, "rows": _rows(page), "view_as": "justice",
        "counts": _labelled(selectors.opinion_counts(justice_bureau=bureau)),
    })


def _labelled(counts):
    kinds, statuses = dict(Opinion.Kind.choices), dict(Opinion.Status.choices)
    return [{**c, "kind_display": kinds[c["kind"]], "status_display": statuses[c["status"]]} for c in counts]


@justice_required
def justice_opinion_export(request):
    return _csv(_list(request, selectors.opinions_for_bureau(bureau=request.user.agency)), view_as="justice")


def _subject_of(request):
    """The subject named in the query string (?plan=, ?task= or ?complaint=), read through the owning app's
    access function: a subject the bureau may not see is a 404."""
    user = request.user
    for name in ("plan", "task", "complaint"):
        pk = query_int(request.GET, name, minimum=1, maximum=INT_MAX)
        if pk is None:
            continue
        if name == "plan":
            plan = plan_for_user(user=user, plan_id=pk)
            unjustified = plan.urgent and plan.post_review == Plan.PostReview.UNJUSTIFIED
            return (Opinion.Subject.GREEN_CHANNEL if unjustified else Opinion.Subject.PLAN), {"plan": plan}
        if name == "task":
            return Opinion.Subject.VISIT, {"task": joint_task_for_user(user=user, task_id=pk)}
        return Opinion.Subject.COMPLAINT, {"complaint": complaint_for_user(user=user, complaint_id=pk)}
    raise DomainError(_("Open this page from a plan, a visit, a green-channel review or an upheld complaint."))


@justice_required
def justice_opinion_new(request):
    subject, objects = _subject_of(request)
    agencies = services.subject_agencies(**objects)
    bureau = request.user.agency
    if not agencies and subject == Opinion.Subject.COMPLAINT:
        agencies = list(agencies_supervised_by(justice_bureau=bureau).order_by("code"))
    # Only the agencies this bureau supervises are offered (the service refuses the others).
    concerned = len(agencies)
    agencies = [a for a in agencies if getattr(justice_bureau_for_division(a.division), "pk", None) == bureau.pk]
    form = OpinionForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opinion = services.opinion_issue(actor=request.user, kind=data["kind"], subject=subject,
                                             agency=data["agency"], text=data["text"],
                                             due_workdays=data["due_workdays"], **objects)
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Issued to %(agency)s; the answer is due by %(date)s.")
                             % {"agency": opinion.agency.name, "date": opinion.due_on.isoformat()})
            return redirect("justice-opinion-detail", pk=opinion.pk)
    subject_object = next(iter(objects.values()))
    return render(request, "supervision/new.html", {
        "form": form, "subject": subject, "subject_display": Opinion.Subject(subject).label,
        "subject_object": subject_object, "others_only": concerned and not agencies,
    }, status=400 if form.errors else 200)


@justice_required
def justice_opinion_detail(request, pk):
    opinion = opinion_for_user(user=request.user, opinion_id=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_review(actor=request.user, opinion=opinion,
                                    accept=form.cleaned_data["decision"] == "accept", note=form.cleaned_data["note"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Recorded; the agency sees it."))
            return redirect("justice-opinion-detail", pk=pk)
    return _detail(request, opinion, view_as="justice", form=form)


def _detail(request, opinion, *, view_as, form):
    return render(request, "supervision/detail.html", {
        "o": opinion, "subject": subject_label(opinion), "steps": opinion.steps.all(), "view_as": view_as,
        "form": form,
    }, status=400 if form.errors else 200)


# -- the agency ---------------------------------------------------------------------------------------------


@agency_required
def agency_opinion_list(request):
    page = page_without_count(_list(request, selectors.opinions_for_agency(agency=request.user.agency)),
                              request.GET.get("page"), 30)
    return render(request, "supervision/list.html", {"page": page, "rows": _rows(page), "view_as": "agency"})


@agency_required
def agency_opinion_export(request):
    return _csv(_list(request, selectors.opinions_for_agency(agency=request.user.agency)), view_as="agency")


@agency_required
def agency_opinion_detail(request, pk):
    opinion = opinion_for_user(user=request.user, opinion_id=pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_answer(actor=request.user, opinion=opinion, answer=form.cleaned_data["answer"])
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Answer sent to %(bureau)s.") % {"bureau": opinion.justice_bureau.name})
            return redirect("agency-opinion-detail", pk=pk)
    return _detail(request, opinion, view_as="agency", form=form)


urlpatterns = [
    path("justice/supervision/", justice_opinion_list, name="justice-opinions"),
    path("justice/supervision/export.csv", justice_opinion_export, name="justice-opinions-export"),
    path("justice/supervision/new/", justice_opinion_new, name="justice-opinion-new"),
    path("justice/supervision/<int:pk>/", justice_opinion_detail, name="justice-opinion-detail"),
    path("agency/supervision/", agency_opinion_list, name="agency-opinions"),
    path("agency/supervision/export.csv", agency_opinion_export, name="agency-opinions-export"),
    path("agency/supervision/<int:pk>/", agency_opinion_detail, name="agency-opinion-detail"),
]
