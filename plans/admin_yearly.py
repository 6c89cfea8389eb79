"""Yearly plans, special inspections and their quotas in the admin: read only (every change goes through
``plans.yearly`` and ``plans.special``, which audit it)."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .models import SpecialCampaign, SpecialQuota, YearlyPlan, YearlyPlanLine, YearlyPlanReminder


@admin.register(YearlyPlan)
class YearlyPlanAdmin(ReadOnlyModelAdmin):
    list_display = ["title", "agency", "year", "status", "published_on", "late"]
    list_filter = ["status", "late", "year"]
    list_select_related = ["agency"]
    search_fields = ["title", "agency__name", "agency__code"]


@admin.register(YearlyPlanLine)
class YearlyPlanLineAdmin(ReadOnlyModelAdmin):
    list_display = ["plan", "matter", "division", "industry", "visits", "deadline"]
    list_select_related = ["plan", "matter"]
    search_fields = ["plan__title", "matter__code", "matter__name"]


@admin.register(SpecialCampaign)
class SpecialCampaignAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "code", "agency", "year", "status", "approver", "requested_at", "decided_at"]
    list_filter = ["status", "year"]
    list_select_related = ["agency", "approver"]
    search_fields = ["name", "code", "agency__name"]


@admin.register(SpecialQuota)
class SpecialQuotaAdmin(ReadOnlyModelAdmin):
    list_display = ["year", "agency", "quota", "set_at", "set_by"]
    list_filter = ["year"]
    list_select_related = ["agency", "set_by"]
    search_fields = ["agency__name", "agency__code", "note"]


@admin.register(YearlyPlanReminder)
class YearlyPlanReminderAdmin(ReadOnlyModelAdmin):
    list_display = ["agency", "year", "stage", "sent_at"]
    list_filter = ["year", "stage"]
    list_select_related = ["agency"]
    search_fields = ["agency__name", "agency__code"]
