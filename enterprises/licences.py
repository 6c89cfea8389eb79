"""资质临期预警: licences expiring within a month are pushed to the enterprise and to its regulator, once."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.divisions import CITY_CODE
from accounts.models import Agency
from notifications.expiry import expiring_unwarned, expiry_warnings_send
from notifications.models import Notification

from .models import Licence

# Which department regulates a kind of licence (by a keyword of its type). Unknown kinds go to the market
# regulator, which registers every enterprise.
REGULATOR_BY_KEYWORD = [
    ("排污", "ecology"),
    ("危险化学品", "emergency"),
    ("安全生产", "emergency"),
    ("建筑", "housing"),
    ("道路运输", "transport"),
    ("医疗机构", "health"),
    ("卫生许可", "health"),
    ("办学", "education"),
    ("旅行社", "culture"),
    ("娱乐", "culture"),
    ("药品", "market"),
    ("食品", "market"),
]
DEFAULT_DEPARTMENT = "market"


def regulator_department(licence_type: str) -> str:
    return next((dept for keyword, dept in REGULATOR_BY_KEYWORD if keyword in licence_type), DEFAULT_DEPARTMENT)


def regulator_of(licence: Licence, regulators: dict | None = None) -> Agency | None:
    """The agency of the licence's department in the enterprise's district, else the city-level one.
    ``regulators`` (from ``_regulators``) saves the query when called for many licences."""
    department = regulator_department(licence.licence_type)
    if regulators is None:
        regulators = _regulators(department=department)
    division = licence.enterprise.division
    return regulators.get((department, division)) or regulators.get((department, CITY_CODE))


def _regulators(department: str | None = None) -> dict:
    """{(department code, division): the first active agency of it}, in one query."""
    agencies = Agency.objects.filter(is_justice_bureau=False, active=True, department__isnull=False)
    if department:
        agencies = agencies.filter(department__code=department)
    found = {}
    for agency in agencies.select_related("department").order_by("division", "code"):
        found.setdefault((agency.department.code, agency.division), agency)
    return found


WARNING_BATCH_SIZE = 1000


def licence_expiry_warnings_send(*, today: dt.date | None = None, batch_size: int = WARNING_BATCH_SIZE) -> int:
    """Warn about every licence that expires within LICENCE_WARNING_DAYS and has not been warned about for
    this expiry date, through the platform's one expiry-warning machinery (``notifications.expiry``: claimed
    by ``expiry_warned_for``, rerunnable, set-based; a renewed licence is warned about again)."""
    today = today or timezone.localdate()
    due = expiring_unwarned(Licence.objects.all(), expiry_field="valid_to", warned_field="expiry_warned_for",
                            today=today, days=settings.LICENCE_WARNING_DAYS)
    regulators = _regulators()
    # By expiry date: the order of the index of the licences not yet warned about (``licence_expiry_due``).
    return expiry_warnings_send(due=due, expiry_field="valid_to", warned_field="expiry_warned_for",
                                build=lambda licences: _warnings(licences, regulators),
                                action="licence.expiry_warning", batch_size=batch_size,
                                select_related=("enterprise",))


def _warnings(licences: list[Licence], regulators: dict) -> tuple[list, list]:
    """Each licence's warning to the enterprise and its regulator, with its audit entry."""
    notifications, audited = [], []
    for licence in licences:
        key = f"licence-expiry:{licence.pk}:{licence.valid_to.isoformat()}"
        title = _("Licence expires on %(date)s: %(type)s") % {
            "date": licence.valid_to.isoformat(),
            "type": licence.licence_type,
        }
        body = _("%(enterprise)s, %(type)s No. %(number)s: renew it before it expires.") % {
            "enterprise": licence.enterprise.name,
            "type": licence.licence_type,
            "number": licence.number,
        }
        notifications.append(
            Notification(
                dedupe_key=f"{key}:enterprise",
                enterprise=licence.enterprise,
                title=title,
                body=body,
                kind=Notification.Kind.LICENCE_EXPIRY,
                link="/enterprise/",
            )
        )
        regulator = regulator_of(licence, regulators)
        if regulator is not None:
            notifications.append(
                Notification(
                    dedupe_key=f"{key}:agency",
                    agency=regulator,
                    title=title,
                    body=body,
                    kind=Notification.Kind.LICENCE_EXPIRY,
                    link=f"/enterprises/{licence.enterprise.uscc}/",
                )
            )
        audited.append((licence, {"valid_to": licence.valid_to, "regulator": regulator.code if regulator else None}))
    return notifications, audited
