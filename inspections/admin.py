"""Inspection records carry legal weight: the admin may read them, never change or delete them. Every
change goes through the services, which refuse to touch a finalised record."""

from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin, ReadOnlyModelAdmin

from .models import (
    AgencyPaperPrefix,
    CheckIn,
    Finding,
    InspectionRecord,
    Objection,
    Paper,
    PaperCounter,
    Photo,
    RecordItem,
    Rectification,
    Signature,
)


class RecordItemInline(admin.TabularInline):
    model = RecordItem
    fields = ["matter", "result", "note"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InspectionRecord)
class InspectionRecordAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "task", "status", "finalised_at", "content_hash"]
    list_filter = ["status"]
    search_fields = ["task__enterprise__name", "task__enterprise__uscc", "content_hash"]
    inlines = [RecordItemInline]


@admin.register(RecordItem)
class RecordItemAdmin(ReadOnlyModelAdmin):
    list_display = ["record", "matter", "result"]
    list_filter = ["result"]
    search_fields = ["matter__name", "record__task__enterprise__name"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "task", "officer", "accepted", "refusal"]
    list_filter = ["accepted"]
    search_fields = ["officer__username", "officer__full_name", "task__enterprise__name"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "record", "agency", "severity", "deadline", "status"]
    list_filter = ["severity", "status", "agency"]
    search_fields = ["description", "record__task__enterprise__name"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "finding", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyModelAdmin):
    list_display = ["record", "signer", "signed_at", "refused", "content_hash"]
    list_filter = ["refused", "method"]


@admin.register(Photo)
class PhotoAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "content_type", "width", "height", "size", "uploaded_by", "uploaded_at"]


@admin.register(Paper)
class PaperAdmin(ReadOnlyModelAdmin):
    """The enforcement papers: issued by the services, never edited (their hash would no longer match)."""

    list_display = ["number", "kind", "agency", "enterprise", "record", "issued_at"]
    list_filter = ["kind", "year", "agency"]
    search_fields = ["number", "enterprise__name", "enterprise__uscc", "content_hash"]


@admin.register(PaperCounter)
class PaperCounterAdmin(ReadOnlyModelAdmin):
    list_display = ["agency", "year", "last"]
    list_filter = ["year"]
    search_fields = ["agency__name", "agency__code"]


@admin.register(AgencyPaperPrefix)
class AgencyPaperPrefixAdmin(AuditedModelAdmin):
    """The agency's short name in its paper numbers (e.g. 烟市监检): set by the administrator, audited."""

    list_display = ["agency", "prefix"]
    search_fields = ["agency__name", "agency__code", "prefix"]
    autocomplete_fields = ["agency"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyModelAdmin):
    """异议: filed by the enterprise, decided by someone not on the visit (``inspections.services.objections``)."""

    list_display = ["id", "record", "finding", "agency", "status", "filed_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["agency"]
    search_fields = ["record__task__enterprise__name", "text"]
