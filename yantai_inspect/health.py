"""GET /healthz/: the liveness and readiness probe for docker-compose and load balancers.

One indexed query (the first agency by primary key) through the ORM's connection, no session, no login, no
template: 200 when the database answers, 503 when it does not. It is also the reference of bench/loadtest.py,
which reports every action's throughput as a ratio to this view's, measured in the same run.
"""

from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.models import Agency


@never_cache
@require_safe
def healthz(request):
    try:
        Agency.objects.order_by("pk").values_list("pk", flat=True).first()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
