"""``POST /api/v1/hotline/updates/``: the 12345 hotline's status updates, authenticated by HMAC over the body
with a timestamp (``complaints.hotline``), not by a user. Refused: 401 for a bad signature or a stale
timestamp, 409 for a replayed update id, 404 for an unknown complaint, 400 for a bad status."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from yantai_inspect.errors import DomainError

from . import hotline, services
from .models import Complaint

BODY_MAX = 64 * 1024


@csrf_exempt
@require_POST
def hotline_updates(request):
    if not (request.headers.get(hotline.TIMESTAMP_HEADER) and request.headers.get(hotline.SIGNATURE_HEADER)):
        return JsonResponse({"error": "unsigned"}, status=401)
    if request.content_type != "application/json":  # (a form body is already read by the input middleware)
        return JsonResponse({"error": "application/json expected"}, status=415)
    length = request.headers.get("Content-Length") or "0"
    if not length.isdigit() or int(length) > BODY_MAX:
        return JsonResponse({"error": "too large"}, status=413)
    body = request.body
    try:
        message = hotline.hotline_verify(body=body, timestamp=request.headers.get(hotline.TIMESTAMP_HEADER),
                                         signature=request.headers.get(hotline.SIGNATURE_HEADER))
    except hotline.HotlineRefused as exc:
        return JsonResponse({"error": exc.reason}, status=401)
    key = message.get("idempotency_key")
    complaint = Complaint.objects.filter(hotline_key=key).first() if isinstance(key, str) else None
    if complaint is None:
        return JsonResponse({"error": "unknown complaint"}, status=404)
    status = message.get("status")
    try:
        with transaction.atomic():
            if not hotline.hotline_seen(update_id=message["id"], complaint=complaint):
                return JsonResponse({"error": "replay", "id": message["id"]}, status=409)
            services.complaint_hotline_update(
                complaint=complaint, status=status if isinstance(status, str) else "",
                note=message.get("note") if isinstance(message.get("note"), str) else "",
                ticket=message.get("ticket") if isinstance(message.get("ticket"), str) else "",
            )
    except (DomainError, PermissionDenied) as exc:
        return JsonResponse({"error": str(getattr(exc, "message", exc))}, status=400)
    complaint.refresh_from_db(fields=["status"])
    return JsonResponse({"id": message["id"], "status": complaint.status})
