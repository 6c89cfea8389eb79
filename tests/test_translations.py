"""Chinese first: the zh-hans catalogue translates every message, and the portals render in Chinese."""

import shutil
import subprocess
from pathlib import Path

import pytest

from accounts.tests.factories import OfficerFactory

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_message():
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (Debian's gettext) is missing; scripts/install-system-deps.sh installs it")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.django_db
def test_the_agency_portal_is_in_chinese(client):
    if not PO.with_suffix(".mo").exists():
        pytest.skip("translations are not compiled (make test and make run compile them)")
    client.force_login(OfficerFactory())
    html = client.get("/agency/").content.decode()
    assert "报备检查计划" in html and "File a plan" not in html


@pytest.mark.django_db
def test_english_is_available(client):
    client.force_login(OfficerFactory())
    html = client.get("/agency/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "File a plan" in html
