"""The sampling rates in the admin: checked by ``sampling_rate_check``, saved through ``sampling_rate_set``
(audited)."""

from django import forms
from django.contrib import admin

from audit.admin_mixins import form_error_from_domain
from yantai_inspect.errors import DomainError

from .sampling import SamplingRate, sampling_rate_check, sampling_rate_set


class SamplingRateAdminForm(forms.ModelForm):
    class Meta:
        model = SamplingRate
        fields = ["grade", "rate"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grade") and cleaned.get("rate") is not None:
            try:
                sampling_rate_check(grade=cleaned["grade"], rate=cleaned["rate"])
            except DomainError as exc:
                raise form_error_from_domain(self, exc)
        return cleaned


@admin.register(SamplingRate)
class SamplingRateAdmin(admin.ModelAdmin):
    form = SamplingRateAdminForm
    list_display = ["grade", "rate", "updated_at"]
    search_fields = ["grade"]
    readonly_fields = ["updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # a grade without a row takes the default rate: a rate is changed, never removed

    def save_model(self, request, obj, form, change):
        row = sampling_rate_set(actor=request.user, grade=obj.grade, rate=obj.rate)
        obj.pk, obj.updated_at = row.pk, row.updated_at
