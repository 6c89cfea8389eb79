"""Who may do what with a supervision opinion (行政执法监督), in one place for the pages, the API and the
services: the justice bureau that supervises the agency's division issues and reviews, the agency's officers
(its head among them) answer, and nobody else learns that an opinion exists."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import require_justice, require_officer
from accounts.selectors import justice_bureau_for_division

from .models import Opinion
from .selectors import opinions_for_user


def require_supervising_bureau(actor, agency):
    """The actor's justice bureau, if it is the one responsible for the agency's division
    (``justice_bureau_for_division``: the district's own, else the city's); refused otherwise."""
    bureau = require_justice(actor)
    responsible = justice_bureau_for_division(agency.division)
    if responsible is None or responsible.pk != bureau.pk:
        raise PermissionDenied(_("%(agency)s is supervised by another justice bureau.") % {"agency": agency.name})
    return bureau


def require_opinion_reviewer(actor, opinion: Opinion):
    """The bureau that issued the opinion reads and accepts or returns its answer."""
    bureau = require_justice(actor)
    if bureau.pk != opinion.justice_bureau_id:
        raise PermissionDenied(_("This opinion was issued by another justice bureau."))
    return bureau


def require_opinion_answerer(actor, opinion: Opinion):
    """An officer of the agency the opinion is addressed to (its head is one) answers it."""
    agency = require_officer(actor)
    if agency.pk != opinion.agency_id:
        raise PermissionDenied(_("This opinion is addressed to another agency."))
    return agency


def opinion_for_user(*, user, opinion_id: int) -> Opinion:
    """The opinion if the user may see it (the issuing bureau, the agency it is addressed to); 404 otherwise."""
    opinion = opinions_for_user(user=user).filter(pk=opinion_id).first()
    if opinion is None:
        raise Http404
    return opinion
