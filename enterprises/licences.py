"""资质临期预警: licences expiring within a month are pushed to the enterprise and to its regulator, once."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.divisions import CITY_CODE
from accounts.models import Agency
from audit.services import audit_record
from notifications.models import Notification
from notifications.services import notification_send

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


def regulator_of(licence: Licence) -> Agency | None:
    """The agency of the licence's department in the enterprise's district, else the city-level one."""
    department = regulator_department(licence.licence_type)
    agencies = Agency.objects.filter(department__code=department, is_justice_bureau=False, active=True)
    return agencies.filter(division=licence.enterprise.division).first() or agencies.filter(division=CITY_CODE).first()


def licence_expiry_warnings_send(*, today: dt.date | None = None) -> int:
    """Warn about every licence that expires within LICENCE_WARNING_DAYS and has not been warned about for
    this expiry date. Rerunnable: the notification's key is the licence and its expiry date, so a rerun sends
    nothing twice, and a renewed licence (new expiry date) is warned about again a month before it."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=settings.LICENCE_WARNING_DAYS)
    sent = 0
    licences = list(Licence.objects.filter(valid_to__gte=today, valid_to__lte=horizon).values_list("pk", "valid_to"))
    for start in range(0, len(licences), 1000):
        chunk = licences[start : start + 1000]
        keys = {pk: f"licence-expiry:{pk}:{valid_to.isoformat()}" for pk, valid_to in chunk}
        # One query per chunk finds the licences already warned about, so a rerun costs almost nothing.
        done = set(
            Notification.objects.filter(dedupe_key__in=[f"{k}:enterprise" for k in keys.values()]).values_list(
                "dedupe_key", flat=True
            )
        )
        todo = [pk for pk, key in keys.items() if f"{key}:enterprise" not in done]
        for licence in Licence.objects.filter(pk__in=todo).select_related("enterprise"):
            sent += _warn(licence, keys[licence.pk])
    return sent


def _warn(licence: Licence, key: str) -> int:
    """Push one licence's warning to the enterprise and its regulator, with its audit entry; 1 if sent now."""
    title = _("Licence expires on %(date)s: %(type)s") % {
        "date": licence.valid_to.isoformat(),
        "type": licence.licence_type,
    }
    body = _("%(enterprise)s, %(type)s No. %(number)s: renew it before it expires.") % {
        "enterprise": licence.enterprise.name,
        "type": licence.licence_type,
        "number": licence.number,
    }
    with transaction.atomic():
        created = notification_send(
            dedupe_key=f"{key}:enterprise",
            enterprise=licence.enterprise,
            title=title,
            body=body,
            kind=Notification.Kind.LICENCE_EXPIRY,
            link="/enterprise/",
        )
        regulator = regulator_of(licence)
        if regulator is not None:
            notification_send(
                dedupe_key=f"{key}:agency",
                agency=regulator,
                title=title,
                body=body,
                kind=Notification.Kind.LICENCE_EXPIRY,
                link=f"/enterprises/{licence.enterprise.uscc}/",
            )
        if created is None:
            return 0
        audit_record(
            actor=None,
            action="licence.expiry_warning",
            obj=licence,
            details={"valid_to": licence.valid_to, "regulator": regulator.code if regulator else None},
        )
        return 1
