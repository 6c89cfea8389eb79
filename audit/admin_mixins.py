"""Admin changes leave an audit entry like every other write.

Admin add/change/delete views already run inside a transaction; each hook below opens its own atomic
block anyway (a savepoint there) because the bulk "delete selected" action does not, and an audit
entry must commit or roll back with its change.
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction

from .services import audit_record

HIDDEN = "(hidden)"


def _is_secret(name: str) -> bool:
    return "password" in name


def _field_value(obj, name: str):
    """The audit form of field ``name`` of ``obj``: plain values as they are, a related object as its name."""
    if _is_secret(name):
        return HIDDEN
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.many_to_many:
        return sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
    if field.is_relation:
        related = getattr(obj, name, None)
        return str(related) if related is not None else None
    return getattr(obj, field.attname)


def _form_value(form, obj, name: str):
    """The value the form is saving. Many-to-many values are read from the form: the admin saves them
    after ``save_model``."""
    if _is_secret(name):
        return HIDDEN
    value = form.cleaned_data.get(name)
    if isinstance(value, (models.QuerySet, list, tuple)):
        return sorted(str(v) for v in value)
    return _field_value(obj, name)


def _model_fields(obj, names) -> list[str]:
    out = []
    for name in names:
        try:
            obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        out.append(name)
    return out


def _snapshot(obj) -> dict:
    return {f.name: _field_value(obj, f.name) for f in obj._meta.concrete_fields}


def form_error_from_domain(form, exc) -> ValidationError:
    """A DomainError raised in an admin form's ``clean`` as a form error, on its field when the form has it."""
    if exc.field and exc.field in form.fields:
        return ValidationError({exc.field: exc.message})
    return ValidationError(exc.message)


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes ``admin.<model>.add`` / ``.change`` / ``.delete`` audit entries for the admin's saves,
    deletions and inline changes, with the fields that changed (never a password)."""

    def _action(self, obj, verb: str) -> str:
        return f"admin.{obj._meta.model_name}.{verb}"

    def save_model(self, request, obj, form, change):
        names = _model_fields(obj, form.changed_data)
        before = {}
        if change and obj.pk:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                before = {name: _field_value(stored, name) for name in names}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                details = {
                    "changed": {
                        name: {"before": before.get(name), "after": _form_value(form, obj, name)} for name in names
                    }
                }
            else:
                details = {"values": {name: _form_value(form, obj, name) for name in names}}
            audit_record(
                actor=request.user, action=self._action(obj, "change" if change else "add"), obj=obj, details=details
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            # Recorded first: after the delete the object has no primary key left to name.
            audit_record(
                actor=request.user, action=self._action(obj, "delete"), obj=obj, details={"deleted": _snapshot(obj)}
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user, action=self._action(obj, "delete"), obj=obj, details={"deleted": _snapshot(obj)}
                )
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        deleted_pks = {id(f.instance): f.instance.pk for f in formset.deleted_forms if f.instance.pk}
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            parent = {"parent": str(form.instance)}
            for obj in formset.new_objects:
                audit_record(
                    actor=request.user,
                    action=self._action(obj, "add"),
                    obj=obj,
                    details={**parent, "values": _snapshot(obj)},
                )
            for obj, changed in formset.changed_objects:
                values = {name: _field_value(obj, name) for name in _model_fields(obj, changed)}
                audit_record(
                    actor=request.user,
                    action=self._action(obj, "change"),
                    obj=obj,
                    details={**parent, "changed": values},
                )
            for obj in formset.deleted_objects:
                obj.pk = deleted_pks.get(id(obj))  # deleting cleared it; the entry names the row that was
                audit_record(
                    actor=request.user,
                    action=self._action(obj, "delete"),
                    obj=obj,
                    details={**parent, "deleted": _snapshot(obj)},
                )


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """For records whose every change goes through a service (plans, visits, inspection records): the admin
    reads them, with search and filters, and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
