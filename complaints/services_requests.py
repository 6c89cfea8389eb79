"""入市第一课 / 服务诉求: during or after a visit the enterprise asks for help (brand building, IP protection,
compliance guidance, financing, other). The request is routed by its category and the enterprise's division
(``ServiceRoute``, data edited in the admin) to one agency, which answers it; a request that reached the wrong
agency is re-routed (改派) to another by that agency or by the justice bureau of the enterprise's division; the
enterprise (or the agency, once answered) closes it. Every step audited, each side told."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import AGENCY, ENTERPRISE, JUSTICE, portal_of, require_justice, require_officer
from accounts.divisions import CITY_CODE
from accounts.models import Agency, Department
from accounts.selectors import justice_bureau_for_division
from audit.services import audit_record
from enterprises.access import require_enterprise
from notifications.services import notification_send, notifications_resolve
from yantai_inspect.errors import DomainError

from .models import ServiceRequest, ServiceRequestReroute, ServiceRoute

TEXT_MAX = 4000


def _text(text: str, *, field: str, required: bool = True) -> str:
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise DomainError(_("This field is required."), field=field)
    if len(text) > TEXT_MAX:
        raise DomainError(_("At most %(n)d characters.") % {"n": TEXT_MAX}, field=field)
    return text


def service_request_route(*, category: str, division: str) -> Agency:
    """The agency that answers ``category`` for an enterprise of ``division``: the route of that division, else
    the route for every division, names a department; its active agency in the division answers, else the
    city's. Refused when no route or agency exists (the admin adds one)."""
    routes = {r.division: r.department_id for r in ServiceRoute.objects.filter(category=category,
                                                                                 division__in=[division, ""])}
    department_id = routes.get(division) or routes.get("")
    if department_id is not None:
        agencies = {a.division: a for a in Agency.objects.filter(
            department_id=department_id, active=True, is_justice_bureau=False, division__in=[division, CITY_CODE])}
        agency = agencies.get(division) or agencies.get(CITY_CODE)
        if agency is not None:
            return agency
    raise DomainError(_("No agency answers this kind of request in your area yet; choose another kind."),
                      field="category")


@transaction.atomic
def service_request_file(*, actor, category: str, text: str, task=None) -> ServiceRequest:
    """The enterprise asks for help, from its portal or one of its visits; routed to one agency."""
    enterprise = require_enterprise(actor)
    if category not in ServiceRequest.Category.values:
        raise DomainError(_("Choose the kind of help."), field="category")
    text = _text(text, field="text")
    if task is not None and task.enterprise_id != enterprise.pk:
        raise DomainError(_("This visit is not one of your enterprise's."), field="task")
    agency = service_request_route(category=category, division=enterprise.division)
    request = ServiceRequest.objects.create(
        enterprise=enterprise, filed_by=actor, task=task, category=category, text=text, agency=agency,
        division=enterprise.division, filed_on=timezone.localdate(),
    )
    audit_record(actor=actor, action="service_request.file", obj=request,
                 details={"category": category, "task": getattr(task, "pk", None), "regulator": agency.code})
    notification_send(
        dedupe_key=f"service-request:{request.pk}:agency", agency=agency,
        title=_("%(enterprise)s asks for help: %(category)s")
        % {"enterprise": enterprise.name, "category": request.get_category_display()},
        body=text[:200], link=f"/agency/service-requests/{request.pk}/",
    )
    return request


def _lock(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().select_related("enterprise", "agency").get(pk=request.pk)


@transaction.atomic
def service_request_answer(*, actor, request: ServiceRequest, answer: str) -> ServiceRequest:
    """An officer of the agency it is routed to answers (again, while it is not closed: the latest answer
    stands, each one audited)."""
    agency = require_officer(actor)
    answer = _text(answer, field="answer")
    request = _lock(request)
    if request.agency_id != agency.pk:
        raise PermissionDenied(_("This request is answered by another agency."))
    if request.status == ServiceRequest.Status.CLOSED:
        raise DomainError(_("The request is closed."))
    request.status = ServiceRequest.Status.ANSWERED
    request.answer, request.answered_by, request.answered_at = answer, actor, timezone.now()
    request.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="service_request.answer", obj=request, details={"answer": answer[:500]})
    notification_send(
        dedupe_key=f"service-request:{request.pk}:answer:{request.answered_at.isoformat()}",
        enterprise=request.enterprise,
        title=_("%(agency)s answered your request #%(n)s") % {"agency": request.agency.name, "n": request.pk},
        body=answer[:200], link=f"/enterprise/service-requests/{request.pk}/",
    )
    return request


@transaction.atomic
def service_request_close(*, actor, request: ServiceRequest, note: str = "") -> ServiceRequest:
    """Closed by the enterprise (its need met, or no longer there) at any time, or by the agency once it has
    answered."""
    request = _lock(request)
    if portal_of(actor) == ENTERPRISE:
        if require_enterprise(actor).pk != request.enterprise_id:
            raise PermissionDenied(_("This request is another enterprise's."))
    else:
        if require_officer(actor).pk != request.agency_id:
            raise PermissionDenied(_("This request is answered by another agency."))
        if request.status != ServiceRequest.Status.ANSWERED:
            raise DomainError(_("Answer the request before closing it."))
    if request.status == ServiceRequest.Status.CLOSED:
        raise DomainError(_("The request is closed."))
    note = _text(note, field="note", required=False)
    request.status, request.closed_at = ServiceRequest.Status.CLOSED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="service_request.close", obj=request, details={"note": note})
    if portal_of(actor) == ENTERPRISE:
        notification_send(dedupe_key=f"service-request:{request.pk}:closed", agency=request.agency,
                          title=_("Request #%(n)s closed by the enterprise") % {"n": request.pk}, body=note,
                          link=f"/agency/service-requests/{request.pk}/")
    else:
        notification_send(dedupe_key=f"service-request:{request.pk}:closed", enterprise=request.enterprise,
                          title=_("Your request #%(n)s was closed") % {"n": request.pk}, body=note,
                          link=f"/enterprise/service-requests/{request.pk}/")
    return request


def require_rerouter(actor, request: ServiceRequest) -> Agency:
    """Who may re-route a request: an officer of the agency it is routed to, or the staff of the justice bureau
    responsible for the enterprise's division (``justice_bureau_for_division``: the district's own, else the
    city's). Returns the actor's agency or bureau; refused otherwise."""
    if portal_of(actor) == JUSTICE:
        bureau = require_justice(actor)
        responsible = justice_bureau_for_division(request.division)
        if responsible is None or responsible.pk != bureau.pk:
            raise PermissionDenied(_("This request is in the area of another justice bureau."))
        return bureau
    if portal_of(actor) != AGENCY:
        raise PermissionDenied(_("Only the agency handling the request or the justice bureau can re-route it."))
    agency = require_officer(actor)
    if agency.pk != request.agency_id:
        raise PermissionDenied(_("This request is answered by another agency."))
    return agency


def reroute_targets(request: ServiceRequest):
    """The agencies a request may be re-routed to: those that may answer for the enterprise's area, as the
    routing does (an active agency of the enterprise's division or of the city, not a justice bureau), other
    than the one it is routed to now."""
    return (Agency.objects.filter(active=True, is_justice_bureau=False, division__in=[request.division, CITY_CODE])
            .exclude(pk=request.agency_id).order_by("division", "code"))


@transaction.atomic
def service_request_reroute(*, actor, request: ServiceRequest, agency: Agency, reason: str) -> ServiceRequest:
    """改派: a request still waiting for an answer that reached the wrong agency goes to another one
    (``reroute_targets``), with a reason, by the agency it is routed to or the justice bureau of the
    enterprise's division (``require_rerouter``). The step stays on the request for the enterprise to see; the
    new agency is told, and the enterprise; the old agency's notice of it is no longer news."""
    request = _lock(request)
    by_agency = require_rerouter(actor, request)
    reason = _text(reason, field="reason")
    if request.status != ServiceRequest.Status.OPEN:
        raise DomainError(_("Only a request still waiting for an answer can be re-routed."))
    if agency is None or not reroute_targets(request).filter(pk=agency.pk).exists():
        raise DomainError(_("Choose another active agency that serves the enterprise's area."), field="agency")
    previous = request.agency
    request.agency = agency
    request.save(update_fields=["agency"])
    reroute = ServiceRequestReroute.objects.create(request=request, from_agency=previous, to_agency=agency,
                                                   by_agency=by_agency, rerouted_by=actor, reason=reason)
    audit_record(actor=actor, action="service_request.reroute", obj=request,
                 details={"from": previous.code, "to": agency.code, "reason": reason})
    notifications_resolve(keys=[f"service-request:{request.pk}:agency",
                                *(f"service-request:{request.pk}:agency:{pk}" for pk in
                                  request.reroutes.exclude(pk=reroute.pk).values_list("pk", flat=True))])
    notification_send(
        dedupe_key=f"service-request:{request.pk}:agency:{reroute.pk}", agency=agency,
        title=_("%(enterprise)s asks for help: %(category)s (re-routed by %(by)s)")
        % {"enterprise": request.enterprise.name, "category": request.get_category_display(), "by": by_agency.name},
        body=f"{reason[:200]}\n\n{request.text[:200]}", link=f"/agency/service-requests/{request.pk}/",
    )
    notification_send(
        dedupe_key=f"service-request:{request.pk}:reroute:{reroute.pk}", enterprise=request.enterprise,
        title=_("Your request #%(n)s now goes to %(agency)s") % {"n": request.pk, "agency": agency.name},
        body=reason[:200], link=f"/enterprise/service-requests/{request.pk}/",
    )
    return request


# Who answers what, unless the administrator says otherwise (the admin's ServiceRoute list): brands and
# intellectual property are the market regulator's (the IP office is part of it), compliance guidance too;
# financing is human resources and social security's (创业担保贷款, the start-up guaranteed loans).
DEFAULT_ROUTES = {
    ServiceRequest.Category.BRAND: "market",
    ServiceRequest.Category.IP: "market",
    ServiceRequest.Category.COMPLIANCE: "market",
    ServiceRequest.Category.FINANCING: "hrss",
    ServiceRequest.Category.OTHER: "market",
}


@transaction.atomic
def service_routes_seed_defaults(*, actor=None) -> int:
    """The default routes for every division, for the departments that exist; a route already there (the
    administrator's) is left alone. Returns how many were added."""
    departments = {d.code: d for d in Department.objects.filter(code__in=set(DEFAULT_ROUTES.values()))}
    added = 0
    for category, code in DEFAULT_ROUTES.items():
        if code not in departments or ServiceRoute.objects.filter(category=category, division="").exists():
            continue
        route = ServiceRoute.objects.create(category=category, division="", department=departments[code])
        audit_record(actor=actor, action="service_route.create", obj=route,
                     details={"category": category, "department": code})
        added += 1
    return added
