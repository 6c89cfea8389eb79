"""Issue 13 item 5: schemathesis over the whole OpenAPI schema (drf-spectacular's ``/api/schema/``), every
operation, as an officer and as an enterprise, checked for server errors and for responses that disagree with
the schema. Bounded and reproducible: ``MAX_EXAMPLES`` examples per operation and generation mode (valid
and invalid input), ``derandomize=True``, no shrinking (the first failing request is reported as generated).

Each operation runs as its own hypothesis search; every failure is collected and the test reports them all at
once (operation, mode, check, the request that failed) rather than stopping at the first."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from accounts.tests.factories import api_key_for
from enterprises.tests.factories import enterprise_user
from plans.tests.conftest import City

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 15
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# No server error; every answer's status documented (yantai_inspect.schema adds the error answers) and its body
# as documented.
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Operations left out, each by name with its reason (nothing is left out silently).
EXCLUDED: dict[str, str] = {
    # Revokes the very token the run authenticates with: every later request would be a 401. Logout is
    # covered by accounts/tests (revoked at logout, 204, the token refused afterwards).
    "POST /api/v1/auth/logout/": "revokes the caller's own token",
}


@pytest.fixture
def no_throttles(monkeypatch):
    """The run sends a few thousand requests a minute as one user; the throttles are tested on their own
    (tests/test_api_throttles.py). The views take their throttle classes when they are defined, so a setting
    would not reach them (and views first imported under it would keep none): every throttle lets the run
    through instead (the first role's anonymous count outlived its run and the next run's schema request got
    a 429)."""
    from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    monkeypatch.setattr(BaseThrottle, "allow_request", lambda self, request, view: True)


@pytest.fixture
def connections_kept():
    """The WSGI handler closes the database connection at each request's end; inside the test's transaction
    (PostgreSQL) that would drop it. Django's test client disconnects the same handler around its requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def city(no_throttles, connections_kept):
    return City()


def _fuzz(headers) -> tuple[list[str], int, dict[int, int]]:
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    failures: list[str] = []
    statuses: dict[int, int] = {}
    ran = 0
    nothing_to_negate = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in EXCLUDED:
            continue
        ran += 1
        for mode in MODES:

            @settings(
                max_examples=MAX_EXAMPLES,
                derandomize=True,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            try:
                run()
            except Unsatisfiable:  # negative mode on an operation with nothing to make invalid (no parameters)
                if mode is not GenerationMode.NEGATIVE:
                    raise
                nothing_to_negate += 1
            except (Exception, BaseExceptionGroup) as error:  # schemathesis's FailureGroup is a BaseExceptionGroup
                failures.append(f"{operation.label} [{mode.value}]: {_describe(error)}")
    print(f"schemathesis: {nothing_to_negate} operations without input that can be made invalid")
    return failures, ran, statuses


def _describe(error: BaseException) -> str:
    """The failure's own words without the schema dump: the check, the value, the request to repeat it."""
    errors = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
    lines = []
    for each in errors:
        text = [line for line in str(each).splitlines() if line.strip()]
        lines.append(f"{type(each).__name__}: " + " | ".join(text[:3])[:400])
    curl = [line.strip() for line in str(error).splitlines() if line.strip().startswith("curl ")]
    return "; ".join(lines) + (f"\n    {curl[0][:400]}" if curl else "")


def _report(failures, ran, statuses):
    print(f"schemathesis: {ran} operations, statuses {sorted(statuses.items())}, {len(failures)} failing")
    assert ran > 0 and statuses.get(200, 0) > 0
    assert not failures, f"{len(failures)} failing (operation, mode) of {ran} operations:\n\n" + "\n\n".join(
        failures
    )


def test_the_schema_holds_for_an_officer(city):
    _report(*_fuzz({"Authorization": f"Token {api_key_for(city.market_officer)}"}))


def test_the_schema_holds_for_an_enterprise(city):
    _report(*_fuzz({"Authorization": f"Token {api_key_for(enterprise_user(city.enterprise))}"}))
