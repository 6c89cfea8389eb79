"""The sampling-rate policy of random checks (双随机抽查比例), by credit grade: the chance that an enterprise of
each grade is drawn in a random-check campaign. Kept apart from the yearly caps: a different rule.

The rates in force are the table's rows over ``DEFAULT_RATES``; a campaign copies them into its population
snapshot when it is committed, so a later change never alters a published draw."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import require_portal
from accounts.divisions import CITY_CODE
from audit.services import audit_record
from yantai_inspect.errors import DomainError

GRADES = ("A", "B", "C", "D")
DEFAULT_GRADE = "B"  # an enterprise without a credit profile is sampled as grade B (CreditProfile's default)
DEFAULT_RATES = {"A": Decimal("0.03"), "B": Decimal("0.10"), "C": Decimal("0.30"), "D": Decimal("1")}


class SamplingRate(models.Model):
    """抽查比例: the share of a grade's enterprises a random-check campaign draws."""

    grade = models.CharField(gettext_lazy("credit grade"), max_length=1, unique=True)
    rate = models.DecimalField(
        gettext_lazy("sampling rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=gettext_lazy("Between 0 and 1, e.g. 0.1 for 10 %."),
    )
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        app_label = "credit"
        verbose_name = gettext_lazy("sampling rate")
        verbose_name_plural = gettext_lazy("sampling rates")
        ordering = ["grade"]

    def __str__(self):
        return f"{self.grade} {self.rate}"


def sampling_rates() -> dict[str, Decimal]:
    """The rates in force, by grade (one query)."""
    rates = dict(DEFAULT_RATES)
    rates.update(SamplingRate.objects.values_list("grade", "rate"))
    return {grade: rates[grade].normalize() for grade in GRADES}


def sampling_rate_check(*, grade: str, rate) -> Decimal:
    """A grade of the policy and a rate between 0 and 1 with at most four decimals."""
    if grade not in GRADES:
        raise DomainError(_("Unknown credit grade %(grade)s.") % {"grade": grade}, field="grade")
    rate = Decimal(rate)
    if not (Decimal(0) <= rate <= Decimal(1)) or rate != rate.quantize(Decimal("0.0001")):
        raise DomainError(_("A sampling rate is between 0 and 1, with at most four decimals."), field="rate")
    return rate


@transaction.atomic
def sampling_rate_set(*, actor, grade: str, rate: Decimal) -> SamplingRate:
    """The city's justice bureau (or a platform administrator) sets a grade's sampling rate, between 0 and 1."""
    portal = require_portal(actor, "justice", "admin",
                            message=_("Only the city's justice bureau can change the sampling rates."))
    if portal == "justice" and getattr(actor.agency, "division", None) != CITY_CODE:
        # One policy for the city: a district's bureau reads it, the city's sets it.
        raise PermissionDenied(_("Only the city's justice bureau can change the sampling rates."))
    rate = sampling_rate_check(grade=grade, rate=rate)
    before = sampling_rates()[grade]
    row, _created = SamplingRate.objects.update_or_create(grade=grade, defaults={"rate": rate})
    audit_record(actor=actor, action="sampling_rate.set", obj=row,
                 details={"grade": grade, "before": str(before), "after": str(rate)})
    return row
