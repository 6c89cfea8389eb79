from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "handler", "status", "attempts", "available_at", "processed_at"]
    list_filter = ["status", "handler"]
    search_fields = ["handler", "dedupe_key", "last_error"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False
