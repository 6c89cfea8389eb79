"""The cap policy in the admin: read only. Versions are set by the city justice bureau through
``credit.policy.cap_policy_set`` (its portal page and the API), never edited."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .policy import CapPolicy, CapRule


class CapRuleInline(admin.TabularInline):
    model = CapRule
    extra = 0
    can_delete = False
    fields = readonly_fields = ["scope", "agency", "tier", "limit", "over_cap"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CapPolicy)
class CapPolicyAdmin(ReadOnlyModelAdmin):
    list_display = ["effective_from", "created_by", "created_at", "note"]
    search_fields = ["note"]
    inlines = [CapRuleInline]


@admin.register(CapRule)
class CapRuleAdmin(ReadOnlyModelAdmin):
    list_display = ["policy", "scope", "agency", "tier", "limit", "over_cap"]
    list_filter = ["scope", "tier", "over_cap"]
    list_select_related = ["policy", "agency"]
    search_fields = ["agency__name", "agency__code"]
