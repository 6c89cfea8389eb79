"""The API for the officer app (山东通) and the enterprise app (爱山东), under /api/v1/."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from catalogue import api as catalogue_api
from enterprises import api as enterprises_api
from plans import api as plans_api

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("enterprises/", enterprises_api.EnterpriseListApi.as_view(), name="api-enterprise-list"),
    path("enterprises/<str:uscc>/", enterprises_api.EnterpriseDetailApi.as_view(), name="api-enterprise-detail"),
    path("matters/", catalogue_api.MatterListApi.as_view(), name="api-matter-list"),
    path("themes/", catalogue_api.ThemeListApi.as_view(), name="api-theme-list"),
    path("plans/", plans_api.PlanListCreateApi.as_view(), name="api-plan-list"),
    path("plans/preview/", plans_api.PlanPreviewApi.as_view(), name="api-plan-preview"),
    path("plans/<int:pk>/", plans_api.PlanDetailApi.as_view(), name="api-plan-detail"),
    path("plans/<int:pk>/withdraw/", plans_api.PlanWithdrawApi.as_view(), name="api-plan-withdraw"),
    path("plans/<int:pk>/review/", plans_api.PlanReviewApi.as_view(), name="api-plan-review"),
    path("plans/<int:pk>/post-review/", plans_api.PlanPostReviewApi.as_view(), name="api-plan-post-review"),
    path("reviews/", plans_api.ReviewQueueApi.as_view(), name="api-review-queue"),
    path("joint-tasks/", plans_api.JointTaskListApi.as_view(), name="api-joint-task-list"),
    path("joint-tasks/<int:pk>/", plans_api.JointTaskDetailApi.as_view(), name="api-joint-task-detail"),
    path("invitations/", plans_api.InvitationListApi.as_view(), name="api-invitation-list"),
    path("invitations/<int:pk>/decline/", plans_api.InvitationDeclineApi.as_view(), name="api-invitation-decline"),
    path("statistics/", plans_api.StatisticsApi.as_view(), name="api-statistics"),
]
