"""Building special inspection campaigns (专项检查) through their services, for the tests of several modules."""

import datetime as dt

from accounts.tests.factories import JusticeUserFactory
from plans.special import special_campaign_decide, special_campaign_request, special_quota_set


def city_justice_user(city):
    return JusticeUserFactory(agency=city.justice_bureau)


def quota(city, n: int, *, agency=None, year: int = 2026, actor=None):
    return special_quota_set(actor=actor or city_justice_user(city), year=year, quota=n, agency=agency,
                             today=dt.date(year, 1, 2))


def requested(city, officer, start: dt.date, end: dt.date, *, name="食品安全专项检查", matters=None, **kwargs):
    return special_campaign_request(
        actor=officer, name=name, basis="《食品安全法》第一百一十条；市政府专项部署",
        matters=matters or [city.matter_of(officer)], window_start=start, window_end=end, **kwargs,
    )


def approved(city, officer, start: dt.date, end: dt.date, *, approver=None, **kwargs):
    """A campaign of ``officer``'s agency approved by the level above (for a city agency the city justice bureau;
    the quota of 2026 set to 5 when none is set)."""
    from plans.models import SpecialQuota

    if not SpecialQuota.objects.filter(year=start.year).exists():
        quota(city, 5, year=start.year)
    campaign = requested(city, officer, start, end, **kwargs)
    return special_campaign_decide(actor=approver or city_justice_user(city), campaign=campaign, approve=True,
                                   opinion="同意开展")
