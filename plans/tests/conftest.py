import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from accounts.tests.factories import AgencyFactory, DepartmentFactory, JusticeBureauFactory, OfficerFactory
from catalogue.tests.factories import MatterFactory, ThemeFactory
from credit.models import CreditProfile
from enterprises.tests.factories import EnterpriseFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday in a year the official calendar knows; tests never depend on the real date.
TODAY = dt.date(2026, 6, 1)


def freeze(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC))


@pytest.fixture
def frozen():
    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        yield TODAY


class City:
    """A small city: three city-level agencies, a theme led by the market regulator, a justice bureau."""

    def __init__(self):
        self.market_dept = DepartmentFactory(code="market", name="市场监督管理局")
        self.ecology_dept = DepartmentFactory(code="ecology", name="生态环境局")
        self.emergency_dept = DepartmentFactory(code="emergency", name="应急管理局")
        self.market = AgencyFactory(code="yt-market", name="烟台市市场监督管理局", department=self.market_dept)
        self.ecology = AgencyFactory(code="yt-ecology", name="烟台市生态环境局", department=self.ecology_dept)
        self.emergency = AgencyFactory(code="yt-emergency", name="烟台市应急管理局", department=self.emergency_dept)
        self.justice_bureau = JusticeBureauFactory(code="yt-justice", division="370600")
        self.theme = ThemeFactory(code="catering", name="餐饮", lead_department=self.market_dept)
        self.theme.participating_departments.set([self.ecology_dept, self.emergency_dept])
        self.market_matter = MatterFactory(code="market-001", department=self.market_dept)
        self.market_matter.themes.add(self.theme)
        self.ecology_matter = MatterFactory(code="ecology-001", department=self.ecology_dept)
        self.emergency_matter = MatterFactory(code="emergency-001", department=self.emergency_dept)
        self.market_officer = OfficerFactory(agency=self.market, username="market1")
        self.market_officer2 = OfficerFactory(agency=self.market, username="market2")
        self.ecology_officer = OfficerFactory(agency=self.ecology, username="ecology1")
        self.emergency_officer = OfficerFactory(agency=self.emergency, username="emergency1")
        self.enterprise = EnterpriseFactory(name="烟台金海药业有限公司")

    def matter_of(self, officer):
        return {
            self.market: self.market_matter,
            self.ecology: self.ecology_matter,
            self.emergency: self.emergency_matter,
        }[officer.agency]

    def whitelist(self, enterprise):
        CreditProfile.objects.update_or_create(enterprise=enterprise, defaults={"grade": "A", "whitelisted": True})


@pytest.fixture
def city(db):
    return City()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)
