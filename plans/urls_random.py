"""Pages of recusal (回避) and of random-check campaigns (双随机、一公开)."""

from django.urls import path

from . import recusal_views

urlpatterns = [
    path("agency/conflicts/", recusal_views.conflict_list, name="agency-conflicts"),
    path("agency/recusals/", recusal_views.agency_recusal_list, name="agency-recusals"),
    path("agency/recusals/<int:pk>/", recusal_views.agency_recusal_detail, name="agency-recusal-detail"),
    path("enterprise/recusals/", recusal_views.enterprise_recusal_list, name="enterprise-recusals"),
]
