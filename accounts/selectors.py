from .divisions import CITY_CODE, DIVISION_CODES
from .models import Agency, User, inspecting_agencies_q


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


def justice_bureau_ids_by_division() -> tuple[dict[str, int], int | None]:
    """``justice_bureau_for_division`` for every division at once, for set-based jobs: the ids of the
    divisions' own active bureaus and of the city's, which answers for every other division. One query."""
    own = dict(Agency.objects.filter(is_justice_bureau=True, active=True).order_by("id")
               .values_list("division", "id"))
    return {d: pk for d, pk in own.items() if d != CITY_CODE}, own.get(CITY_CODE)


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


# -- the public register (检查主体公告, 执法人员公示) ------------------------------------------------------------
# What the rules require to be public and nothing more: the agencies with inspection authority, and their
# officers' names, certificate numbers, issuing bodies and validity. No username, phone or e-mail is read.
REGISTER_OFFICER_FIELDS = ("pk", "full_name", "certificate_number", "certificate_issuer", "certificate_valid_from",
                           "certificate_valid_until", "agency_id", "agency__name", "agency__code", "agency__active",
                           "agency__inspection_authority", "agency__is_justice_bureau", "role", "is_active")


def register_agencies():
    """The agencies announced as inspection bodies (``Agency.may_inspect``), by division and code (the
    model's ordering, which its unique code index serves)."""
    return Agency.objects.filter(inspecting_agencies_q()).only("pk", "code", "name", "division", "level",
                                                                "active", "inspection_authority",
                                                                "is_justice_bureau").order_by("division", "code")


def register_agency(code: str) -> Agency | None:
    return register_agencies().filter(code=code).first()


def register_officers(*, agency: Agency):
    """An inspection body's officers with an enforcement certificate, by name (index
    ``user_agency_register``), expired certificates included: the register says which are valid."""
    return (
        User.objects.filter(agency=agency, role=User.Role.OFFICER, is_active=True)
        .exclude(certificate_number="")
        .select_related("agency")
        .only(*REGISTER_OFFICER_FIELDS[1:])
        .order_by("full_name", "pk")
    )


def certificate_lookup(number: str) -> User | None:
    """The officer holding the enforcement certificate ``number`` (unique), with the agency, for the public
    check; None when no active officer holds it."""
    number = (number or "").strip()
    if not number or len(number) > User._meta.get_field("certificate_number").max_length:
        return None
    return (
        User.objects.filter(certificate_number=number, role=User.Role.OFFICER, is_active=True)
        .select_related("agency")
        .only(*REGISTER_OFFICER_FIELDS[1:])
        .first()
    )


def certificate_status(officer: User | None, *, today) -> dict:
    """The public answer about one certificate on ``today``: whether its holder may inspect that day
    (``User.is_certified_on`` and an agency with inspection authority) and the public facts, nothing else."""
    if officer is None:
        return {"found": False, "valid": False}
    return {
        "found": True,
        "valid": officer.is_certified_on(today) and officer.agency.may_inspect,
        "certificate_valid": officer.certificate_valid_on(today),
        "agency_may_inspect": officer.agency.may_inspect,
        "name": officer.full_name,  # never the username (User.__str__ falls back to it)
        "certificate_number": officer.certificate_number,
        "issuer": officer.certificate_issuer,
        "valid_from": officer.certificate_valid_from,
        "valid_until": officer.certificate_valid_until,
        "agency": officer.agency.name,
        "agency_code": officer.agency.code,
        "on": today,
    }
