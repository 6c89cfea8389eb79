import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The day the catalogue's first version took effect: matters loaded without dates (and every matter before
# versions existed, migration 0002) are version 1 in force from then on.
FIRST_PUBLISHED = dt.date(2024, 1, 1)


class Theme(models.Model):
    """One of the seven inspection themes (主题), led by its competent department."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    lead_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="led_themes"
    )
    participating_departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("participating departments"), blank=True, related_name="themes"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Matter(models.Model):
    """监管事项 / 检查事项: what is checked, its published standard and its legal basis."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("owning department"), on_delete=models.PROTECT, related_name="matters"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="matters")
    standard = models.TextField(_("inspection standard"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    # 清单之外无检查: the published list is versioned. A matter is planned only on days it is in force
    # (``in_force_on``); a new version of its standard is a new row (its own code) taking effect the day
    # after this one ends.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("in force from"), default=FIRST_PUBLISHED)
    effective_until = models.DateField(_("in force until"), null=True, blank=True,
                                       help_text=_("Empty: in force until further notice."))
    # 能非现场的不进企业: a matter checked on documents or photos the enterprise sends (a licence, a record, a
    # report) instead of on site. Each version carries its own flag; a plan whose matters all have it is a
    # remote check unless it says why a visit is needed (``plans.remote``).
    remote_checkable = models.BooleanField(
        _("checkable remotely"), default=False,
        help_text=_("Can be checked on documents or photos sent by the enterprise, without a visit."),
    )

    class Meta:
        verbose_name = _("supervision matter")
        verbose_name_plural = _("supervision matters")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True) | Q(effective_until__gte=F("effective_from")),
                name="matter_in_force_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def in_force_on(self, day: dt.date) -> bool:
        """On the published list that day: active, effective, not yet ended. The query form is
        ``matters_in_force_q``."""
        return self.active and self.effective_from <= day and (self.effective_until is None
                                                               or day <= self.effective_until)


def matters_in_force_q(on: dt.date, prefix: str = "") -> Q:
    """The query form of ``Matter.in_force_on``."""
    path = f"{prefix}__" if prefix else ""
    return Q(**{f"{path}active": True, f"{path}effective_from__lte": on}) & (
        Q(**{f"{path}effective_until__isnull": True}) | Q(**{f"{path}effective_until__gte": on})
    )


class ThematicChecklist(models.Model):
    """主题式清单: the matters checked together on one kind of joint visit under a theme."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="checklists")
    matters = models.ManyToManyField(Matter, verbose_name=_("matters"), related_name="checklists")

    class Meta:
        verbose_name = _("thematic checklist")
        verbose_name_plural = _("thematic checklists")
        ordering = ["theme__order", "code"]

    def __str__(self):
        return self.name
