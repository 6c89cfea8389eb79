"""The filing writes its audit entries last (``audit.services.audit_deferred``): the chain head's lock, which
every audited write of the city waits for, is held from their INSERT to the commit, not through the
matching."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from audit.verification import verify_chain
from plans.services import plan_file
from plans.tests.conftest import days


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):  # no anchor of another run
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_a_filing_takes_the_chain_head_lock_last(city, frozen):
    """The filing (``plan_file``: the joint visit matched, the other agencies' plans joined) writes its entries
    after everything else: the head's lock and the entries' INSERT are its last two statements."""
    def file(officer):
        return plan_file(actor=officer, enterprise=city.enterprise, matters=[city.matter_of(officer)],
                         window_start=days(8), window_end=days(12))

    file(city.ecology_officer)  # a visit to join
    with CaptureQueriesContext(connection) as queries:
        plan = file(city.market_officer)
    assert plan.joint_task_id is not None
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    heads = [n for n, sql in enumerate(statements) if "audit_auditchainhead" in sql]
    inserts = [n for n, sql in enumerate(statements) if sql.startswith('INSERT INTO "audit_auditentry"')]
    assert len(heads) == 1 and len(inserts) == 1, statements
    assert inserts[0] == heads[0] + 1 and inserts[0] >= len(statements) - 2, statements[heads[0]:]
    assert AuditEntry.objects.filter(action="plan.file", object_id=str(plan.pk)).exists()
    assert verify_chain().ok
