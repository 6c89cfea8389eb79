from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin, ReadOnlyModelAdmin
from plans.models import BurdenAlert

from .models import (
    Complaint,
    ComplaintPhoto,
    ComplaintStep,
    HotlineInbound,
    ServiceRequest,
    ServiceRequestReroute,
    ServiceRoute,
    VisitRating,
)


class StepInline(admin.TabularInline):
    model = ComplaintStep
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "status", "actor_repr", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyModelAdmin):
    """Complaints change only through their services (the bureau's pages, the API, the hotline); the admin
    reads them, with their steps and the 12345 delivery."""

    list_display = ["id", "enterprise", "kind", "status", "justice_bureau", "received_on", "reply_due",
                    "overdue_since", "hotline_delivery"]
    list_filter = ["status", "kind", "hotline_delivery"]
    list_select_related = ["enterprise", "justice_bureau"]
    search_fields = ["=hotline_ticket", "=enterprise__uscc", "enterprise__name"]
    readonly_fields = [f.name for f in Complaint._meta.fields]
    inlines = [StepInline]


@admin.register(HotlineInbound)
class HotlineInboundAdmin(ReadOnlyModelAdmin):
    list_display = ["update_id", "complaint", "received_at"]
    readonly_fields = [f.name for f in HotlineInbound._meta.fields]
    search_fields = ["=update_id"]


@admin.register(ComplaintStep)
class ComplaintStepAdmin(ReadOnlyModelAdmin):
    list_display = ["complaint", "action", "status", "actor_repr", "at"]
    list_select_related = ["complaint"]
    search_fields = ["=action", "actor_repr"]
    readonly_fields = [f.name for f in ComplaintStep._meta.fields]


@admin.register(ComplaintPhoto)
class ComplaintPhotoAdmin(ReadOnlyModelAdmin):
    list_display = ["complaint", "content_type", "size", "created_at"]
    search_fields = ["=sha256"]
    readonly_fields = [f.name for f in ComplaintPhoto._meta.fields]


@admin.register(ServiceRoute)
class ServiceRouteAdmin(AuditedModelAdmin):
    """Which department answers which kind of service request (for one division, or for all): data the
    platform's administrator keeps; every change is audited."""

    list_display = ["category", "division", "department"]
    list_filter = ["category"]
    list_select_related = ["department"]


class RerouteInline(admin.TabularInline):
    model = ServiceRequestReroute
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_agency", "to_agency", "by_agency", "rerouted_by", "reason"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "enterprise", "category", "agency", "status", "filed_on"]
    list_filter = ["status", "category"]
    list_select_related = ["enterprise", "agency"]
    search_fields = ["=enterprise__uscc"]
    readonly_fields = [f.name for f in ServiceRequest._meta.fields]
    inlines = [RerouteInline]


@admin.register(ServiceRequestReroute)
class ServiceRequestRerouteAdmin(ReadOnlyModelAdmin):
    """改派 steps (``services_requests.service_request_reroute``), read only."""

    list_display = ["at", "request", "from_agency", "to_agency", "by_agency"]
    list_select_related = ["request", "from_agency", "to_agency", "by_agency"]
    search_fields = ["=request__enterprise__uscc", "to_agency__name"]
    readonly_fields = [f.name for f in ServiceRequestReroute._meta.fields]


@admin.register(VisitRating)
class VisitRatingAdmin(ReadOnlyModelAdmin):
    list_display = ["task", "enterprise", "score", "rated_on"]
    list_filter = ["score"]
    list_select_related = ["enterprise", "task"]
    search_fields = ["=enterprise__uscc"]
    readonly_fields = [f.name for f in VisitRating._meta.fields]


@admin.register(BurdenAlert)
class BurdenAlertAdmin(ReadOnlyModelAdmin):
    """Visit-burden alerts (``plans.burden``), raised by the daily job; read here beside the enterprise's voice."""

    list_display = ["created_at", "kind", "enterprise", "agency", "justice_bureau", "visits"]
    list_filter = ["kind"]
    list_select_related = ["enterprise", "agency", "justice_bureau"]
    search_fields = ["=enterprise__uscc"]
    readonly_fields = [f.name for f in BurdenAlert._meta.fields]
