"""Joint visits (联合检查任务) within the caller's scope."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import listing, selectors
from ..access import joint_task_for_user
from ..models import JointTask
from .serializers import JointTaskSerializer


class JointTaskListApi(generics.ListAPIView):
    """Joint visits within the caller's scope, ``?enterprise=<credit code>`` for one enterprise."""

    serializer_class = JointTaskSerializer  # the shape (schema, detail); the rows are ``plans.listing``'s dicts
    pagination_class = listing.ListPage

    @extend_schema(parameters=[OpenApiParameter("enterprise", str), OpenApiParameter("upcoming", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        upcoming = self.request.query_params.get("upcoming") in ("true", "1")
        qs = selectors.visits_in_date_order(user=self.request.user, since=timezone.localdate() if upcoming else None)
        code = self.request.query_params.get("enterprise")
        if code:
            qs = qs.filter(enterprise__uscc=code.upper())
        return qs.exclude(status=JointTask.Status.CANCELLED)

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(listing.late_rows(self.get_queryset(), listing.visit_values))
        rows = listing.visit_details(rows, officers=True, checklist=True)
        return self.get_paginated_response([listing.visit_api(row) for row in rows])


class JointTaskDetailApi(APIView):
    @extend_schema(responses=JointTaskSerializer)
    def get(self, request, pk):
        task = joint_task_for_user(user=request.user, task_id=pk)
        task = selectors.task_with_details(task.pk)
        return Response(JointTaskSerializer(task).data)
