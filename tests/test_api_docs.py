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
