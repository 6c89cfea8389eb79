from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """审计日志: who did what to which object, when, with the before/after or details.

    Append-only: the model refuses updates and deletes, and a database trigger refuses them
    too (see the migration), so not even a raw UPDATE through the ORM connection changes history.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_repr = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # set by the writer (it is hashed before the INSERT), hence no auto_now_add
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    # Whose entry it is, for scoping the readers (``selectors.audit_entries_for_user``): plain ids, not foreign
    # keys (the ground layer knows no agency or enterprise, and history outlives the rows it names). Filled
    # by ``audit_record`` from the object (its agency, its enterprise) and the actor (the actor's agency).
    agency_id = models.BigIntegerField(_("agency"), null=True, blank=True)
    actor_agency_id = models.BigIntegerField(_("actor's agency"), null=True, blank=True)
    division = models.CharField(_("administrative division"), max_length=6, blank=True, default="")
    enterprise_id = models.BigIntegerField(_("enterprise"), null=True, blank=True)
    # The chain (tamper evidence): ``seq`` counts the entries from 1 without a gap, ``hash`` is the SM3 of the
    # previous entry's hash and this entry's canonical content (``chain.entry_hash``).
    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, blank=True, editable=False)
    hash = models.CharField(_("chain hash"), max_length=64, blank=True, default="", editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # one per reader's scope, each in the list's order
            models.Index(fields=["agency_id", "-created_at", "-id"], name="audit_agency_recent"),
            models.Index(fields=["actor_agency_id", "-created_at", "-id"], name="audit_actor_agency_recent"),
            models.Index(fields=["division", "-created_at", "-id"], name="audit_division_recent"),
            models.Index(fields=["enterprise_id", "-created_at", "-id"], name="audit_enterprise_recent"),
            # the audit page's filters (portals.audit): by actor, by action
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time"),
            models.Index(fields=["action", "-created_at"], name="audit_action_time"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuditChainHead(models.Model):
    """The chain's last link (one row, id 1): its row lock serialises the writers so that the chain never
    forks, and reading it under that lock hands the writer the previous hash in the same statement. A
    database trigger advances it on every INSERT of entries (migration 0004), so a write costs the lock's
    SELECT and the INSERT."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"{self.seq} {self.hash}"
