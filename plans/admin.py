"""Plans and visits are changed only through the services (which enforce the 7-day rule, the reviews and
the matching); the admin reads them, with search and filters."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .models import Invitation, JointTask, Plan


class PlanInline(admin.TabularInline):
    model = Plan
    fields = ["agency", "status", "window_start", "window_end", "urgent"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyModelAdmin):
    list_display = [
        "id",
        "agency",
        "enterprise",
        "window_start",
        "window_end",
        "status",
        "urgent",
        "post_review",
        "joint_task",
        "filed_on",
    ]
    list_filter = ["status", "urgent", "post_review", "agency", "theme"]
    search_fields = ["enterprise__name", "enterprise__uscc", "agency__name", "urgent_reason", "campaign"]
    date_hierarchy = "filed_on"
    list_select_related = ["agency", "enterprise", "joint_task"]


@admin.register(JointTask)
class JointTaskAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "enterprise", "visit_date", "status", "fixed", "urgent", "lead_agency"]
    list_filter = ["status", "fixed", "urgent", "theme"]
    search_fields = ["enterprise__name", "enterprise__uscc", "lead_agency__name"]
    date_hierarchy = "visit_date"
    list_select_related = ["enterprise", "lead_agency"]
    inlines = [PlanInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "agency", "lead_plan", "deadline", "status"]
    list_filter = ["status"]
    search_fields = ["agency__name", "lead_plan__enterprise__name"]
