"""The 12345 enterprise hotline (政企通), both ways, signed with HMAC-SHA256 under ``HOTLINE_SECRET``.

A message's signature is ``hex(HMAC-SHA256(secret, timestamp + "." + body))``, sent in ``X-Hotline-Signature``
with the Unix timestamp in ``X-Hotline-Timestamp``. Outbound, ``hotline_deliver`` posts a complaint with its
``Idempotency-Key`` (the complaint's ``hotline_key``, the same on every attempt), so the hotline files it once
however often it arrives; the hotline's answer echoes the key and gives its ticket. A timeout or an error
raises, and the outbox retries with back-off. Inbound, ``hotline_verify`` refuses a bad signature, a stale
timestamp and a replayed update id (``HotlineInbound``)."""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record

from .models import Complaint, HotlineInbound

TIMESTAMP_HEADER = "X-Hotline-Timestamp"
SIGNATURE_HEADER = "X-Hotline-Signature"
KEY_HEADER = "Idempotency-Key"


class HotlineError(Exception):
    """The hotline did not take the complaint (down, slow, refused, or an answer we cannot trust)."""


class HotlineRefused(Exception):
    """An inbound message that is not authentic, stale or a replay; ``reason`` says which."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def sign(body: bytes, timestamp: str, secret: str | None = None) -> str:
    secret = settings.HOTLINE_SECRET if secret is None else secret
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, secret: str | None = None, *, timestamp: str | None = None) -> dict[str, str]:
    timestamp = timestamp or str(int(time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(body, timestamp, secret),
            "Content-Type": "application/json"}


def complaint_payload(complaint: Complaint) -> dict:
    """What the hotline gets: the complaint, the enterprise and the bureau handling it (no photos' bytes)."""
    return {
        "idempotency_key": complaint.hotline_key,
        "complaint_id": complaint.pk,
        "kind": complaint.kind,
        "text": complaint.text,
        "enterprise": {"uscc": complaint.enterprise.uscc, "name": complaint.enterprise.name},
        "justice_bureau": {"code": complaint.justice_bureau.code, "name": complaint.justice_bureau.name},
        "visit_date": complaint.task.visit_date.isoformat() if complaint.task_id else None,
        "officer_certificate": complaint.officer.certificate_number if complaint.officer_id else None,
        "received_on": complaint.received_on.isoformat(),
        "reply_due": complaint.reply_due.isoformat(),
    }


def hotline_deliver(*, complaint_id: int) -> None:
    """Post one complaint to the hotline; rerunnable: a delivered complaint is not posted again, and a post
    that timed out after the hotline filed it is answered with the same ticket for the same key."""
    complaint = (Complaint.objects.select_related("enterprise", "justice_bureau", "task", "officer")
                 .filter(pk=complaint_id).first())
    if complaint is None or complaint.hotline_delivery == Complaint.Delivery.DELIVERED:
        return
    if not (settings.HOTLINE_URL.startswith(("http://", "https://")) and settings.HOTLINE_SECRET):
        raise HotlineError("HOTLINE_URL (http or https) / HOTLINE_SECRET not configured")
    body = json.dumps(complaint_payload(complaint), ensure_ascii=False, sort_keys=True).encode()
    headers = {**signed_headers(body), KEY_HEADER: complaint.hotline_key}
    request = urllib.request.Request(settings.HOTLINE_URL, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) checked)
    Complaint.objects.filter(pk=complaint_id).update(hotline_attempts=complaint.hotline_attempts + 1)
    try:
        with urllib.request.urlopen(request, timeout=settings.HOTLINE_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read(65536) or b"{}")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        _failed(complaint_id, repr(exc))
        raise HotlineError(repr(exc)) from exc
    if not isinstance(answer, dict) or answer.get("idempotency_key") != complaint.hotline_key:
        _failed(complaint_id, "answer does not echo the idempotency key")
        raise HotlineError("answer does not echo the idempotency key")
    ticket = str(answer.get("ticket") or "")[:64]
    with transaction.atomic():
        # Conditional: a second worker's late answer does not deliver it twice.
        if Complaint.objects.filter(pk=complaint_id).exclude(hotline_delivery=Complaint.Delivery.DELIVERED).update(
            hotline_delivery=Complaint.Delivery.DELIVERED, hotline_ticket=ticket,
            hotline_delivered_at=timezone.now(), hotline_last_error="",
        ):
            audit_record(actor=None, action="complaint.hotline_delivered", obj=complaint, details={"ticket": ticket})


def _failed(complaint_id: int, error: str) -> None:
    Complaint.objects.filter(pk=complaint_id).exclude(hotline_delivery=Complaint.Delivery.DELIVERED).update(
        hotline_delivery=Complaint.Delivery.FAILED, hotline_last_error=error[:500]
    )


def hotline_verify(*, body: bytes, timestamp: str | None, signature: str | None) -> dict:
    """Authenticate an inbound message and parse it; ``HotlineRefused`` if the signature is wrong, the
    timestamp stale or malformed, or the body not a JSON object with an ``id``. The replay check is
    ``hotline_seen``, in the transaction that applies the update."""
    if not settings.HOTLINE_SECRET:
        raise HotlineRefused("not configured")
    if not timestamp or not signature or not timestamp.isdigit() or len(timestamp) > 12:
        raise HotlineRefused("missing or malformed signature headers")
    if not hmac.compare_digest(sign(body, timestamp), signature.strip().lower()):
        raise HotlineRefused("bad signature")
    if abs(time.time() - int(timestamp)) > settings.HOTLINE_MAX_SKEW_SECONDS:
        raise HotlineRefused("stale timestamp")
    try:
        message = json.loads(body)
    except ValueError:
        raise HotlineRefused("not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("id"), str) or not message["id"]:
        raise HotlineRefused("no update id")
    if len(message["id"]) > 64 or "\x00" in message["id"]:
        raise HotlineRefused("bad update id")
    return message


def hotline_seen(*, update_id: str, complaint) -> bool:
    """Record the update id; False when it was already seen (a replay). Inside the caller's transaction."""
    try:
        with transaction.atomic():
            HotlineInbound.objects.create(update_id=update_id, complaint=complaint)
    except IntegrityError:
        return False
    return True
