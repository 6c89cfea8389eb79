from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyModelAdmin):
    """Background work is written by the services and claimed by the worker; the admin reads it."""

    list_display = ["id", "handler", "status", "attempts", "available_at", "processed_at"]
    list_filter = ["status", "handler"]
    search_fields = ["handler", "dedupe_key", "last_error"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

