"""No page a user sees shows the platform's internals: an action code (``licence.expiry_warning``), a Python
literal (``True``, ``None``, ``{'``) or an English sentence left untranslated. Run over every page of every
role of the demo city (``seed_demo``, with its activity): each role's portal is crawled from its landing
page, following the links it shows, in Chinese."""

import datetime as dt
import io
import json
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from audit.describe import ACTIONS

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PAGES_PER_ROLE = 120
# Links not to follow: leaving, switching language, files (PDF, CSV, photos), the API and the admin (Django's
# own pages, crawled only at their index), the public verification pages (a token per link), forms' actions.
SKIP = re.compile(r"^/(logout|i18n|api|static|media|verify|admin/.)|\.(pdf|csv|png|jpg|ico)(\?|$)")

ACTION_CODE = re.compile(
    "|".join(re.escape(code) for code in ACTIONS) + r"|\badmin\.[a-z_]+\.(add|change|delete)\b"
)
PYTHON_LITERAL = re.compile(r"\b(True|False|None)\b|\{'|\['|<[a-zA-Z_.]+ object at 0x")
# Two English words in a row (a usernames or code is one token; "CSV", "PDF", "QR" are one word).
ENGLISH = re.compile(r"\b[A-Za-z]{2,}[,.]?\s+[A-Za-z]+\b")
# "TOTP devices": django-otp names its model in a plain string (no gettext), so no catalogue translates it
ALLOWED_ENGLISH = re.compile(r"^(English|Swagger UI|Django|TOTP devices)$")


class _Text(HTMLParser):
    """The text a user reads: the page's text outside scripts and styles, and the attributes a browser
    shows (placeholder, title, alt, aria-label, a button's value); the links to follow."""

    SHOWN = {"placeholder", "title", "alt", "aria-label"}

    def __init__(self):
        super().__init__()
        self.chunks, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name, value in attrs.items():
            if value and (name in self.SHOWN or (name == "value" and attrs.get("type") in ("submit", "button"))):
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(data.strip())


def problems_of(html: str) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    found = []
    for chunk in parser.chunks:
        for pattern, what in ((ACTION_CODE, "action code"), (PYTHON_LITERAL, "Python literal")):
            if pattern.search(chunk):
                found.append(f"{what}: {chunk[:120]}")
        english = ENGLISH.search(chunk)
        if english and not ALLOWED_ENGLISH.match(chunk):
            found.append(f"untranslated: {chunk[:120]}")
    return found, parser.links


def crawl(client, start: str) -> tuple[dict[str, list[str]], int]:
    """Every page reachable from ``start`` through the links the pages show (GET, same site), at most
    PAGES_PER_ROLE of them: the problems of each page by its path, and how many pages were read."""
    seen, queue, problems, read = {start}, deque([start]), {}, 0
    while queue and read < PAGES_PER_ROLE:
        path = queue.popleft()
        read += 1
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
        assert response.status_code < 500, (path, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        found, links = problems_of(response.content.decode())
        if found:
            problems[path] = found
        for link in links:
            link = link.split("#")[0]
            if link.startswith("/") and not SKIP.search(link) and link not in seen:
                seen.add(link)
                queue.append(link)
    return problems, read


@pytest.fixture
def demo(db, settings, tmp_path):
    if not PO.with_suffix(".mo").exists():
        pytest.skip("translations are not compiled (make test and make run compile them)")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    path = tmp_path / "credentials.json"
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        # As make run seeds it: outside a request, in the site's language (what notifications are stored in).
        with translation.override(settings.LANGUAGE_CODE):
            call_command("seed_demo", credentials=str(path), stdout=io.StringIO())
        yield json.loads(path.read_text(encoding="utf-8"))


def test_the_words_test_finds_what_it_looks_for():
    html = (
        "<p>licence.expiry_warning</p><p>{'a': True}</p><p title='File a plan'>x</p>"
        "<script>var x = {'a': None}</script><p>officer_market · 91370611MAGYGLUY33 · PDF</p>"
    )
    found, _ = problems_of(html)
    assert [f.split(":")[0] for f in found] == ["action code", "Python literal", "untranslated"]


def test_no_page_of_any_role_shows_internals(demo):
    from accounts.models import User

    report, read = {}, {}
    for account in demo:
        client = Client()
        client.force_login(User.objects.get(username=account["username"]))
        landing = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        start = landing.get("Location", "/") if landing.status_code == 302 else "/"
        if start.startswith("/admin/"):
            start = "/audit/"  # the administrator's own portal pages; the admin site is Django's
        problems, read[account["username"]] = crawl(client, start)
        for path, found in problems.items():
            report[f"{account['username']} {path}"] = found
    assert all(n >= 3 for n in read.values()), read  # the crawl reached the portals' pages
    distinct = sorted({problem for found in report.values() for problem in found})
    assert not report, json.dumps({"distinct": distinct, "pages": sorted(report)}, ensure_ascii=False, indent=1)
