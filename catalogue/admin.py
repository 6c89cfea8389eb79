from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedModelAdmin, form_error_from_domain
from yantai_inspect.errors import DomainError

from .models import Matter, ThematicChecklist, Theme
from .services import checklist_matters_check


@admin.register(Theme)
class ThemeAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "lead_department", "order"]
    list_filter = ["lead_department"]
    list_select_related = ["lead_department"]
    search_fields = ["code", "name"]
    filter_horizontal = ["participating_departments"]
    ordering = ["order", "code"]


@admin.register(Matter)
class MatterAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "department", "version", "effective_from", "effective_until", "active",
                    "remote_checkable"]
    list_filter = ["active", "remote_checkable", "department", "themes", "version"]
    list_select_related = ["department"]
    search_fields = ["code", "name", "standard", "legal_basis"]
    filter_horizontal = ["themes"]


class ThematicChecklistAdminForm(forms.ModelForm):
    class Meta:
        model = ThematicChecklist
        fields = ["code", "name", "theme", "matters"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("theme") and cleaned.get("matters") is not None:
            try:
                checklist_matters_check(theme=cleaned["theme"], matters=cleaned["matters"])
            except DomainError as exc:
                raise form_error_from_domain(self, exc)
        return cleaned


@admin.register(ThematicChecklist)
class ThematicChecklistAdmin(AuditedModelAdmin):
    form = ThematicChecklistAdminForm
    list_display = ["code", "name", "theme", "matter_count"]
    list_filter = ["theme"]
    list_select_related = ["theme"]
    search_fields = ["code", "name", "matters__name"]
    filter_horizontal = ["matters"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(matter_count=Count("matters", distinct=True))

    @admin.display(description=_("matters"), ordering="matter_count")
    def matter_count(self, obj):
        return obj.matter_count
