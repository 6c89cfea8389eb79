"""The audit trail page: sentences and changed fields, never action codes or Python literals; filters by
actor, agency, enterprise, action and date; the same list as CSV."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from accounts.tests.factories import AdminUserFactory, JusticeUserFactory, OfficerFactory
from audit.services import audit_record
from enterprises.tests.factories import EnterpriseFactory, enterprise_user

pytestmark = pytest.mark.django_db


def entry(*, actor, action, obj, details=None):
    with transaction.atomic():
        return audit_record(actor=actor, action=action, obj=obj, details=details)


@pytest.fixture
def trail():
    officer = OfficerFactory(full_name="张三")
    other = OfficerFactory(full_name="李四")
    jinhai = EnterpriseFactory(name="烟台金海药业有限公司")
    other_enterprise = EnterpriseFactory(name="烟台别家有限公司")
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC), tick=False):
        renamed = {"before": {"name": "旧"}, "after": {"name": "新"}}
        entry(actor=other, action="enterprise.update", obj=other_enterprise, details=renamed)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        entry(
            actor=officer,
            action="enterprise.update",
            obj=jinhai,
            details={"before": {"address": "旧址", "active": True}, "after": {"address": "新址", "active": False}},
        )
        entry(actor=None, action="admin.enterprise.delete", obj=jinhai, details={"deleted": {"note": None}})
    return {"officer": officer, "other": other, "jinhai": jinhai, "other_enterprise": other_enterprise}


def page(client, query=""):
    client.force_login(JusticeUserFactory())
    response = client.get(f"/audit/{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_sentences_with_the_changed_fields(client, trail):
    html = page(client)
    assert "张三 changed the enterprise: 烟台金海药业有限公司" in html
    assert "旧址 → 新址" in html and "yes → no" in html
    assert "The platform deleted: enterprise「烟台金海药业有限公司」" in html
    for internal in ("enterprise.update", "admin.enterprise.delete", "True", "None", "{&#x27;", "system"):
        assert internal not in html.split("<tbody>")[1], internal


@pytest.mark.parametrize(
    "query,shown,hidden",
    [
        ("?actor={officer}", "旧址", "旧 →"),
        ("?enterprise=金海", "旧址", "旧 →"),
        ("?enterprise=别家", "旧 →", "旧址"),
        ("?action=enterprise.update&until=2026-11-10", "旧 →", "旧址"),
        ("?since=2026-11-10", "旧址", "旧 →"),
        ("?agency={agency}", "旧址", "旧 →"),
    ],
)
def test_it_filters(client, trail, query, shown, hidden):
    query = query.format(officer=trail["officer"].username, agency=trail["officer"].agency_id)
    html = page(client, query)
    assert shown in html and hidden not in html


def test_a_bad_filter_value_is_not_an_error(client, trail):
    assert "旧址" in page(client, "?since=not-a-date&agency=abc&action=nonsense")


def test_it_exports_the_filtered_list_as_csv(client, trail):
    client.force_login(AdminUserFactory())
    response = client.get("/audit/export.csv?enterprise=金海")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "烟台金海药业有限公司" in text and "新址" in text and "别家" not in text
    assert len(text.strip().splitlines()) == 3


def test_enterprises_cannot_export(client):
    client.force_login(enterprise_user())
    assert client.get("/audit/export.csv").status_code == 403


def test_an_officer_exports_only_its_agencys_entries(client):
    """Officers read their own agency's trail (audit.scope), in the page and in its CSV alike."""
    officer, stranger = OfficerFactory(full_name="本局甲"), OfficerFactory(full_name="外局乙")
    with transaction.atomic():
        audit_record(actor=officer, action="agency.update", obj=officer.agency, details={})
        audit_record(actor=stranger, action="agency.update", obj=stranger.agency, details={})
    client.force_login(officer)
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "本局甲" in text and "外局乙" not in text


def test_anonymous_is_sent_to_login_for_the_export(client):
    assert client.get("/audit/export.csv").status_code == 302
