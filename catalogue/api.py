from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from .models import Matter, Theme
from .selectors import matters_list


class MatterSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="department.code", help_text="Owning department code")
    agency_name = serializers.CharField(source="department.name")
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Matter
        fields = ["code", "name", "agency", "agency_name", "themes", "standard", "legal_basis"]


class ThemeSerializer(serializers.ModelSerializer):
    lead_department = serializers.CharField(source="lead_department.code")
    participating_departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Theme
        fields = ["code", "name", "lead_department", "participating_departments"]


@extend_schema(
    parameters=[
        OpenApiParameter("agency", str, description="department code, or an agency code (its department's matters)"),
        OpenApiParameter("theme", str),
    ]
)
class MatterListApi(generics.ListAPIView):
    """The catalogue of supervision matters."""

    serializer_class = MatterSerializer
    pagination_class = None

    def get_queryset(self):
        return matters_list(
            agency_or_department_code=self.request.query_params.get("agency") or None,
            theme_code=self.request.query_params.get("theme") or None,
        )


class ThemeListApi(generics.ListAPIView):
    serializer_class = ThemeSerializer
    pagination_class = None

    def get_queryset(self):
        return Theme.objects.select_related("lead_department").prefetch_related("participating_departments")
