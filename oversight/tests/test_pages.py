"""The oversight pages and API: who sees which slice, the chart beside the table, the drill-down, the CSV and
Excel exports, the monthly PDF (on demand, and stored once by the monthly job with the audit anchor in it),
and the public open data (aggregates only)."""

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import AdminUserFactory, JusticeBureauFactory, JusticeUserFactory
from audit.models import AuditEntry
from catalogue.tests.factories import MatterFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from oversight.models import MonthlyReport
from oversight.services import monthly_report_store
from oversight.tasks import monthly_report
from plans.services import plan_file
from plans.tests.conftest import days
from supervision.services import opinion_issue
from yantai_inspect.errors import DomainError

pytestmark = pytest.mark.django_db


def file(city, officer, enterprise=None, start=8, end=12, **extra):
    return plan_file(
        actor=officer,
        enterprise=enterprise or city.enterprise,
        matters=[city.matter_of(officer)],
        window_start=days(start),
        window_end=days(end),
        **extra,
    )


@pytest.fixture
def world(city, frozen):
    for officer in (city.market_officer, city.ecology_officer):
        file(city, officer)
    file(city, city.market_officer, enterprise=EnterpriseFactory(division="370602", name="烟台芝罘食品厂"), start=42,
         end=42)
    city.justice = JusticeUserFactory(agency=city.justice_bureau)
    return city


def test_the_justice_bureau_sees_the_figures_a_chart_and_the_drill_down(client, world):
    client.force_login(world.justice)
    response = client.get("/justice/oversight/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'class="chart-bar"' in html
    data = response.context["data"]
    assert data["overall"]["plans"] == 3 and data["overall"]["joint_share"] == pytest.approx(0.6667, abs=1e-4)
    assert [g["label"] for g in data["groups"]] == ["2026-06", "2026-07"]
    assert "/justice/oversight/drill/?figure=joint_share" in html
    drill = client.get("/justice/oversight/drill/", {"figure": "joint_share", "by": "month", "key": "2026-06"})
    assert drill.status_code == 200 and len(drill.context["rows"]) == 2
    assert "/justice/plans/" in drill.content.decode()


def test_an_agency_sees_its_own_slice_only(client, world):
    client.force_login(world.ecology_officer)
    response = client.get("/agency/oversight/", {"by": "agency"})
    assert response.status_code == 200
    data = response.context["data"]
    assert data["overall"]["plans"] == 1
    assert [g["label"] for g in data["groups"]] == [world.ecology.name]
    assert "complaints" not in data["overall"]
    drill = client.get("/agency/oversight/drill/", {"figure": "plans"})
    assert {p.agency_id for p in drill.context["rows"]} == {world.ecology.pk}


def test_a_district_bureau_sees_none_of_the_city_agencies_plans(client, world):
    bureau = JusticeBureauFactory(code="fs-justice", division="370611")
    client.force_login(JusticeUserFactory(agency=bureau))
    response = client.get("/justice/oversight/")
    assert response.status_code == 200 and response.context["data"]["overall"]["plans"] == 0


@pytest.mark.parametrize("path", ["/justice/oversight/", "/agency/oversight/", "/agency/oversight/export.xlsx",
                                  "/justice/oversight/report.pdf", "/justice/oversight/drill/?figure=plans"])
def test_an_enterprise_is_refused(client, world, path):
    client.force_login(enterprise_user())
    assert client.get(path).status_code == 403


def test_the_other_portal_is_refused(client, world):
    client.force_login(world.market_officer)
    assert client.get("/justice/oversight/").status_code == 403
    client.force_login(world.justice)
    assert client.get("/agency/oversight/").status_code == 403


@pytest.mark.parametrize(
    "query",
    [{"figure": "nope"}, {"figure": "plans", "by": "agency", "key": "abc"}, {"figure": "plans", "by": "month",
     "key": "9999-99"}, {"figure": "plans", "from": "9999-01-01"}, {"figure": "plans", "offset": "10" * 30},
     {"figure": "plans", "by": "district", "key": "\x00"}],
)
def test_odd_drill_down_input_is_a_400(client, world, query):
    client.force_login(world.justice)
    assert client.get("/justice/oversight/drill/", query).status_code == 400


def test_odd_dashboard_input_is_a_400(client, world):
    client.force_login(world.justice)
    for query in ({"by": "colour"}, {"from": "2026-12-01", "to": "2026-01-01"}, {"to": "9999-12-31"}):
        assert client.get("/justice/oversight/", query).status_code == 400, query


def test_the_exports_open_as_csv_and_as_a_spreadsheet(client, world):
    from openpyxl import load_workbook

    client.force_login(world.justice)
    csv = b"".join(client.get("/justice/oversight/export.csv", {"by": "district"}).streaming_content).decode()
    assert csv.startswith("\ufeff") and ("Zhifu District" in csv or "芝罘区" in csv)
    response = client.get("/justice/oversight/export.xlsx", {"by": "month"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == 3  # the total of plans served
    assert [r[0] for r in rows[2:]] == ["2026-06", "2026-07"]
    assert len(book.worksheets) == 2  # the complaints by kind, for the justice bureau


def test_the_dashboard_reads_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.justice)
    client.get("/justice/oversight/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/justice/oversight/", {"by": "agency"}).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        file(world, world.emergency_officer, enterprise=EnterpriseFactory(division="370612"), start=20, end=25)
    assert count() == before


def test_the_monthly_pdf_is_a_page_action(client, world):
    client.force_login(world.justice)
    response = client.get("/justice/oversight/report.pdf", {"month": "2026-06"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get("/justice/oversight/report.pdf", {"month": "2026-13"}).status_code == 400


def test_the_monthly_job_stores_the_city_report_once_with_the_audit_anchor(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.VAR_DIR = tmp_path
    with pytest.raises(DomainError):
        monthly_report_store(month=dt.date(2026, 6, 1), today=dt.date(2026, 6, 15))
    audits = AuditEntry.objects.count()
    assert monthly_report(today="2026-07-01") == "2026-06 stored"
    assert monthly_report(today="2026-07-01") == "2026-06 already stored"
    report = MonthlyReport.objects.get()
    assert report.month == dt.date(2026, 6, 1) and report.anchor_seq >= audits
    assert AuditEntry.objects.filter(action="oversight.monthly_report").count() == 1
    assert len(list((tmp_path / "reports").iterdir())) == 1
    client.force_login(world.justice)
    response = client.get(f"/justice/oversight/reports/{report.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    district = JusticeUserFactory(agency=JusticeBureauFactory(code="fs-justice", division="370611"))
    client.force_login(district)  # a district's bureau reads its own slice, not the city's stored report
    assert client.get(f"/justice/oversight/reports/{report.pk}/").status_code == 404


def test_the_open_data_is_public_and_names_nobody(client, world):
    page = client.get("/public/open-data/")
    assert page.status_code == 200
    body = client.get("/public/open-data.json").content.decode()
    data = json.loads(body)
    assert data["overall"]["plans"] == 3 and data["by_district"]
    assert "complaints" not in data["overall"]
    for name in ("烟台金海药业有限公司", "烟台芝罘食品厂", world.market_officer.username):
        assert name not in body
    csv = b"".join(client.get("/public/open-data.csv").streaming_content).decode()
    assert "烟台芝罘食品厂" not in csv and csv.startswith("\ufeff")


def test_the_api_answers_each_reader_its_slice(world):
    api = APIClient()
    api.force_authenticate(world.market_officer)
    response = api.get("/api/v1/oversight/", {"by": "agency"})
    assert response.status_code == 200
    assert response.json()["overall"]["plans"] == 2
    assert [g["label"] for g in response.json()["groups"]] == [world.market.name]
    api.force_authenticate(AdminUserFactory())
    assert api.get("/api/v1/oversight/").json()["overall"]["plans"] == 3
    api.force_authenticate(enterprise_user())
    assert api.get("/api/v1/oversight/").status_code == 403
    api.force_authenticate(world.justice)
    assert api.get("/api/v1/oversight/", {"from": "2026-13-01"}).status_code == 400


def test_the_remote_checks_and_the_opinions_drill_down_to_their_rows_for_the_bureau_and_the_agency(client, world):
    matter = MatterFactory(code="market-licence", department=world.market_dept, remote_checkable=True)
    plan = plan_file(
        actor=world.market_officer, enterprise=world.enterprise, matters=[matter], remote=True,
        window_start=days(8), window_end=days(12))
    served = world.market_officer.agency.plans.exclude(pk=plan.pk).first()
    opinion = opinion_issue(actor=world.justice, kind="correction", subject="plan", agency=world.market,
                            text="请说明检查依据", plan=served)
    check = plan.remote_check
    client.force_login(world.justice)
    html = client.get("/justice/oversight/", {"by": "agency"}).content.decode()
    assert "/justice/oversight/drill/?figure=remote_requested" in html
    assert "/justice/oversight/drill/?figure=opinions_correction" in html
    drill = client.get("/justice/oversight/drill/", {"figure": "remote_requested", "by": "agency",
                                                     "key": world.market.pk})
    assert drill.status_code == 200 and [r.pk for r in drill.context["rows"]] == [check.pk]
    assert f"/justice/remote-checks/{check.pk}/" in drill.content.decode()
    drill = client.get("/justice/oversight/drill/", {"figure": "opinions_correction"})
    assert [o.pk for o in drill.context["rows"]] == [opinion.pk]
    assert f"/justice/supervision/{opinion.pk}/" in drill.content.decode()
    assert client.get("/justice/oversight/drill/", {"figure": "opinions_opinion"}).context["rows"] == []
    # the agency addressed sees it; another agency sees neither the check nor the opinion
    client.force_login(world.market_officer)
    drill = client.get("/agency/oversight/drill/", {"figure": "opinions"})
    assert f"/agency/supervision/{opinion.pk}/" in drill.content.decode()
    client.force_login(world.ecology_officer)
    data = client.get("/agency/oversight/").context["data"]
    assert data["overall"]["opinions"] == 0 and data["overall"]["remote_requested"] == 0
    assert client.get("/agency/oversight/drill/", {"figure": "remote_requested"}).context["rows"] == []


def test_an_administrator_opens_every_opinion_its_drill_down_counts(world):
    """The administrator's dashboard counts every opinion (``Reader.opinions == ()``); each of the rows behind
    that number opens for it, read only: issuing, answering and reviewing stay the bureau's and the agency's."""
    from oversight.access import reader_for
    from oversight.selectors import drill_rows

    served = world.market_officer.agency.plans.first()
    opinion = opinion_issue(actor=world.justice, kind="correction", subject="plan", agency=world.market,
                            text="请说明检查依据", plan=served)
    admin = AdminUserFactory()
    api = APIClient()
    api.force_authenticate(admin)
    assert api.get("/api/v1/oversight/").json()["overall"]["opinions"] == 1
    rows = drill_rows(reader=reader_for(admin), figure="opinions", by=None, key=None,
                      date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    assert [o.pk for o in rows] == [opinion.pk]
    detail = api.get(f"/api/v1/supervision/opinions/{opinion.pk}/")
    assert detail.status_code == 200, detail.status_code
    assert detail.json()["text"] == "请说明检查依据"
    assert opinion.pk in [o["id"] for o in api.get("/api/v1/supervision/opinions/").json()["results"]]
    assert api.post(f"/api/v1/supervision/opinions/{opinion.pk}/answer/", {"answer": "x"},
                    format="json").status_code == 403
    opinion.refresh_from_db()
    assert opinion.status == "issued"


def test_an_administrator_opens_every_complaint_its_drill_down_counts(world):
    from complaints.services import complaint_file
    from oversight.access import reader_for
    from oversight.selectors import drill_rows

    complaint = complaint_file(actor=enterprise_user(world.enterprise), kind="conduct", text="索要财物")
    admin = AdminUserFactory()
    api = APIClient()
    api.force_authenticate(admin)
    assert api.get("/api/v1/oversight/").json()["overall"]["complaints"] == 1
    rows = drill_rows(reader=reader_for(admin), figure="complaints", by=None, key=None,
                      date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    assert [c.pk for c in rows] == [complaint.pk]
    detail = api.get(f"/api/v1/complaints/{complaint.pk}/")
    assert detail.status_code == 200 and detail.json()["text"] == "索要财物"
    assert complaint.pk in [c["id"] for c in api.get("/api/v1/complaints/").json()["results"]]
    assert api.post(f"/api/v1/complaints/{complaint.pk}/action/", {"action": "accept"},
                    format="json").status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "received"
