from django.db import models
from django.utils.translation import gettext_lazy as _

from .policy import CapPolicy, CapRule  # noqa: F401  (the cap policy tables live in credit/policy.py)


class CreditProfile(models.Model):
    """信用等级 and 白名单 status of an enterprise; inspection is differentiated by it."""

    class Grade(models.TextChoices):
        A = "A", _("A – good credit")
        B = "B", _("B – fair credit")
        C = "C", _("C – poor credit")
        D = "D", _("D – serious dishonesty")

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="credit"
    )
    grade = models.CharField(_("credit grade"), max_length=1, choices=Grade.choices, default=Grade.B)
    whitelisted = models.BooleanField(_("whitelisted"), default=False, db_index=True)
    whitelisted_since = models.DateField(_("whitelisted since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("credit profile")
        verbose_name_plural = _("credit profiles")

    def __str__(self):
        return f"{self.enterprise} {self.grade}"
