"""What the visit's API answers with: records, their items, photos, findings and signatures (read-only)."""

from rest_framework import serializers

from .. import qrtokens, selectors
from ..models import Finding, InspectionRecord, Objection, Photo, RecordItem, Signature


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["id", "url", "width", "height", "size", "sha256", "uploaded_at"]

    def get_url(self, photo) -> str:
        return f"/api/v1/photos/{photo.pk}/"


class FindingSerializer(serializers.ModelSerializer):
    """A problem to rectify, found on site (``record`` and ``item``) or on a remote check (``remote_check``)."""

    matter = serializers.CharField(source="matter.code", read_only=True)
    matter_name = serializers.CharField(source="matter.name", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "record",
            "item",
            "remote_check",
            "matter",
            "matter_name",
            "agency",
            "enterprise",
            "description",
            "severity",
            "deadline",
            "status",
            "recheck_plan",
            "overdue_flagged_on",
        ]


class RecordItemSerializer(serializers.ModelSerializer):
    matter = serializers.CharField(source="matter.code")
    matter_name = serializers.CharField(source="matter.name")
    standard = serializers.CharField(source="matter.standard")
    photos = PhotoSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = RecordItem
        fields = ["id", "matter", "matter_name", "standard", "result", "note", "photos", "findings"]


class SignatureSerializer(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer.__str__")

    class Meta:
        model = Signature
        fields = ["signer", "signed_at", "refused", "objection", "method", "typed_name", "content_hash"]


class ObjectionSerializer(serializers.ModelSerializer):
    finding_description = serializers.CharField(source="finding.description")
    matter = serializers.CharField(source="finding.item.matter.code")
    agency = serializers.CharField(source="agency.code")
    decided_for = serializers.CharField(source="decided_for.code", default=None, allow_null=True)

    class Meta:
        model = Objection
        fields = ["id", "record", "finding", "finding_description", "matter", "agency", "text", "filed_at",
                  "status", "decided_for", "decided_at", "decision", "reply", "replied_at"]


class RecordBriefSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="task.enterprise.uscc")
    enterprise_name = serializers.CharField(source="task.enterprise.name")
    visit_date = serializers.DateField(source="task.visit_date")

    class Meta:
        model = InspectionRecord
        fields = ["id", "task", "enterprise", "enterprise_name", "visit_date", "status", "finalised_at"]


class RecordSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="task.enterprise.uscc")
    enterprise_name = serializers.CharField(source="task.enterprise.name")
    visit_date = serializers.DateField(source="task.visit_date")
    items = serializers.SerializerMethodField()
    signature = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionRecord
        fields = [
            "id",
            "task",
            "enterprise",
            "enterprise_name",
            "visit_date",
            "status",
            "summary",
            "finalised_at",
            "content_hash",
            "items",
            "signature",
            "objections",
            "verify_url",
        ]

    def get_items(self, record) -> list[dict]:
        return RecordItemSerializer(selectors.record_items(record), many=True).data

    def get_signature(self, record) -> dict | None:
        signature = Signature.objects.filter(record=record).select_related("signer").first()
        return SignatureSerializer(signature).data if signature else None

    def get_objections(self, record) -> list[dict]:
        """The enterprise's objections to findings, their decisions and its replies (kept with the record)."""
        return ObjectionSerializer(selectors.objections_of_record(record), many=True).data

    def get_verify_url(self, record) -> str | None:
        return qrtokens.record_verify_path(record)
