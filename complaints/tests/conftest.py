import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from plans.models import JointTask

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The day before the National Day holiday of 2026 (1-7 October off, Saturday 10 October a working day).
BEFORE_HOLIDAY = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


class Scene:
    """Fushan (370611) with its justice bureau, the city's bureau above it, Laizhou's bureau, an enterprise in
    Fushan with a visit, another enterprise, an officer."""

    def __init__(self):
        self.city_bureau = JusticeBureauFactory(code="yt-justice", division="370600", name="烟台市司法局")
        self.fushan_bureau = JusticeBureauFactory(code="fs-justice", division="370611", name="福山区司法局")
        self.laizhou_bureau = JusticeBureauFactory(code="lz-justice", division="370683", name="莱州市司法局")
        self.city_justice = JusticeUserFactory(agency=self.city_bureau, username="j-city")
        self.fushan_justice = JusticeUserFactory(agency=self.fushan_bureau, username="j-fushan")
        self.laizhou_justice = JusticeUserFactory(agency=self.laizhou_bureau, username="j-laizhou")
        self.agency = AgencyFactory(code="fs-market", division="370611")
        self.officer = OfficerFactory(agency=self.agency, username="officer1")
        self.enterprise = EnterpriseFactory(name="烟台金海药业有限公司", division="370611")
        self.user = enterprise_user(self.enterprise, username="ent1")
        self.other_enterprise = EnterpriseFactory(division="370611")
        self.other_user = enterprise_user(self.other_enterprise, username="ent2")
        self.task = JointTask.objects.create(enterprise=self.enterprise, visit_date=dt.date(2026, 9, 29),
                                             division="370611", lead_agency=self.agency,
                                             status=JointTask.Status.DONE)


@pytest.fixture
def scene(db, settings):
    settings.HOTLINE_URL = ""
    return Scene()
