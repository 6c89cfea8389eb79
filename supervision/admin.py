from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .models import Opinion, OpinionStep


class StepInline(admin.TabularInline):
    model = OpinionStep
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "status", "actor_repr", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyModelAdmin):
    """Opinions change only through their services (the bureau's and the agency's pages, the API); the admin
    reads them with their steps."""

    list_display = ["id", "kind", "subject", "agency", "justice_bureau", "status", "issued_on", "due_on",
                    "overdue_since"]
    list_filter = ["kind", "subject", "status"]
    list_select_related = ["agency", "justice_bureau"]
    readonly_fields = [f.name for f in Opinion._meta.fields]
    inlines = [StepInline]


@admin.register(OpinionStep)
class OpinionStepAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "opinion", "action", "status", "actor_repr", "at"]
    list_filter = ["action", "status"]
    search_fields = ["actor_repr", "note"]
