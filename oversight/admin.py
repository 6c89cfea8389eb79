"""The stored monthly reports in the admin: read only (``oversight.services.monthly_report_store`` writes them)."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .models import MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyModelAdmin):
    list_display = ["month", "size", "anchor_seq", "anchor_date", "generated_at"]
    search_fields = ["anchor_hash"]
