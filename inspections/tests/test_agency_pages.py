"""The officer's and agency's pages of the visit, driven through the Django test client: check-in on site,
the checklist, photos, findings, finalising, and the rectification queue; and who each page refuses."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import JusticeUserFactory
from enterprises.tests.factories import EnterpriseFactory, enterprise_user
from inspections import qrtokens
from inspections.models import CheckIn, Finding, InspectionRecord, Photo, RecordItem, Rectification
from inspections.services import record_refuse, record_sign, rectification_submit
from plans.models import JointTask, Plan
from plans.services import plan_file
from plans.tests.conftest import SHANGHAI, freeze

from .conftest import jpeg_with_gps, upload

pytestmark = pytest.mark.django_db


def token_of(city) -> str:
    return qrtokens.enterprise_token(city.enterprise.uscc)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def check_in_by_page(client, officer, task, token, **position):
    client.force_login(officer)
    return client.post(f"/agency/tasks/{task.pk}/site/", {"token": token, **position})


def both_in(client, city, visit) -> InspectionRecord:
    for officer in (city.ecology_officer, city.market_officer):
        response = check_in_by_page(client, officer, visit, token_of(city))
        assert response.status_code == 302
    return InspectionRecord.objects.get(task=visit)


def item_of(record, matter) -> RecordItem:
    return record.items.get(matter=matter)


def filled(client, city, visit, severity="minor") -> InspectionRecord:
    """Both officers in, the market matter compliant, the ecology matter not compliant with a finding."""
    record = both_in(client, city, visit)
    client.force_login(city.market_officer)
    client.post(f"/agency/records/items/{item_of(record, city.market_matter).pk}/", {"result": "compliant"})
    bad = item_of(record, city.ecology_matter)
    client.force_login(city.ecology_officer)
    client.post(f"/agency/records/items/{bad.pk}/", {"result": "non_compliant", "note": "废气收集设施未运行"})
    client.post(
        f"/agency/records/items/{bad.pk}/finding/",
        {
            "description": "废气收集设施未运行",
            "severity": severity,
            "deadline": (visit.visit_date + dt.timedelta(days=15)).isoformat(),
        },
    )
    return record


def finalised(client, city, visit, severity="minor") -> InspectionRecord:
    record = filled(client, city, visit, severity=severity)
    client.force_login(city.market_officer)
    response = client.post(f"/agency/records/{record.pk}/finalise/", {"summary": "企业配合检查"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == InspectionRecord.Status.FINAL
    return record


def submitted(client, city, visit) -> Rectification:
    finalised(client, city, visit)
    return rectification_submit(
        actor=enterprise_user(city.enterprise),
        finding=Finding.objects.get(),
        note="已修复废气收集设施并恢复运行",
        photos=[upload(jpeg_with_gps())],
    )


# -- check-in -----------------------------------------------------------------------------------------------


def test_the_site_page_shows_the_visit_its_officers_and_the_check_in_form(client, city, visit):
    client.force_login(city.market_officer)
    response = client.get(f"/agency/tasks/{visit.pk}/site/")
    assert response.status_code == 200
    html = response.content.decode()
    assert city.enterprise.name in html and city.enterprise.uscc in html and "2026-06-09" in html
    assert str(city.market_officer) in html and str(city.ecology_officer) in html
    assert 'name="token"' in html and 'name="latitude"' in html and 'name="longitude"' in html
    assert 'id="scan-button"' in html and "js/site.js" in html
    assert "/agency/records/" not in html.split('class="content"')[1]  # no record yet


def test_officers_check_in_by_posting_the_scanned_token_and_the_record_opens(client, city, visit):
    response = check_in_by_page(
        client, city.market_officer, visit, token_of(city), latitude="37.4638123456", longitude="121.4478987654"
    )
    assert response.status_code == 302 and response["Location"] == f"/agency/tasks/{visit.pk}/site/"
    check_in = CheckIn.objects.get(officer=city.market_officer)
    assert check_in.accepted and str(check_in.latitude) == "37.463812" and str(check_in.longitude) == "121.447899"
    assert not InspectionRecord.objects.exists()  # one officer is not enough

    page = client.get(response["Location"]).content.decode()
    assert 'name="token"' not in page  # already in: no form any more
    check_in_by_page(client, city.ecology_officer, visit, token_of(city))
    record = InspectionRecord.objects.get(task=visit)
    assert record.items.count() == 2
    page = client.get(f"/agency/tasks/{visit.pk}/site/").content.decode()
    assert f'href="/agency/records/{record.pk}/"' in page


def test_a_wrong_code_is_refused_with_a_message_and_the_attempt_is_logged(client, city, visit):
    other = qrtokens.enterprise_token(EnterpriseFactory().uscc)
    response = check_in_by_page(client, city.market_officer, visit, other)
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert len(messages_of(followed)) == 1 and "msg-error" in followed.content.decode()
    attempt = CheckIn.objects.get()
    assert not attempt.accepted and attempt.refusal

    check_in_by_page(client, city.market_officer, visit, "not-a-token")
    assert CheckIn.objects.filter(accepted=False).count() == 2


def test_an_empty_token_is_refused_by_the_form_and_nothing_is_logged(client, city, visit):
    response = check_in_by_page(client, city.market_officer, visit, "")
    assert response.status_code == 302
    assert messages_of(client.get(response["Location"]))
    assert not CheckIn.objects.exists()


# -- the record ---------------------------------------------------------------------------------------------


def test_the_full_officer_flow_through_the_pages(client, city, visit, settings):
    record = both_in(client, city, visit)
    good, bad = item_of(record, city.market_matter), item_of(record, city.ecology_matter)

    client.force_login(city.market_officer)
    page = client.get(f"/agency/records/{record.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="item-{good.pk}"' in html and f'action="/agency/records/items/{good.pk}/"' in html
    assert 'name="result" value="non_compliant"' in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert f"/agency/records/items/{bad.pk}/finding/" not in html  # only once the matter is not compliant

    response = client.post(f"/agency/records/items/{good.pk}/", {"result": "compliant", "note": "证照齐全"})
    assert response.status_code == 302 and response["Location"] == f"/agency/records/{record.pk}/#item-{good.pk}"
    good.refresh_from_db()
    assert (good.result, good.note, good.updated_by) == ("compliant", "证照齐全", city.market_officer)

    response = client.post(f"/agency/records/items/{good.pk}/photo/", {"photo": upload(jpeg_with_gps())})
    assert response["Location"] == f"/agency/records/{record.pk}/#item-{good.pk}"
    photo = Photo.objects.get(item=good)
    assert client.get(f"/api/v1/photos/{photo.pk}/").status_code == 200  # the thumbnail's source, by session

    client.force_login(city.ecology_officer)
    client.post(f"/agency/records/items/{bad.pk}/", {"result": "non_compliant", "note": "废气收集设施未运行"})
    html = client.get(f"/agency/records/{record.pk}/").content.decode()
    assert f'<img src="/api/v1/photos/{photo.pk}/"' in html
    assert f'action="/agency/records/items/{bad.pk}/finding/"' in html

    response = client.post(
        f"/agency/records/items/{bad.pk}/finding/",
        {"description": "废气收集设施未运行", "severity": "minor", "deadline": "2026-06-24"},
    )
    assert response["Location"] == f"/agency/records/{record.pk}/#item-{bad.pk}"
    finding = Finding.objects.get()
    assert (finding.agency, finding.severity, finding.deadline) == (city.ecology, "minor", dt.date(2026, 6, 24))

    response = client.post(f"/agency/records/{record.pk}/finalise/", {"summary": "企业配合检查"})
    assert response.status_code == 302 and response["Location"] == f"/agency/records/{record.pk}/"
    record.refresh_from_db()
    assert record.status == "final" and record.summary == "企业配合检查" and len(record.content_hash) == 64

    html = client.get(f"/agency/records/{record.pk}/").content.decode()
    assert record.content_hash in html and f'href="/records/{record.pk}/pdf/"' in html
    assert "/agency/records/items/" not in html and "/finalise/" not in html  # read-only now
    assert client.get(f"/records/{record.pk}/pdf/").status_code == 200

    response = client.post(f"/agency/records/items/{good.pk}/", {"result": "non_compliant"}, follow=True)
    assert messages_of(response) and RecordItem.objects.get(pk=good.pk).result == "compliant"


def test_the_record_page_shows_the_signature_or_the_objection(client, city, visit):
    record = finalised(client, city, visit)
    signer = enterprise_user(city.enterprise, full_name="邹德志")
    html = client.get(f"/agency/records/{record.pk}/").content.decode()
    assert "badge warn" in html.split('id="finalise"')[1]  # awaiting the signature
    record_sign(actor=signer, record=record, method="typed", typed_name="邹德志", confirmed=True)
    html = client.get(f"/agency/records/{record.pk}/").content.decode()
    assert "邹德志" in html.split('id="finalise"')[1]


def test_the_record_page_shows_a_refusal_with_its_objection(client, city, visit):
    record = finalised(client, city, visit)
    record_refuse(actor=enterprise_user(city.enterprise), record=record, objection="检查人员未出示执法证")
    html = client.get(f"/agency/records/{record.pk}/").content.decode()
    assert "检查人员未出示执法证" in html and "badge bad" in html.split('id="finalise"')[1]


def test_finalising_too_early_says_what_is_missing_and_changes_nothing(client, city, visit):
    record = both_in(client, city, visit)
    client.force_login(city.market_officer)
    response = client.post(f"/agency/records/{record.pk}/finalise/", {"summary": ""})
    assert response["Location"] == f"/agency/records/{record.pk}/#finalise"
    followed = client.get(response["Location"])
    assert city.market_matter.name in " ".join(messages_of(followed))
    record.refresh_from_db()
    assert record.status == "draft" and not record.content_hash


def test_a_bad_result_or_finding_is_refused_with_a_message(client, city, visit):
    record = both_in(client, city, visit)
    item = item_of(record, city.market_matter)
    client.force_login(city.market_officer)
    response = client.post(f"/agency/records/items/{item.pk}/", {"result": "maybe"}, follow=True)
    assert messages_of(response) and RecordItem.objects.get(pk=item.pk).result == ""
    # A finding on a matter not marked non-compliant: the service's rule, shown as a message.
    response = client.post(
        f"/agency/records/items/{item.pk}/finding/",
        {"description": "x", "severity": "minor", "deadline": "2026-06-24"},
        follow=True,
    )
    assert messages_of(response) and not Finding.objects.exists()
    response = client.post(f"/agency/records/items/{item.pk}/photo/", {}, follow=True)
    assert messages_of(response) and not Photo.objects.exists()
    response = client.post(
        f"/agency/records/items/{item.pk}/photo/", {"photo": upload(b"%PDF-1.4 not an image")}, follow=True
    )
    assert messages_of(response) and not Photo.objects.exists()


def test_an_officer_who_has_not_checked_in_sees_the_record_without_forms(client, city, visit):
    record = both_in(client, city, visit)
    client.force_login(city.market_officer2)  # same agency, not on site
    response = client.get(f"/agency/records/{record.pk}/")
    assert response.status_code == 200
    assert "/agency/records/items/" not in response.content.decode()
    item = item_of(record, city.market_matter)
    client.post(f"/agency/records/items/{item.pk}/", {"result": "compliant"})
    assert RecordItem.objects.get(pk=item.pk).result == ""  # the service refuses too


def test_the_records_list_shows_the_agencys_records_in_a_fixed_number_of_queries(client, city, visit):
    record = both_in(client, city, visit)
    client.force_login(city.market_officer)
    with CaptureQueriesContext(connection) as one:
        response = client.get("/agency/records/")
    html = response.content.decode()
    assert f'href="/agency/records/{record.pk}/"' in html and city.enterprise.name in html and "badge info" in html

    with freeze(dt.datetime(2026, 6, 9, 9, 30, tzinfo=SHANGHAI)):
        for _ in range(3):
            plan = plan_file(
                actor=city.market_officer,
                enterprise=EnterpriseFactory(),
                matters=[city.market_matter],
                window_start=dt.date(2026, 6, 22),
                window_end=dt.date(2026, 6, 22),
            )
            InspectionRecord.objects.create(task=plan.joint_task)
    # read on those visits' day: a record is opened at check-in on its visit's day, the list starts at today
    with freeze(dt.datetime(2026, 6, 22, 18, 0, tzinfo=SHANGHAI)), CaptureQueriesContext(connection) as four:
        response = client.get("/agency/records/")
    assert len(set(re.findall(r'href="/agency/records/(\d+)/"', response.content.decode()))) == 4
    assert len(four) == len(one)

    client.force_login(city.emergency_officer)
    assert f"/agency/records/{record.pk}/" not in client.get("/agency/records/").content.decode()


# -- rectification ------------------------------------------------------------------------------------------


def test_the_responsible_agency_returns_then_accepts_evidence_through_the_queue(client, city, visit):
    rectification = submitted(client, city, visit)
    finding = rectification.finding
    photo = rectification.photos.get()

    client.force_login(city.ecology_officer)
    html = client.get("/agency/rectifications/").content.decode()
    assert "已修复废气收集设施并恢复运行" in html and f'<img src="/api/v1/photos/{photo.pk}/"' in html
    assert f'action="/agency/rectifications/{rectification.pk}/accept/"' in html
    assert f'action="/agency/rectifications/{rectification.pk}/return/"' in html
    assert html.index("已修复废气收集设施") < html.index("queue-open")  # evidence to review comes first

    response = client.post(f"/agency/rectifications/{rectification.pk}/return/", {"reason": " "})
    assert response["Location"] == f"/agency/rectifications/#finding-{finding.pk}"
    assert messages_of(client.get("/agency/rectifications/"))
    assert Rectification.objects.get().status == "pending"

    client.post(f"/agency/rectifications/{rectification.pk}/return/", {"reason": "请补充运行记录照片"})
    assert Finding.objects.get().status == "returned"
    assert "请补充运行记录照片" in client.get("/agency/rectifications/").content.decode()

    again = rectification_submit(actor=enterprise_user(city.enterprise), finding=finding, note="补充运行记录")
    response = client.post(f"/agency/rectifications/{again.pk}/accept/")
    assert response["Location"] == f"/agency/rectifications/#finding-{finding.pk}"
    assert Finding.objects.get().status == "accepted"
    assert client.post(f"/agency/rectifications/{again.pk}/accept/", follow=True).context["messages"]


def test_another_agency_on_the_visit_cannot_decide_the_rectification(client, city, visit):
    rectification = submitted(client, city, visit)
    client.force_login(city.market_officer)  # on the visit, but the finding is the ecology bureau's
    assert client.post(f"/agency/rectifications/{rectification.pk}/accept/").status_code == 404
    assert client.post(f"/agency/rectifications/{rectification.pk}/return/", {"reason": "x"}).status_code == 404
    assert "已修复" not in client.get("/agency/rectifications/").content.decode()
    assert Rectification.objects.get().status == "pending"


def test_a_serious_finding_is_rechecked_through_a_new_plan(client, city, visit):
    finalised(client, city, visit, severity="serious")
    finding = Finding.objects.get()
    client.force_login(city.ecology_officer)
    assert f'action="/agency/findings/{finding.pk}/recheck/"' in client.get("/agency/rectifications/").content.decode()
    response = client.post(
        f"/agency/findings/{finding.pk}/recheck/", {"window_start": "2026-06-22", "window_end": "2026-06-26"}
    )
    finding.refresh_from_db()
    assert finding.status == "recheck" and finding.recheck_plan.agency == city.ecology
    assert response["Location"] == f"/agency/plans/{finding.recheck_plan_id}/"
    response = client.post(
        f"/agency/findings/{finding.pk}/recheck/",
        {"window_start": "2026-06-22", "window_end": "2026-06-26"},
        follow=True,
    )
    assert messages_of(response) and Plan.objects.filter(enterprise=city.enterprise, status="filed").count() == 1


def test_a_minor_finding_offers_no_recheck_and_refuses_one(client, city, visit):
    finalised(client, city, visit)
    finding = Finding.objects.get()
    client.force_login(city.ecology_officer)
    assert "/recheck/" not in client.get("/agency/rectifications/").content.decode()
    response = client.post(
        f"/agency/findings/{finding.pk}/recheck/", {"window_start": "2026-06-22", "window_end": "2026-06-26"}
    )
    assert response["Location"] == f"/agency/rectifications/#finding-{finding.pk}"
    assert Finding.objects.get().status == "open"


def test_overdue_findings_are_highlighted(client, city, visit):
    finalised(client, city, visit)
    finding = Finding.objects.get()
    client.force_login(city.ecology_officer)
    assert "finding-row overdue" not in client.get("/agency/rectifications/").content.decode()
    with freeze(dt.datetime.combine(finding.deadline + dt.timedelta(days=1), dt.time(9), tzinfo=SHANGHAI)):
        client.force_login(city.ecology_officer)  # the session of 16 days ago has expired
        html = client.get("/agency/rectifications/").content.decode()
    assert f'class="finding-row overdue" id="finding-{finding.pk}"' in html


# -- notice PDF and links -----------------------------------------------------------------------------------


def test_the_notice_pdf_of_a_fixed_visit(client, city, visit):
    client.force_login(city.market_officer)
    response = client.get(f"/agency/tasks/{visit.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_a_visit_not_yet_fixed_has_no_notice(client, city, visit):
    JointTask.objects.filter(pk=visit.pk).update(fixed=False, status=JointTask.Status.SCHEDULED)
    client.force_login(city.market_officer)
    response = client.get(f"/agency/tasks/{visit.pk}/notice.pdf")
    assert response.status_code == 302 and response["Location"] == f"/agency/tasks/{visit.pk}/"


def test_the_visit_page_and_the_nav_link_to_the_new_pages(client, city, visit):
    client.force_login(city.market_officer)
    html = client.get(f"/agency/tasks/{visit.pk}/").content.decode()
    assert f'href="/agency/tasks/{visit.pk}/site/"' in html and f'href="/agency/tasks/{visit.pk}/notice.pdf"' in html
    assert 'href="/agency/records/"' in html and 'href="/agency/rectifications/"' in html
    client.force_login(JusticeUserFactory(agency=city.justice_bureau))
    html = client.get(f"/justice/tasks/{visit.pk}/").content.decode()
    assert "/site/" not in html and "notice.pdf" not in html


# -- who is refused -----------------------------------------------------------------------------------------


@pytest.fixture
def everything(client, city, visit):
    """A finalised record with a finding, a pending rectification and a photo: every page has its object."""
    rectification = submitted(client, city, visit)
    record = InspectionRecord.objects.get()
    item = item_of(record, city.market_matter)
    client.logout()
    return {"task": visit, "record": record, "item": item, "finding": rectification.finding, "rect": rectification}


def pages(o) -> list[tuple[str, str, dict]]:
    return [
        ("get", f"/agency/tasks/{o['task'].pk}/site/", {}),
        ("post", f"/agency/tasks/{o['task'].pk}/site/", {"token": "x"}),
        ("get", f"/agency/tasks/{o['task'].pk}/notice.pdf", {}),
        ("get", f"/agency/records/{o['record'].pk}/", {}),
        ("post", f"/agency/records/{o['record'].pk}/finalise/", {}),
        ("post", f"/agency/records/items/{o['item'].pk}/", {"result": "non_compliant"}),
        ("post", f"/agency/records/items/{o['item'].pk}/photo/", {}),
        ("post", f"/agency/records/items/{o['item'].pk}/finding/", {}),
        ("post", f"/agency/rectifications/{o['rect'].pk}/accept/", {}),
        ("post", f"/agency/rectifications/{o['rect'].pk}/return/", {"reason": "x"}),
        (
            "post",
            f"/agency/findings/{o['finding'].pk}/recheck/",
            {"window_start": "2026-06-22", "window_end": "2026-06-26"},
        ),
    ]


LIST_PAGES = ["/agency/records/", "/agency/rectifications/"]


@pytest.mark.parametrize("who", ["enterprise", "justice"])
def test_other_portals_are_refused_every_page(client, city, everything, who):
    user = enterprise_user(city.enterprise) if who == "enterprise" else JusticeUserFactory(agency=city.justice_bureau)
    client.force_login(user)
    for method, url, data in pages(everything):
        assert getattr(client, method)(url, data).status_code == 403, (who, method, url)
    for url in LIST_PAGES:
        assert client.get(url).status_code == 403, (who, url)
    assert Rectification.objects.get().status == "pending" and Finding.objects.get().status == "submitted"


def test_an_agency_not_on_the_visit_gets_404_for_every_object_but_is_told_why_at_the_door(client, city, everything):
    client.force_login(city.emergency_officer)
    for method, url, data in pages(everything):
        expected = 403 if url.endswith("/site/") else 404
        assert getattr(client, method)(url, data).status_code == expected, (method, url)
    for url in LIST_PAGES:
        response = client.get(url)
        assert response.status_code == 200 and city.enterprise.name not in response.content.decode()
    assert not CheckIn.objects.filter(officer=city.emergency_officer).exists()
    assert Rectification.objects.get().status == "pending"


def test_an_officer_whose_agency_is_not_on_the_visit_reads_why_on_its_check_in_page(client, city, visit):
    client.force_login(city.emergency_officer)
    response = client.get(f"/agency/tasks/{visit.pk}/site/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "您所在的部门不参加这次检查" in html and city.enterprise.name not in html
    assert 'href="/"' in html  # a way back
    assert client.get(f"/agency/tasks/{visit.pk + 1000}/site/").status_code == 404  # no such visit


def test_anonymous_visitors_are_sent_to_the_login(client, everything):
    for method, url, data in pages(everything) + [("get", u, {}) for u in LIST_PAGES]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), (method, url)


def test_the_responsible_agency_exports_its_findings_as_csv(client, city, visit):
    rectification = submitted(client, city, visit)
    client.force_login(city.ecology_officer)
    response = client.get("/agency/rectifications/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert rectification.finding.description in text and city.enterprise.name in text
    client.force_login(city.emergency_officer)  # not responsible for it
    text = b"".join(client.get("/agency/rectifications/export.csv").streaming_content).decode("utf-8-sig")
    assert rectification.finding.description not in text
