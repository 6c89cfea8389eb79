from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "title", "agency", "enterprise", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "body", "dedupe_key"]
    raw_id_fields = ["agency", "enterprise"]
