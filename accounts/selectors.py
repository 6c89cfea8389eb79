from .divisions import CITY_CODE, DIVISION_CODES
from .models import Agency, User


def agency_officers(*, agency: Agency):
    return User.objects.filter(agency=agency, role=User.Role.OFFICER, is_active=True).order_by("username")


def justice_bureau_for_division(division: str) -> Agency | None:
    """The justice bureau responsible for a division (同级司法局): the division's own active bureau, or the
    city's when the division has none (a functional zone, or a district whose bureau is not registered or
    is inactive). Plans are reviewed by the bureau of their agency's division; an enterprise's objections go
    to the bureau of the enterprise's division. ``divisions_supervised_by`` is the same rule read backwards."""
    bureaus = {
        a.division: a
        for a in Agency.objects.filter(is_justice_bureau=True, active=True, division__in={division, CITY_CODE})
    }
    return bureaus.get(division) or bureaus.get(CITY_CODE)


def divisions_supervised_by(justice_bureau: Agency) -> list[str]:
    """The divisions a justice bureau is responsible for: its own, and for the city's bureau also every
    division without an active bureau of its own (see ``justice_bureau_for_division``)."""
    if not (justice_bureau.is_justice_bureau and justice_bureau.active):
        return []
    if justice_bureau.division != CITY_CODE:
        return [justice_bureau.division]
    # Read once per loaded bureau (a request's user.agency): a page's selectors all ask the same question.
    cached = getattr(justice_bureau, "_divisions_supervised", None)
    if cached is None:
        own = set(
            Agency.objects.filter(is_justice_bureau=True, active=True)
            .exclude(division=CITY_CODE)
            .values_list("division", flat=True)
        )
        cached = justice_bureau._divisions_supervised = sorted(DIVISION_CODES - own)
    return list(cached)


def agencies_supervised_by(*, justice_bureau: Agency):
    """A justice bureau supervises the agencies of the divisions it is responsible for (a city bureau: the
    city's, and those of divisions without a bureau of their own)."""
    return (
        Agency.objects.filter(
            division__in=divisions_supervised_by(justice_bureau), is_justice_bureau=False, active=True
        )
        .select_related("department")
        .order_by("code")
    )


def users_by_username(names, *, agency_id: int | None = None) -> dict[str, User]:
    """The users with these usernames (of one agency when given), keyed by username; unknown ones are absent."""
    qs = User.objects.filter(username__in=list(names))
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs.in_bulk(field_name="username")
