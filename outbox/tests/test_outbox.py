from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from outbox.models import OutboxMessage
from outbox.registry import outbox_handler
from outbox.services import outbox_claim, outbox_drain, outbox_enqueue, outbox_run_message

pytestmark = pytest.mark.django_db
CALLS = []


@outbox_handler("test.record_call")
def record_call(*, value):
    CALLS.append(value)


@outbox_handler("test.explode")
def explode():
    raise ValueError("boom")


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


def test_work_is_handed_to_the_worker_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        outbox_enqueue(handler="test.record_call", payload={"value": 1})
    assert CALLS == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert CALLS == [1]
    assert OutboxMessage.objects.get().status == "done"


def test_nothing_is_enqueued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(handler="test.record_call", payload={"value": 1})
        raise RuntimeError
    assert not OutboxMessage.objects.exists()
    assert CALLS == []


def test_work_is_not_lost_when_the_broker_is_down(django_capture_on_commit_callbacks):
    with (
        mock.patch("outbox.tasks.outbox_run.delay", side_effect=ConnectionError("redis down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_enqueue(handler="test.record_call", payload={"value": 7})
    assert CALLS == []
    assert OutboxMessage.objects.get().status == "pending"
    assert outbox_drain() == 1
    assert CALLS == [7]


def test_a_message_is_run_once_however_often_it_is_dispatched():
    message = OutboxMessage.objects.create(
        handler="test.record_call", payload={"value": 3}, available_at="2020-01-01T00:00:00Z"
    )
    assert outbox_run_message(message.pk) is True
    assert outbox_run_message(message.pk) is False
    assert outbox_drain() == 0
    assert CALLS == [3]


def test_only_one_claim_wins():
    message = OutboxMessage.objects.create(
        handler="test.record_call", payload={"value": 3}, available_at="2020-01-01T00:00:00Z"
    )
    assert outbox_claim(message.pk) is True
    assert outbox_claim(message.pk) is False


def test_the_same_dedupe_key_is_enqueued_once():
    assert outbox_enqueue(handler="test.record_call", payload={"value": 1}, dedupe_key="k1") is not None
    assert outbox_enqueue(handler="test.record_call", payload={"value": 1}, dedupe_key="k1") is None
    assert OutboxMessage.objects.count() == 1


def test_a_first_enqueue_is_one_insert_without_a_read_first():
    """Fails on the old code: it read the key (SELECT 1 ... LIMIT 1) before inserting it."""
    with CaptureQueriesContext(connection) as queries:
        assert outbox_enqueue(handler="test.record_call", payload={"value": 1}, dedupe_key="k2") is not None
    assert [q["sql"].split()[0] for q in queries.captured_queries if "outbox_outboxmessage" in q["sql"]] == ["INSERT"]


def test_a_failing_handler_is_retried_later_with_the_error_kept():
    message = OutboxMessage.objects.create(handler="test.explode", payload={}, available_at="2020-01-01T00:00:00Z")
    assert outbox_run_message(message.pk) is False
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1 and "boom" in message.last_error
    assert outbox_drain() == 0  # backed off: not due yet
