from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("supervision matter")
        verbose_name_plural = _("supervision matters")
        ordering = ["code"]

    def __str__(self):
        return self.name


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
