from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    """Notifications are sent by the services (deduplicated, on commit); the admin reads them."""

    list_display = ["created_at", "kind", "title", "agency", "enterprise", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "body", "dedupe_key"]
    raw_id_fields = ["agency", "enterprise"]
