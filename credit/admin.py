from django import forms
from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin, form_error_from_domain
from yantai_inspect.errors import DomainError

from . import policy_admin  # noqa: F401  (the cap policy's read-only pages)
from .models import CreditProfile
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
