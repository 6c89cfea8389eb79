"""Plans and visits are changed only through the services (which enforce the 7-day rule, the reviews and
the matching); the admin reads them, with search and filters."""

from django import forms
from django.contrib import admin
from django.db import transaction

from audit.admin_mixins import ReadOnlyModelAdmin, form_error_from_domain
from enterprises.models import BusyPeriod
from yantai_inspect.errors import DomainError

from .busy import busy_period_check, busy_period_declare, busy_period_delete
from .models import (
    Invitation,
    JointTask,
    Participation,
    Plan,
    StatisticsAgencyMonth,
    StatisticsCell,
    StatisticsDirty,
    StatisticsMonthCell,
)


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


@admin.register(StatisticsCell)
class StatisticsCellAdmin(ReadOnlyModelAdmin):
    """The statistics' rollup, written only by ``plans.statistics`` (``manage.py statistics_rebuild`` repairs)."""

    list_display = ["day", "division", "agency", "theme", "plans", "visit_share", "joint_plans", "green_channel"]
    list_filter = ["division", "theme"]
    search_fields = ["agency__name"]
    date_hierarchy = "day"
    list_select_related = ["agency", "theme"]


@admin.register(StatisticsMonthCell)
class StatisticsMonthCellAdmin(ReadOnlyModelAdmin):
    """The statistics' month grain, derived from the day cells by ``plans.statistics``."""

    list_display = ["month", "division", "agency", "theme", "plans", "visit_share", "joint_plans", "green_channel"]
    list_filter = ["division", "theme"]
    search_fields = ["agency__name"]
    date_hierarchy = "month"
    list_select_related = ["agency", "theme"]


@admin.register(StatisticsAgencyMonth)
class StatisticsAgencyMonthAdmin(ReadOnlyModelAdmin):
    """The statistics' (agency, month) grain, derived from the month cells by ``plans.statistics``."""

    list_display = ["month", "agency", "plans", "visit_share", "joint_plans", "green_channel"]
    search_fields = ["agency__name"]
    date_hierarchy = "month"
    list_select_related = ["agency"]


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyModelAdmin):
    """Derived from the plans (``plans.participation``): read here, never written."""

    list_display = ["id", "agency", "joint_task", "visit_date"]
    search_fields = ["agency__name", "joint_task__enterprise__name", "joint_task__enterprise__uscc"]
    date_hierarchy = "visit_date"
    list_select_related = ["agency", "joint_task__enterprise"]


@admin.register(StatisticsDirty)
class StatisticsDirtyAdmin(ReadOnlyModelAdmin):
    """The division-days whose cells the compaction has yet to recompute (written by the writers, cleared by
    ``plans.statistics.cells_compact``); a long list means the job is not running."""

    list_display = ["id", "division", "day"]
    ordering = ["-id"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "agency", "lead_plan", "deadline", "status"]
    list_filter = ["status"]
    search_fields = ["agency__name", "lead_plan__enterprise__name"]


class BusyPeriodAdminForm(forms.ModelForm):
    class Meta:
        model = BusyPeriod
        fields = ["enterprise", "start", "end", "reason"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("enterprise") and cleaned.get("start") and cleaned.get("end"):
            try:
                busy_period_check(enterprise=cleaned["enterprise"], start=cleaned["start"], end=cleaned["end"])
            except DomainError as exc:
                raise form_error_from_domain(self, exc) from exc
        return cleaned


@admin.register(BusyPeriod)
class BusyPeriodAdmin(admin.ModelAdmin):
    """Busy periods are added and deleted through ``busy_period_declare`` / ``busy_period_delete`` (the
    90-day cap, the re-matching of visits, the audit entry); a period is not edited, only removed."""

    form = BusyPeriodAdminForm
    list_display = ["enterprise", "start", "end", "reason"]
    search_fields = ["enterprise__name", "enterprise__uscc", "reason"]
    date_hierarchy = "start"
    raw_id_fields = ["enterprise"]
    list_select_related = ["enterprise"]

    def get_readonly_fields(self, request, obj=None):
        return ["enterprise", "start", "end", "reason"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        period = busy_period_declare(
            actor=request.user, enterprise=obj.enterprise, start=obj.start, end=obj.end, reason=obj.reason
        )
        obj.pk = period.pk

    def delete_model(self, request, obj):
        busy_period_delete(actor=request.user, period=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for period in queryset.select_related("enterprise"):
                busy_period_delete(actor=request.user, period=period)

from .admin_random import *  # noqa: E402, F401, F403 - recusal and random checks, read only
from .admin_remote import *  # noqa: E402, F401, F403 - remote checks (非现场检查), read only
from .admin_yearly import *  # noqa: E402, F401, F403 - yearly plans, special inspections, read only
