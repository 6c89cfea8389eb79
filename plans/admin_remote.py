"""Remote checks (非现场检查) in the admin: read only (the request is opened by ``plan_file``, answered and
concluded through ``inspections.services.remote``, closed as overdue by the daily step)."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .models import RemoteCheck, RemoteEvidence


@admin.register(RemoteCheck)
class RemoteCheckAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "agency", "enterprise", "requested_on", "deadline", "status"]
    list_filter = ["status"]
    list_select_related = ["agency", "enterprise"]
    search_fields = ["enterprise__name", "enterprise__uscc", "agency__name"]


@admin.register(RemoteEvidence)
class RemoteEvidenceAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "remote_check", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["remote_check__enterprise__name", "sha256"]
