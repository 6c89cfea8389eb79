from django import forms
from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin, ReadOnlyModelAdmin, form_error_from_domain
from yantai_inspect.errors import DomainError

from . import policy_admin  # noqa: F401  (the cap policy's read-only pages)
from .grades import credit_grade_check, credit_grade_record
from .models import CreditEvent, CreditGrade, CreditGradeImport, CreditProfile, WhitelistEntry
from .services import credit_profile_set, credit_whitelist_check


class CreditProfileAdminForm(forms.ModelForm):
    class Meta:
        model = CreditProfile
        fields = ["enterprise", "grade", "whitelisted"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grade"):
            try:
                credit_whitelist_check(grade=cleaned["grade"], whitelisted=cleaned.get("whitelisted", False))
            except DomainError as exc:
                raise form_error_from_domain(self, exc)
        return cleaned


@admin.register(CreditProfile)
class CreditProfileAdmin(AuditedModelAdmin):
    """Saves go through ``credit_profile_set`` (which keeps ``whitelisted_since`` and writes the audit
    entry); deletions are audited by the mixin."""

    form = CreditProfileAdminForm
    list_display = ["enterprise", "grade", "whitelisted", "whitelisted_since", "updated_at"]
    list_filter = ["grade", "whitelisted"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["whitelisted_since", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # A profile belongs to its enterprise for good; the grade and whitelist are what change.
        return [*self.readonly_fields, "enterprise"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        profile = credit_profile_set(actor=request.user, enterprise=obj.enterprise, grade=obj.grade,
                                     whitelisted=obj.whitelisted)
        obj.pk, obj.whitelisted_since, obj.updated_at = profile.pk, profile.whitelisted_since, profile.updated_at


class CreditGradeAdminForm(forms.ModelForm):
    class Meta:
        model = CreditGrade
        fields = ["enterprise", "grade", "source", "valid_from", "valid_to", "note"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            credit_grade_check(grade=cleaned.get("grade"), source=cleaned.get("source"),
                               valid_from=cleaned.get("valid_from"), valid_to=cleaned.get("valid_to"),
                               note=cleaned.get("note", ""))
        except DomainError as exc:
            raise form_error_from_domain(self, exc)
        return cleaned

    def validate_unique(self):
        """A grade of the same source and day replaces the earlier one (``credit_grade_record``)."""


@admin.register(CreditGrade)
class CreditGradeAdmin(admin.ModelAdmin):
    """The grade history. A grade is added through ``credit_grade_record`` (audited; the current grade is
    derived again, which ends a whitelist entry when it falls below A); rows are never changed or deleted: a
    correction is a new grade."""

    form = CreditGradeAdminForm
    list_display = ["enterprise", "grade", "source", "valid_from", "valid_to", "recorded_at"]
    list_filter = ["grade", "source"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]
    date_hierarchy = "valid_from"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        row = credit_grade_record(actor=request.user, enterprise=obj.enterprise, grade=obj.grade, source=obj.source,
                                  valid_from=obj.valid_from, valid_to=obj.valid_to, note=obj.note)
        obj.pk, obj.recorded_at = row.pk, row.recorded_at


@admin.register(WhitelistEntry)
class WhitelistEntryAdmin(ReadOnlyModelAdmin):
    """Proposed by the job, decided by the justice bureau, ended by the grade or a serious finding."""

    list_display = ["enterprise", "status", "proposed_on", "listed_on", "authority", "ended_on", "end_kind"]
    list_filter = ["status", "end_kind"]
    list_select_related = ["enterprise", "authority"]
    search_fields = ["enterprise__name", "enterprise__uscc"]


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyModelAdmin):
    list_display = ["enterprise", "kind", "occurred_on", "source_ref", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__uscc", "source_ref"]


from .sampling_admin import SamplingRateAdmin  # noqa: E402, F401 - the sampling rates' own admin


@admin.register(CreditGradeImport)
class CreditGradeImportAdmin(ReadOnlyModelAdmin):
    """Grade imports: uploaded, run and rerun from the justice portal or the API (``credit.importing``)."""

    list_display = ["id", "file_name", "status", "runs", "total_lines", "created", "updated", "bad", "uploaded_at"]
    list_filter = ["status"]
    search_fields = ["file_name"]
