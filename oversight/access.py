"""Who reads which slice of the oversight figures.

A reader is the scope of each figure's rows, taken from the owning apps' own rules: the plans through
``plans.selectors.plan_scope_q`` (an officer its agency's, a justice bureau the agencies of the divisions it
supervises, an administrator all), the enterprises' divisions through
``accounts.selectors.divisions_supervised_by`` (the whitelist, the complaints), the complaints only for
the justice bureau and administrators (an agency sees a complaint only when the bureau forwards it), and the
supervision opinions as ``supervision.selectors.opinions_for_user`` has them (a bureau the ones it issued, an
agency those addressed to it; an administrator all; the public none)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.divisions import CITY_CODE
from accounts.selectors import divisions_supervised_by
from plans.selectors import plan_scope_q


@dataclass(frozen=True)
class Reader:
    """The rows a reader's figures are computed from. ``plans``: a filter on plans (and on the statistics'
    cells); ``divisions``: the enterprises' divisions it sees (None: all); ``complaints``: whether it sees the
    complaint figures; ``city``: whether it reads the whole city (the stored monthly reports); ``opinions``: the
    filter of ``supervision.selectors.opinion_counts`` for its opinions, as pairs (``()``: all; None: none)."""

    plans: Q
    divisions: tuple | None
    complaints: bool
    city: bool
    portal: str
    opinions: tuple | None = None

    def division_q(self, field: str) -> Q:
        return Q() if self.divisions is None else Q(**{f"{field}__in": self.divisions})


PUBLIC = Reader(plans=Q(), divisions=None, complaints=False, city=True, portal="public")


def reader_for(user) -> Reader:
    """The reader of ``user``; PermissionDenied for anyone but an officer, a justice bureau or an admin."""
    scope = plan_scope_q(user=user) if user.is_authenticated else None
    if scope is None:
        raise PermissionDenied(_("The oversight figures are for agencies and the justice bureau."))
    if user.is_platform_admin:
        return Reader(plans=scope, divisions=None, complaints=True, city=True, portal="admin", opinions=())
    agency = user.agency
    if user.is_justice:
        divisions = tuple(divisions_supervised_by(agency))
        return Reader(
            plans=scope, divisions=divisions, complaints=True, city=agency.division == CITY_CODE, portal="justice",
            opinions=(("justice_bureau", agency.pk),),
        )
    # an agency's own slice: its plans; the whitelist of the division it works in (a city agency: the city)
    divisions = None if agency.division == CITY_CODE else (agency.division,)
    return Reader(plans=scope, divisions=divisions, complaints=False, city=False, portal="agency",
                  opinions=(("agency", agency.pk),))
