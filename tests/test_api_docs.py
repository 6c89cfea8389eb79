"""Issue 12: the API's documentation is behind the login in production (API_DOCS_LOGIN_REQUIRED) and its
user-facing texts are in the reader's language."""

import pytest

from accounts.tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db
DOCS = ["/api/schema/", "/api/docs/", "/api/redoc/"]


@pytest.mark.parametrize("path", DOCS)
def test_anonymous_readers_are_sent_to_the_login_when_required(client, settings, path):
    settings.API_DOCS_LOGIN_REQUIRED = True
    response = client.get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(OfficerFactory())
    assert client.get(path).status_code == 200


def test_the_docs_are_open_where_not_required(client, settings):
    settings.API_DOCS_LOGIN_REQUIRED = False
    assert client.get("/api/docs/").status_code == 200


def test_the_schema_s_title_is_in_the_reader_s_language(client):
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert schema["info"]["title"] == "Yantai joint enterprise-inspection platform API"
    assert "token" in schema["info"]["description"]


def test_the_schema_s_title_is_in_chinese_for_a_chinese_reader(client):
    from tests.test_translations import PO

    if not PO.with_suffix(".mo").exists():
        pytest.skip("translations are not compiled (make test and make run compile them)")
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert schema["info"]["title"] == "烟台市涉企联合检查平台 API"


def _operations(schema):
    return [op for ops in schema["paths"].values() for op in ops.values() if isinstance(op, dict)]


def test_every_operation_has_a_summary_from_the_one_table(client):
    from yantai_inspect.api_docs import OPERATIONS

    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    operations = _operations(schema)
    assert {op["operationId"] for op in operations} <= set(OPERATIONS), "add the new operations to api_docs"
    assert all(op.get("summary") for op in operations)
    sign = next(op for op in operations if op["operationId"] == "v1_records_sign_create")
    assert sign["summary"] == "Enterprise: sign a record" and "drawn signature" in sign["description"]


# What a mobile-app developer looks up: filing, visits and check-in, records and signing, rectification, complaints.
MOBILE = ["v1_auth_token_create", "v1_plans_create", "v1_plans_list", "v1_joint_tasks_list",
          "v1_joint_tasks_check_in_create", "v1_joint_tasks_notice_retrieve", "v1_records_list",
          "v1_records_retrieve", "v1_record_items_partial_update", "v1_record_items_findings_create",
          "v1_records_finalise_create", "v1_records_sign_create", "v1_records_refuse_create", "v1_findings_list",
          "v1_findings_rectifications_create", "v1_complaints_create", "v1_complaints_action_create"]


def test_the_schema_s_operations_are_in_chinese_for_a_chinese_reader(client):
    import re

    from tests.test_translations import PO

    if not PO.with_suffix(".mo").exists():
        pytest.skip("translations are not compiled (make test and make run compile them)")
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    chinese = re.compile(r"[\u4e00-\u9fff]")
    by_id = {op["operationId"]: op for op in _operations(schema)}
    for operation_id in MOBILE:
        op = by_id[operation_id]
        assert chinese.search(op["summary"]), (operation_id, op["summary"])
        assert chinese.search(op["description"]), (operation_id, op["description"])
    untranslated = [op["summary"] for op in by_id.values() if not chinese.search(op["summary"])]
    assert not untranslated, untranslated
    assert by_id["v1_records_sign_create"]["summary"] == "企业：签署检查记录"
