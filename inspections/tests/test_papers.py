"""执法文书: the numbered papers issued when a record is final and a rectification is decided, their PDFs, the
public verification page and who may download them."""

import datetime as dt
import io

import pytest
from django.db import transaction
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.tests.factories import JusticeBureauFactory, JusticeUserFactory, OfficerFactory
from audit.models import AuditEntry
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections import qrtokens
from inspections.models import AgencyPaperPrefix, Finding, Paper, PaperCounter, Rectification
from inspections.paper_pdf import render_paper_pdf, store_paper_pdf
from inspections.services import rectification_accept, rectification_return
from inspections.services.papers import approval_form_issue, paper_issue, results_notice_issue
from outbox.models import OutboxMessage
from plans.services import plan_file

from .test_record import finalised

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def submitted(city, record) -> Rectification:
    finding = Finding.objects.get(record=record)
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.SUBMITTED)
    return Rectification.objects.create(finding=finding, submitted_by=enterprise_user(city.enterprise), note="已整改")


def test_finalising_issues_the_results_notice_and_the_rectification_order_numbered_per_agency(city, visit):
    AgencyPaperPrefix.objects.create(agency=city.market, prefix="烟市监检")
    record = finalised(city, visit)
    notice = Paper.objects.get(kind="results_notice")
    order = Paper.objects.get(kind="rectification_order")
    assert notice.record == order.record == record
    assert notice.agency == visit.lead_agency == city.market
    assert notice.number == "烟市监检〔2026〕第000001号" and notice.sequence == 1
    assert order.agency == city.ecology and order.number == f"{city.ecology.code}〔2026〕第000001号"
    assert [f["description"] for f in order.content["findings"]] == ["废气收集设施未运行"]
    assert order.content["deadline"] == Finding.objects.get().deadline.isoformat()
    assert notice.content["enterprise"]["name"] == city.enterprise.name and len(notice.content_hash) == 64
    assert AuditEntry.objects.filter(action="paper.issue").count() == 2
    renders = OutboxMessage.objects.filter(handler="inspections.render_paper_pdf")
    assert set(renders.values_list("dedupe_key", flat=True)) == {f"paper-pdf:{notice.pk}", f"paper-pdf:{order.pk}"}
    # Issuing again the same paper is a no-op: no second number.
    with transaction.atomic():
        assert results_notice_issue(actor=city.market_officer, record=record) == notice
    assert PaperCounter.objects.get(agency=city.market, year=2026).last == 1


def test_a_paper_rolled_back_gives_its_number_back(city, visit):
    record = finalised(city, visit)
    with pytest.raises(RuntimeError), transaction.atomic():
        paper_issue(actor=None, kind="approval_form", agency=city.market, enterprise=city.enterprise,
                    subject="plan-approval:rolled-back", content={})
        raise RuntimeError("the approval failed")
    with transaction.atomic():
        paper = paper_issue(actor=None, kind="approval_form", agency=city.market, enterprise=city.enterprise,
                            subject="plan-approval:1", content={}, record=record)
    assert paper.sequence == 2  # 1 is the results notice; the rolled-back one left no gap
    assert sorted(Paper.objects.filter(agency=city.market).values_list("sequence", flat=True)) == [1, 2]


def test_accepting_or_returning_a_rectification_issues_a_recheck_opinion(city, visit):
    record = finalised(city, visit)
    returned = rectification_return(
        actor=city.ecology_officer, rectification=submitted(city, record), reason="照片不清晰"
    )
    opinion = Paper.objects.get(kind="recheck_opinion", subject=f"rectification:{returned.pk}")
    assert opinion.content["accepted"] is False and opinion.content["reason"] == "照片不清晰"
    accepted = rectification_accept(actor=city.ecology_officer, rectification=submitted(city, record))
    second = Paper.objects.get(kind="recheck_opinion", subject=f"rectification:{accepted.pk}")
    assert second.content["accepted"] is True and second.agency == city.ecology
    assert [opinion.sequence, second.sequence] == [2, 3]  # after the ecology bureau's rectification order


def test_every_paper_pdf_shows_the_enterprise_in_chinese_and_its_number(city, visit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = finalised(city, visit)
    rectification_accept(actor=city.ecology_officer, rectification=submitted(city, record))
    with transaction.atomic():
        approval_form_issue(
            actor=city.market_officer, agency=city.market, enterprise=city.enterprise, subject="plan-approval:9",
            content={"matters": ["食品经营许可证公示"], "approver": "张局长", "opinion": "同意检查"},
        )
    papers = list(Paper.objects.order_by("id"))
    assert {p.kind for p in papers} == set(Paper.Kind.values)
    titles = {"results_notice": "检查结果告知书", "rectification_order": "责令整改通知书",
              "recheck_opinion": "整改复查意见书", "approval_form": "行政检查审批表"}
    for paper in papers:
        text = text_of(render_paper_pdf(paper))
        assert city.enterprise.name in text, paper.kind
        assert paper.number in text, paper.kind
        assert titles[paper.kind] in text
        assert paper.content_hash in text
    store_paper_pdf(papers[0])
    assert Paper.objects.get(pk=papers[0].pk).pdf_path


# -- verification -------------------------------------------------------------------------------------------


def test_the_verification_page_accepts_a_genuine_paper_and_refuses_a_forged_one(city, visit):
    finalised(city, visit)
    paper = Paper.objects.get(kind="results_notice")
    client = Client()
    page = client.get(qrtokens.paper_verify_path(paper))
    assert page.status_code == 200 and b'data-verdict="genuine"' in page.content
    assert paper.number in page.content.decode() and city.enterprise.name in page.content.decode()
    # A token for the same paper with another hash (a forged copy), or not signed by the platform at all.
    forged = qrtokens.paper_token(paper.pk, "0" * 64)
    assert b'data-verdict="altered"' in client.get(f"/verify/paper/{forged}/").content
    unsigned = qrtokens.paper_token(paper.pk, paper.content_hash)[:-3] + "xyz"
    assert b'data-verdict="not-a-paper"' in client.get(f"/verify/paper/{unsigned}/").content
    record_token = qrtokens.record_token(paper.record_id, paper.content_hash)  # another kind's salt
    assert b'data-verdict="not-a-paper"' in client.get(f"/verify/paper/{record_token}/").content
    api = APIClient()
    assert api.get(f"/api/v1/verify/paper/{qrtokens.paper_token(paper.pk, paper.content_hash)}/").json()["unchanged"]
    assert api.get(f"/api/v1/verify/paper/{forged}/").json()["unchanged"] is False
    assert api.get(f"/api/v1/verify/paper/{unsigned}/").json() == {"found": False}


def test_a_paper_edited_in_the_database_shows_as_altered(city, visit):
    finalised(city, visit)
    paper = Paper.objects.get(kind="rectification_order")
    path = qrtokens.paper_verify_path(paper)
    content = paper.content | {"deadline": "2099-01-01"}
    Paper.objects.filter(pk=paper.pk).update(content=content)
    assert b'data-verdict="altered"' in Client().get(path).content


@pytest.mark.parametrize(
    "token", ["x", "a" * 2000, "%00", "..%2F..", "eyJwIjo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OX0:1:abc", "%E4%B8%AD"]
)
def test_odd_tokens_get_a_page_not_an_error(city, token):
    assert Client().get(f"/verify/paper/{token}/").status_code in (200, 404)
    assert APIClient().get(f"/api/v1/verify/paper/{token}/").status_code in (200, 404)


def test_a_token_for_a_paper_that_does_not_exist(city):
    token = qrtokens.paper_token(10**12, "0" * 64)
    assert b'data-verdict="not-a-paper"' in Client().get(f"/verify/paper/{token}/").content


# -- who may download ---------------------------------------------------------------------------------------


def test_papers_are_listed_on_the_record_pages_and_downloaded_only_by_who_may_see_the_record(
    city, visit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    record = finalised(city, visit)
    notice = Paper.objects.get(kind="results_notice")
    client = Client()
    client.force_login(city.market_officer)
    page = client.get(f"/agency/records/{record.pk}/").content.decode()
    assert notice.number in page and f"/papers/{notice.pk}/pdf/" in page
    response = client.get(f"/papers/{notice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(city.ecology_officer)  # on the visit
    assert client.get(f"/papers/{notice.pk}/pdf/").status_code == 200
    owner = enterprise_user(city.enterprise)
    client.force_login(owner)
    assert notice.number in client.get(f"/enterprise/records/{record.pk}/").content.decode()
    assert client.get(f"/papers/{notice.pk}/pdf/").status_code == 200
    fushan = JusticeBureauFactory(code="fs-justice", name="福山区司法局", level="district", division="370611")
    client.force_login(JusticeUserFactory(agency=fushan))  # the justice bureau of the enterprise's district
    assert notice.number in client.get(f"/justice/records/{record.pk}/").content.decode()
    assert client.get(f"/papers/{notice.pk}/pdf/").status_code == 200
    zhifu = JusticeBureauFactory(code="zf-justice", name="芝罘区司法局", level="district", division="370602")
    outsiders = (city.emergency_officer, enterprise_user(EnterpriseFactory()), JusticeUserFactory(agency=zhifu))
    for outsider in outsiders:
        client.force_login(outsider)
        assert client.get(f"/papers/{notice.pk}/pdf/").status_code == 404
    anonymous = Client().get(f"/papers/{notice.pk}/pdf/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert Client().get(f"/papers/{10**12}/pdf/").status_code == 302


def test_the_api_lists_a_records_papers_and_hands_out_their_pdf_through_the_same_check(
    city, visit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    record = finalised(city, visit)
    notice = Paper.objects.get(kind="results_notice")
    api = APIClient()
    api.force_authenticate(enterprise_user(city.enterprise))
    listed = api.get(f"/api/v1/records/{record.pk}/papers/").json()
    assert [p["kind"] for p in listed] == ["results_notice", "rectification_order"]
    assert listed[0]["number"] == notice.number and "/verify/paper/" in listed[0]["verify_url"]
    assert api.get(f"/api/v1/papers/{notice.pk}/pdf/").status_code == 202  # the worker has not rendered it
    store_paper_pdf(notice)
    assert api.get(f"/api/v1/papers/{notice.pk}/pdf/").status_code == 200
    for outsider in (city.emergency_officer, enterprise_user(EnterpriseFactory())):
        api.force_authenticate(outsider)
        assert api.get(f"/api/v1/records/{record.pk}/papers/").status_code == 404
        assert api.get(f"/api/v1/papers/{notice.pk}/pdf/").status_code == 404
    api.force_authenticate(None)
    assert api.get(f"/api/v1/records/{record.pk}/papers/").status_code in (401, 403)
    assert api.get(f"/api/v1/papers/{notice.pk}/pdf/").status_code in (401, 403)


def test_an_approval_form_without_a_record_is_for_its_agency_only(city, visit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():
        form = approval_form_issue(
            actor=city.market_officer, agency=city.market, enterprise=city.enterprise, subject="plan-approval:1",
            content={"opinion": "同意"},
        )
    client = Client()
    client.force_login(OfficerFactory(agency=city.market))
    assert client.get(f"/papers/{form.pk}/pdf/").status_code == 200
    for outsider in (city.ecology_officer, enterprise_user(EnterpriseFactory())):
        client.force_login(outsider)
        assert client.get(f"/papers/{form.pk}/pdf/").status_code == 404


def test_a_recheck_visit_concluded_gives_each_rechecked_finding_its_opinion(city, visit):
    # The re-check visit's record stands in for itself here: its plan is the re-check plan of the finding.
    record = finalised(city, visit)
    finding = Finding.objects.get()
    plan = visit.plans.get(agency=city.ecology)
    Finding.objects.filter(pk=finding.pk).update(severity="serious", status="recheck", recheck_plan=plan)
    from inspections.services.papers import recheck_opinions_issue_on_site

    with transaction.atomic():
        (opinion,) = recheck_opinions_issue_on_site(actor=city.ecology_officer, record=record)
        assert recheck_opinions_issue_on_site(actor=city.ecology_officer, record=record) == [opinion]  # rerun
    assert opinion.agency == city.ecology and opinion.content["method"] == "现场复查"
    assert opinion.content["accepted"] is False  # the matter is still not compliant on the re-check record


def test_the_outbox_handler_renders_and_stores_the_paper(city, visit, settings, tmp_path):
    from outbox.registry import get_handler

    settings.MEDIA_ROOT = tmp_path
    finalised(city, visit)
    paper = Paper.objects.get(kind="results_notice")
    get_handler("inspections.render_paper_pdf")(paper_id=paper.pk)
    first = Paper.objects.get(pk=paper.pk).pdf_path
    get_handler("inspections.render_paper_pdf")(paper_id=paper.pk)  # rerunnable: replaces the file
    assert Paper.objects.get(pk=paper.pk).pdf_path != first
    get_handler("inspections.render_paper_pdf")(paper_id=10**9)  # gone: logged, no error


def test_the_heads_approval_issues_the_numbered_approval_form_once(city, settings, tmp_path):
    """检查审批表: the head's approval (plans.services.approval) asks for the form in its transaction; the
    outbox handler issues it, numbered and printed with the enterprise's name; a rerun issues nothing more."""
    from accounts.heads import agency_head_approval_set, agency_head_set
    from outbox.registry import get_handler
    from plans.services import plan_head_decide
    from plans.tests.conftest import SHANGHAI, days, freeze

    settings.MEDIA_ROOT = tmp_path
    agency_head_approval_set(actor=None, agency=city.market, required=True)
    for officer in (city.market_officer, city.market_officer2):
        officer.agency.refresh_from_db()
    head = agency_head_set(actor=None, user=OfficerFactory(agency=city.market, username="market-head"), is_head=True)
    with freeze(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)):
        plan = plan_file(actor=city.market_officer, enterprise=city.enterprise, matters=[city.market_matter],
                         officers=[city.market_officer, city.market_officer2], window_start=days(8),
                         window_end=days(14))
        plan_head_decide(actor=head, plan=plan, approve=True, note="同意")
    message = OutboxMessage.objects.get(handler="inspections.issue_approval_form")
    assert message.payload == {"plan_id": plan.pk, "actor_id": head.pk}
    handler = get_handler("inspections.issue_approval_form")
    handler(**message.payload)
    handler(**message.payload)  # rerunnable: the paper's subject issues it once
    paper = Paper.objects.get(kind=Paper.Kind.APPROVAL_FORM)
    assert paper.subject == f"plan-approval:{plan.pk}" and paper.content["opinion"] == "同意"
    text = text_of(render_paper_pdf(paper))
    assert city.enterprise.name in text and paper.number in text
