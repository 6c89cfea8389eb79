"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

``make test`` installs /usr/bin/chromium (scripts/install-system-deps.sh); without it these tests
are skipped. Playwright's own browser download is never used.
"""
import io
import json
import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in this thread for the whole session;
# Django would take every ORM call made here (fixtures, assertions) for one made from async code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make test does, via "
                    "scripts/install-system-deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(browser):
    """A fresh profile per test (no cookies carried over), set up like a user's browser in Yantai."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def browser_page(browser_context, live_server):
    """A page in a fresh context; the test opens ``live_server.url + path`` itself."""
    return browser_context.new_page()


@pytest.fixture
def demo_city(transactional_db, settings, tmp_path):
    """Seeds the demo city and returns its accounts: a list of dicts with role, username, password
    and agency or enterprise, as ``seed_demo --credentials`` writes them."""
    from django.core.management import call_command

    # Seeding hashes every demo password; the fast hasher keeps that out of the test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    path = tmp_path / "demo-credentials.json"
    call_command("seed_demo", credentials=str(path), no_activity=True, stdout=io.StringIO())
    return json.loads(path.read_text(encoding="utf-8"))

