import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # What a test writes under var/ (the audit chain's anchors and last verdict, audit.anchoring) stays its own:
    # the repository's var/ is the demo's, and the PostgreSQL pass after the SQLite one must not read the
    # SQLite pass's anchors.
    settings.VAR_DIR = tmp_path / "var"


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locks under concurrency); runs in the PostgreSQL pass")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services, commands and tasks run in English in tests so assertions can name the rule in one language;
    pages are requested as a user would (LocaleMiddleware picks zh-hans), which the portal tests check."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _locked_addresses_per_test(monkeypatch):
    """The cache outlives a test's database: an address one test locked out (accounts.lockout) must not refuse
    the next test's logins from the same address. Each test gets its own key space."""
    import uuid

    from accounts import lockout

    monkeypatch.setattr(lockout, "LOCKED_ADDRESS_KEY", f"test-{uuid.uuid4().hex}:" + "{}")
