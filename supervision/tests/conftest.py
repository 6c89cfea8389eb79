import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Agency
from accounts.tests.factories import AgencyFactory, JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from complaints.services import complaint_accept, complaint_decide, complaint_file
from enterprises.tests.factories import enterprise_user
from plans.services import plan_file, plan_post_review
from plans.tests.conftest import City

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The day before the National Day holiday of 2026 (1-7 October off, Saturday 10 October a working day).
BEFORE_HOLIDAY = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


class Scene(City):
    """The small city (its agencies and the city's justice bureau at 370600), a Fushan district agency and
    bureau, a routine plan and a green-channel plan of the market regulator, the enterprise's account and an
    upheld complaint about the routine plan's visit."""

    def __init__(self):
        super().__init__()
        self.justice = JusticeUserFactory(agency=self.justice_bureau, username="j-city")
        self.fushan_bureau = JusticeBureauFactory(code="fs-justice", division="370611", name="福山区司法局")
        self.fushan_justice = JusticeUserFactory(agency=self.fushan_bureau, username="j-fushan")
        self.fushan_market = AgencyFactory(code="fs-market", name="福山区市场监督管理局", level=Agency.Level.DISTRICT,
                                           division="370611", department=self.market_dept)
        self.fushan_officer = OfficerFactory(agency=self.fushan_market, username="fs-market1")
        self.account = enterprise_user(self.enterprise)
        with at(dt.datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)):
            self.plan = plan_file(actor=self.market_officer, enterprise=self.enterprise,
                                  matters=[self.market_matter], window_start=dt.date(2026, 9, 15),
                                  window_end=dt.date(2026, 9, 18))
            self.green = plan_file(actor=self.market_officer, enterprise=self.enterprise,
                                   matters=[self.market_matter], window_start=dt.date(2026, 9, 1),
                                   window_end=dt.date(2026, 9, 1), urgent=True, urgent_category="public_report",
                                   urgent_reason="群众举报", officers=[self.market_officer, self.market_officer2])
            self.complaint = complaint_file(actor=self.account, kind="conduct", text="索要财物",
                                            officer=self.market_officer)
            complaint_accept(actor=self.fushan_justice, complaint=self.complaint)
            self.complaint = complaint_decide(actor=self.fushan_justice, complaint=self.complaint, upheld=True,
                                              outcome="查实")

    def judge_green(self, justified=False):
        with at(dt.datetime(2026, 9, 2, 10, 0, tzinfo=SHANGHAI)):
            self.green = plan_post_review(actor=self.justice, plan=self.green, justified=justified,
                                          note="" if justified else "举报内容不属紧急情形")
        return self.green


@pytest.fixture
def scene(db):
    return Scene()
