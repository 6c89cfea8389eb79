from .models import Agency, User


def agency_officers(*, agency: Agency):
    return User.objects.filter(agency=agency, role=User.Role.OFFICER, is_active=True).order_by("username")


def agencies_supervised_by(*, justice_bureau: Agency):
    """A justice bureau supervises the agencies of its own level and division (a city bureau: the city's)."""
    return (
        Agency.objects.filter(division=justice_bureau.division, is_justice_bureau=False, active=True)
        .select_related("department")
        .order_by("code")
    )
