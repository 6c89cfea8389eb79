"""The API for the officer app and the enterprise app, under /api/v1/."""
from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from enterprises import api as enterprises_api

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("enterprises/", enterprises_api.EnterpriseListApi.as_view(), name="api-enterprise-list"),
    path("enterprises/<str:uscc>/", enterprises_api.EnterpriseDetailApi.as_view(), name="api-enterprise-detail"),
]
