"""The 12345 hotline over real HTTP: the simulator (``complaints.simulator``) in a thread on a free port."""

import json
import time

import pytest
from django.utils import timezone

from complaints import services
from complaints.hotline import signed_headers
from complaints.models import Complaint
from complaints.simulator import HotlineSimulator
from outbox.models import OutboxMessage
from outbox.services import outbox_run_message

SECRET = "test-hotline-secret"
UPDATES = "/api/v1/hotline/updates/"


@pytest.fixture
def hotline(settings):
    simulator = HotlineSimulator(secret=SECRET).start()
    settings.HOTLINE_URL = simulator.url
    settings.HOTLINE_SECRET = SECRET
    settings.HOTLINE_TIMEOUT_SECONDS = 2
    simulator.slow_seconds = 3
    yield simulator
    simulator.stop()


def filed(scene):
    complaint = services.complaint_file(actor=scene.user, kind=Complaint.Kind.CONDUCT, text="索要好处", task=scene.task)
    message = OutboxMessage.objects.get(dedupe_key=f"hotline:{complaint.pk}")
    return complaint, message


def run(message):
    """The outbox's next attempt, now (its back-off moved to the present)."""
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    return outbox_run_message(message.pk)


def test_it_is_delivered_once_with_the_key_echoed(scene, hotline):
    complaint, message = filed(scene)
    assert run(message)
    complaint.refresh_from_db()
    assert complaint.hotline_delivery == Complaint.Delivery.DELIVERED
    assert complaint.hotline_ticket == hotline.tickets[complaint.hotline_key]
    assert hotline.payloads[complaint.hotline_key]["enterprise"]["uscc"] == scene.enterprise.uscc
    assert not run(message)  # done: the outbox does not run it again
    assert hotline.posts == 1


def test_the_hotline_down_then_back_delivers_exactly_once(scene, hotline):
    hotline.control(fail=2)
    complaint, message = filed(scene)
    assert not run(message)
    complaint.refresh_from_db()
    assert complaint.hotline_delivery == Complaint.Delivery.FAILED and "503" in complaint.hotline_last_error
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.available_at > timezone.now()  # back-off
    assert not run(message)
    assert run(message)
    complaint.refresh_from_db()
    assert complaint.hotline_delivery == Complaint.Delivery.DELIVERED and complaint.hotline_attempts == 3
    assert len(hotline.tickets) == 1 and hotline.posts == 3


def test_a_slow_hotline_times_out_and_the_retry_is_not_a_second_complaint(scene, hotline):
    hotline.control(slow=1)
    complaint, message = filed(scene)
    assert not run(message)  # timed out, though the hotline filed it
    complaint.refresh_from_db()
    assert complaint.hotline_delivery == Complaint.Delivery.FAILED
    assert run(message)
    complaint.refresh_from_db()
    assert complaint.hotline_delivery == Complaint.Delivery.DELIVERED
    assert list(hotline.tickets) == [complaint.hotline_key]  # filed once: the same key, the same ticket
    assert complaint.hotline_ticket == hotline.tickets[complaint.hotline_key]


def test_an_answer_without_the_echoed_key_is_not_trusted(scene, hotline, settings):
    complaint, message = filed(scene)
    settings.HOTLINE_URL = hotline.url.replace("/complaints/", "/deliveries/")  # answers 404 JSON, no key
    assert not run(message)
    complaint.refresh_from_db()
    assert complaint.hotline_delivery == Complaint.Delivery.FAILED


def test_nothing_is_lost_with_no_hotline_configured(scene, settings):
    settings.HOTLINE_URL = ""
    complaint, message = filed(scene)
    assert not run(message)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING


# -- inbound ------------------------------------------------------------------------------------------


def post(client, update: dict, *, secret=SECRET, timestamp=None, body=None):
    body = body if body is not None else json.dumps(update).encode()
    headers = signed_headers(body, secret, timestamp=timestamp)
    return client.post(UPDATES, data=body, content_type="application/json",
                       headers={k: v for k, v in headers.items() if k != "Content-Type"})


@pytest.fixture
def inbound(settings):
    settings.HOTLINE_SECRET = SECRET


def test_a_signed_update_moves_the_complaint_through_the_service(scene, inbound, client):
    complaint, _ = filed(scene)
    response = post(client, {"id": "u1", "idempotency_key": complaint.hotline_key, "status": "accepted",
                             "ticket": "12345-000001", "note": "已受理"})
    assert response.status_code == 200, response.content
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACCEPTED and complaint.hotline_ticket == "12345-000001"
    assert complaint.steps.last().actor_repr


def test_a_forged_stale_or_replayed_update_is_refused(scene, inbound, client):
    complaint, _ = filed(scene)
    update = {"id": "u1", "idempotency_key": complaint.hotline_key, "status": "accepted"}
    assert post(client, update, secret="wrong").status_code == 401
    assert post(client, update, timestamp=str(int(time.time()) - 3600)).status_code == 401
    tampered = json.dumps(update).encode()
    headers = signed_headers(tampered, SECRET)
    forged = json.dumps({**update, "status": "upheld"}).encode()
    assert client.post(UPDATES, data=forged, content_type="application/json", headers={
        k: v for k, v in headers.items() if k != "Content-Type"}).status_code == 401
    assert client.post(UPDATES, data=json.dumps(update), content_type="application/json").status_code == 401
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED
    assert post(client, update).status_code == 200
    assert post(client, update).status_code == 409  # the same id again: a replay
    assert complaint.steps.count() == 2
    assert post(client, {"id": "u2", "idempotency_key": "nope", "status": "accepted"}).status_code == 404
    assert post(client, {"id": "u3", "idempotency_key": complaint.hotline_key, "status": "bogus"}).status_code == 400
    assert post(client, {}, body=b"\x00not json").status_code == 401
    assert client.get(UPDATES).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_the_simulator_answers_twice_over_http_and_the_second_is_a_replay(live_server, settings):
    from .conftest import Scene

    settings.HOTLINE_URL = ""
    scene = Scene()
    simulator = HotlineSimulator(secret=SECRET, callback_url=live_server.url + UPDATES).start()
    try:
        settings.HOTLINE_URL, settings.HOTLINE_SECRET, settings.HOTLINE_TIMEOUT_SECONDS = simulator.url, SECRET, 5
        simulator.control(twice=1)
        complaint, message = filed(scene)  # committed: the outbox ran it on commit (Celery eager in tests)
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.DONE
        for _ in range(200):  # the live server answers one at a time; the machine is shared
            if len(simulator.sent_updates) == 2:
                break
            time.sleep(0.1)
        assert sorted(code for code, _ in simulator.sent_updates) == [200, 409], simulator.sent_updates
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.ACCEPTED
        assert complaint.hotline_delivery == Complaint.Delivery.DELIVERED
        assert [s.action for s in complaint.steps.all()] == ["file", "accept"]
        code, _ = simulator.push_update(key=complaint.hotline_key, status="investigating", note="转区市场监管局核查")
        assert code == 200
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.INVESTIGATING
    finally:
        simulator.stop()


def test_a_delivery_that_ran_out_of_attempts_gets_a_new_round_daily(scene, hotline):
    from complaints.tasks import complaints_deadlines_check

    hotline.control(fail=1)
    complaint, message = filed(scene)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=7)  # the outbox's last attempt
    assert not run(message)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    complaints_deadlines_check.apply()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 0
    assert run(message)
    complaint.refresh_from_db()
    assert complaint.hotline_delivery == Complaint.Delivery.DELIVERED and len(hotline.tickets) == 1
