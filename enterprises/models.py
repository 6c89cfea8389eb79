from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.divisions import DIVISIONS

from .industries import INDUSTRIES
from .uscc import validate_uscc


class Enterprise(models.Model):
    """经营主体: a regulated enterprise, identified by its unified social credit code."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    division = models.CharField(_("administrative division"), max_length=6, choices=DIVISIONS, db_index=True)
    industry = models.CharField(_("industry"), max_length=1, choices=INDUSTRIES, blank=True)
    themes = models.ManyToManyField("catalogue.Theme", verbose_name=_("themes"), blank=True, related_name="enterprises")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["uscc"]
        # A district's enterprises in code order: its lists, and its search walking that order.
        indexes = [
            models.Index(fields=["division", "uscc"], name="enterprise_division_code"),
            # A district's enterprise ids from the index alone, for counts joined by enterprise (the whitelist's
            # size by division: ``credit.CreditProfile``'s ``creditprofile_whitelist``).
            models.Index(fields=["division", "id"], name="enterprise_division_id"),
        ]

    def __str__(self):
        return self.name


class EnterpriseAccount(models.Model):
    """Ties an enterprise account (a user with role ``enterprise``) to the one enterprise it acts for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="enterprise_account"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="accounts"
    )

    class Meta:
        verbose_name = _("enterprise account")
        verbose_name_plural = _("enterprise accounts")

    def __str__(self):
        return f"{self.user} → {self.enterprise}"


class BusyPeriod(models.Model):
    """Dates the enterprise asks not to be visited (production peaks); the scheduler avoids them."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="busy_periods"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("busy period")
        verbose_name_plural = _("busy periods")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="busy_period_ordered")
        ]

    def __str__(self):
        return f"{self.start} – {self.end}"


class Licence(models.Model):
    """资质 / 证照: a licence held by the enterprise, with its validity."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="licences"
    )
    licence_type = models.CharField(_("licence type"), max_length=100)
    number = models.CharField(_("licence number"), max_length=100)
    issuing_agency = models.CharField(_("issuing agency"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), db_index=True)
    # The expiry date the warning job last warned about (its claim, set in the batch's transaction): the
    # licence is due again only when ``valid_to`` moves (a renewal), so a run reads today's new work only.
    expiry_warned_for = models.DateField(_("expiry warned about"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["valid_to"]
        indexes = [
            # The warning job's selection (enterprises.licences): the licences not yet warned about for their
            # expiry date, by date. Without it the planner walks the primary key over every licence (1 s a
            # batch at city size): it cannot know that nearly all licences of the month are warned already.
            models.Index(fields=["valid_to"], condition=~models.Q(expiry_warned_for=models.F("valid_to")),
                         name="licence_expiry_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "licence_type", "number"], name="unique_licence"),
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="licence_validity_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.licence_type} {self.number}"

    @property
    def expiry_state(self) -> str:
        """"expired", "soon" (within the warning period) or "" — for display; the warning job decides alone."""
        from django.conf import settings
        from django.utils import timezone

        days_left = (self.valid_to - timezone.localdate()).days
        if days_left < 0:
            return "expired"
        return "soon" if days_left <= settings.LICENCE_WARNING_DAYS else ""
