from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin_mixins import AuditedModelAdmin, form_error_from_domain
from yantai_inspect.errors import DomainError

from .browser_sessions import browser_session_end, user_sessions_end
from .heads import agency_head_approval_set
from .models import Agency, ApiToken, BrowserSession, Department, RecoveryCode, RecoveryCodeDevice, User
from .services import agency_create, agency_rules_check, agency_update, user_create, user_role_check, user_role_flags
from .tokens import api_token_revoke


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["code", "name", "department", "level", "division", "parent", "is_justice_bureau",
                  "inspection_authority", "active", "plans_need_head_approval"]

    def clean(self):
        cleaned = super().clean()
        department, level, division = cleaned.get("department"), cleaned.get("level"), cleaned.get("division")
        if department and level and division:
            try:
                agency_rules_check(department=department, level=level, division=division,
                                   parent=cleaned.get("parent"), agency=self.instance,
                                   is_justice_bureau=cleaned.get("is_justice_bureau", False))
            except DomainError as exc:
                raise form_error_from_domain(self, exc)
        return cleaned


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    """Saves go through ``agency_create`` / ``agency_update`` (the form has already run their rule check, so
    the admin shows the same messages); deletions are audited by the mixin."""

    form = AgencyAdminForm
    list_display = ["name", "code", "department", "level", "division", "parent", "is_justice_bureau",
                    "inspection_authority", "active"]
    list_filter = ["level", "division", "department", "is_justice_bureau", "inspection_authority", "active"]
    list_select_related = ["department", "parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    ordering = ["division", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # the code is the agency's key: other records and the seed refer to it

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in
                  ("name", "department", "level", "division", "parent", "is_justice_bureau", "inspection_authority")}
        if change:
            saved = agency_update(actor=request.user, agency=obj, active=form.cleaned_data["active"], **fields)
        else:
            saved = agency_create(actor=request.user, code=form.cleaned_data["code"], **fields)
            if not form.cleaned_data["active"]:
                saved = agency_update(actor=request.user, agency=saved, active=False, **fields)
        agency_head_approval_set(actor=request.user, agency=saved,
                                 required=form.cleaned_data.get("plans_need_head_approval", False))
        obj.pk = saved.pk


class RoleRulesFormMixin:
    """Refuses the role/agency/certificate combinations that ``user_create`` refuses, with its messages."""

    def clean(self):
        cleaned = super().clean()
        if "role" in self.fields and "role" in cleaned:
            try:
                user_role_check(role=cleaned["role"], agency=cleaned.get("agency"),
                                certificate_number=(cleaned.get("certificate_number") or "").strip(),
                                user=self.instance, certificate_valid_from=cleaned.get("certificate_valid_from"),
                                certificate_valid_until=cleaned.get("certificate_valid_until"))
            except DomainError as exc:
                raise form_error_from_domain(self, exc)
        if cleaned.get("is_agency_head") and (cleaned.get("role") != User.Role.OFFICER or not cleaned.get("agency")):
            self.add_error("is_agency_head", _("Only an officer of an agency can be its head."))
        return cleaned


class UserAdminCreationForm(RoleRulesFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class UserAdminChangeForm(RoleRulesFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


PLATFORM_FIELDS = ("role", "agency", "full_name", "certificate_number", "certificate_issuer", "certificate_valid_from",
                   "certificate_valid_until", "phone")
NULLABLE_FIELDS = ("agency", "certificate_valid_from", "certificate_valid_until")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Platform role"), {"fields": (*PLATFORM_FIELDS, "is_agency_head")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Platform role"), {"classes": ("wide",), "fields": PLATFORM_FIELDS}),
    )
    list_display = ["username", "full_name", "role", "agency", "certificate_number", "certificate_valid_until",
                    "is_active"]
    list_filter = ["role", "agency", "is_active", "is_staff"]
    list_select_related = ["agency"]
    search_fields = ["username", "full_name", "certificate_number", "phone"]
    autocomplete_fields = ["agency"]
    actions = ["end_sessions"]

    @admin.action(description=_("End all sessions (browsers and apps)"), permissions=["change"])
    def end_sessions(self, request, queryset):
        """ASVS 5.0 7.4.5: every browser session and API token of the chosen users ends (audited per user)."""
        browsers = tokens = 0
        for user in queryset:
            ended = user_sessions_end(actor=request.user, user=user, reason="administrator")
            browsers, tokens = browsers + ended[0], tokens + ended[1]
        self.message_user(request, ngettext(
            "%(users)d user: %(browsers)d browser sessions and %(tokens)d app tokens ended.",
            "%(users)d users: %(browsers)d browser sessions and %(tokens)d app tokens ended.",
            len(queryset)) % {"users": len(queryset), "browsers": browsers, "tokens": tokens}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if change:
            # Role, agency and certificate were checked by the form with user_role_check; the mixin audits the
            # change (never the password).
            user_role_flags(obj)
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                if "is_active" in form.changed_data and not obj.is_active:
                    # Refused at their next request anyway (the backends read is_active); ended now so that the
                    # registry and the devices say so.
                    user_sessions_end(actor=request.user, user=obj, reason="deactivated")
            return
        usable = form.cleaned_data.get("usable_password") not in (False, "false")
        saved = user_create(
            actor=request.user,
            username=obj.username,
            password=form.cleaned_data.get("password1") if usable else None,
            **{name: form.cleaned_data.get(name) or (None if name in NULLABLE_FIELDS else "")
               for name in PLATFORM_FIELDS},
        )
        obj.pk, obj.password = saved.pk, saved.password
        obj.is_staff, obj.is_superuser = saved.is_staff, saved.is_superuser
        obj._state.adding = False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Devices logged in to the API. Read-only; deleting one logs that device out (through the service, audited)."""

    list_display = ["user", "device", "key_prefix", "created_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "device", "key_prefix"]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        api_token_revoke(actor=request.user, token_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for token in queryset:
            api_token_revoke(actor=request.user, token_id=token.pk)


@admin.register(BrowserSession)
class BrowserSessionAdmin(admin.ModelAdmin):
    """Browsers signed in. Read-only, the session key never shown; deleting one signs that browser out (through
    the service, audited). All of a user's: the action "end all sessions" on users."""

    list_display = ["user", "browser", "ip_address", "created_at", "last_seen_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__full_name", "ip_address"]
    fields = ["user", "user_agent", "ip_address", "created_at", "last_seen_at"]
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        browser_session_end(actor=request.user, session_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            browser_session_end(actor=request.user, session_id=row.pk)


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    """A user's recovery codes. Deleting it ends them (when a user reports them lost: check the person's identity
    first, docs/security.md); the user makes new ones on the two-factor page."""

    list_display = ["user", "name", "confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "name", "confirmed"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(admin.ModelAdmin):
    """Only digests are stored: nothing here can be read back into a code."""

    list_display = ["__str__"]
    list_select_related = ["device__user"]
    search_fields = ["device__user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
