from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yantai_inspect.site import absolute_url

from .models import Notification
from .selectors import notifications_for_user
from .services import notifications_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="the link as an address the app can open (SITE_URL)")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "url", "created_at", "read_at"]

    @extend_schema_field(serializers.CharField())
    def get_url(self, notification) -> str:
        # Stored as a path so the inbox survives a move of the site; made absolute when it leaves the site.
        return absolute_url(notification.link) if notification.link else ""


class NotificationListApi(generics.ListAPIView):
    """The caller's inbox: its agency's notifications, or its enterprise's."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        return notifications_for_user(user=self.request.user)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="omit to mark all")


class NotificationMarkReadApi(APIView):
    @extend_schema(
        request=MarkReadSerializer, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})
    )
    def post(self, request):
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response({"marked": notifications_mark_read(user=request.user, ids=body.validated_data.get("ids"))})
