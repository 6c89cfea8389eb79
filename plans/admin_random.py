"""Recusal and random checks in the admin: read only (every change goes through ``plans.recusal`` and
``plans.campaigns``)."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyModelAdmin

from .models import OfficerConflict, RandomCheckCampaign, RandomCheckDraw, RecusalRequest


@admin.register(OfficerConflict)
class OfficerConflictAdmin(ReadOnlyModelAdmin):
    list_display = ["officer", "enterprise", "source", "created_at"]
    list_filter = ["source"]
    list_select_related = ["officer", "enterprise"]
    search_fields = ["officer__username", "officer__full_name", "enterprise__name", "enterprise__uscc"]


@admin.register(RecusalRequest)
class RecusalRequestAdmin(ReadOnlyModelAdmin):
    list_display = ["enterprise", "officer", "agency", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["enterprise", "officer", "agency"]
    search_fields = ["enterprise__name", "enterprise__uscc", "officer__username", "officer__full_name"]


@admin.register(RandomCheckCampaign)
class RandomCheckCampaignAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "code", "agency", "status", "population_size", "drawn_count", "created_at"]
    list_filter = ["status"]
    list_select_related = ["agency"]
    search_fields = ["name", "code", "agency__name"]
    exclude = ["seed", "snapshot"]  # the seed stays secret until the draw; the snapshot is on the public page

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot", "seed")


@admin.register(RandomCheckDraw)
class RandomCheckDrawAdmin(ReadOnlyModelAdmin):
    list_display = ["campaign", "position", "enterprise", "grade", "officers", "plan", "failure"]
    list_select_related = ["campaign", "enterprise"]
    search_fields = ["campaign__code", "enterprise__name", "enterprise__uscc"]
