"""The Content-Security-Policy allows no inline script, and no template or static file needs one; the API docs
are behind the login in production."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
PDF_TEMPLATES = "pdf"  # rendered by WeasyPrint into PDFs, never served to a browser


def html_templates():
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            if PDF_TEMPLATES not in path.relative_to(directory).parts[:1]:
                yield path


@pytest.mark.django_db
def test_every_page_carries_a_policy_without_inline_script(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"


def test_no_template_has_an_inline_script_or_an_event_handler_attribute():
    found = []
    for path in html_templates():
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in HANDLER.finditer(text)]
        if "javascript:" in text:
            found.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert found == []


def test_no_static_script_evaluates_strings():
    found = [str(p) for p in (ROOT / "static").rglob("*.js")
             if re.search(r"\beval\(|new Function\(|setTimeout\(\s*[\"']", p.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/schema/", "/api/redoc/"])
def test_the_api_docs_are_behind_the_login_in_production(client, settings, path):
    settings.PRODUCTION = True
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    settings.PRODUCTION = False
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_swagger_ui_loads_its_script_from_a_url_not_inline(client):
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
