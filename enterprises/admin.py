import datetime

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import remove_perm

from accounts.models import User
from audit.admin_mixins import AuditedModelAdmin

from .models import BusyPeriod, Enterprise, EnterpriseAccount, Licence
from .services import ENTERPRISE_FIELDS, enterprise_account_link, enterprise_create, enterprise_update
from .uscc import normalise_uscc


class LicenceInline(admin.TabularInline):
    model = Licence
    extra = 0
    fields = ["licence_type", "number", "issuing_agency", "valid_from", "valid_to"]


class BusyPeriodInline(admin.TabularInline):
    """Shown, not edited here: declaring or removing a busy period re-matches the visits, so it goes through
    the plans app's services (its own admin page, ``plans.admin.BusyPeriodAdmin``)."""

    model = BusyPeriod
    extra = 0
    fields = ["start", "end", "reason"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "legal_representative", "address", "division", "industry", "themes"]

    def clean_uscc(self):
        return normalise_uscc(self.cleaned_data.get("uscc"))


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    form = EnterpriseAdminForm
    list_display = ["name", "uscc", "division", "industry", "legal_representative"]
    list_filter = ["division", "industry", "themes"]
    search_fields = ["uscc", "name", "legal_representative"]
    filter_horizontal = ["themes"]
    inlines = [LicenceInline, BusyPeriodInline]

    def get_readonly_fields(self, request, obj=None):
        # The credit code identifies the enterprise; enterprise_update refuses to change it too.
        return ["uscc"] if obj else []

    def save_model(self, request, obj, form, change):
        """Through ``enterprise_create`` / ``enterprise_update`` (their audit entry, their rules)."""
        data = {name: form.cleaned_data[name] for name in ENTERPRISE_FIELDS if name in form.cleaned_data}
        themes = list(form.cleaned_data.get("themes", []))
        if change:
            data.pop("uscc", None)
            stored = Enterprise.objects.get(pk=obj.pk)
            saved = enterprise_update(actor=request.user, enterprise=stored, themes=themes, **data)
        else:
            saved = enterprise_create(actor=request.user, themes=themes, **data)
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # The themes were set by the service; only the inlines (audited by the mixin) are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class LicenceExpiryFilter(admin.SimpleListFilter):
    """Expired / due for the expiry warning (资质临期预警, LICENCE_WARNING_DAYS ahead) / valid."""

    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("expired", _("Expired")), ("expiring", _("Expiring soon")), ("valid", _("Valid"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        horizon = today + datetime.timedelta(days=settings.LICENCE_WARNING_DAYS)
        if self.value() == "expired":
            return queryset.filter(valid_to__lt=today)
        if self.value() == "expiring":
            return queryset.filter(valid_to__gte=today, valid_to__lte=horizon)
        if self.value() == "valid":
            return queryset.filter(valid_to__gt=horizon)
        return queryset


@admin.register(Licence)
class LicenceAdmin(AuditedModelAdmin):
    list_display = ["enterprise", "licence_type", "number", "issuing_agency", "valid_from", "valid_to"]
    list_filter = [LicenceExpiryFilter, "valid_to", "licence_type"]
    list_select_related = ["enterprise"]
    search_fields = ["number", "licence_type", "enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]
    date_hierarchy = "valid_to"


@admin.register(EnterpriseAccount)
class EnterpriseAccountAdmin(AuditedModelAdmin):
    """Links go through ``enterprise_account_link``, which also grants the guardian object permission
    the enterprise portal relies on; a link is not edited, only added or removed."""

    list_display = ["user", "enterprise"]
    list_select_related = ["user", "enterprise"]
    search_fields = ["user__username", "user__full_name", "enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["user", "enterprise"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "enterprise"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=User.Role.ENTERPRISE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return
        account = enterprise_account_link(actor=request.user, user=obj.user, enterprise=obj.enterprise)
        obj.pk = account.pk

    def _unlink(self, obj):
        remove_perm("enterprises.view_enterprise", obj.user, obj.enterprise)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._unlink(obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset.select_related("user", "enterprise"):
                self._unlink(obj)
            super().delete_queryset(request, queryset)
