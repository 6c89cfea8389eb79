"""The API for the officer app (山东通) and the enterprise app (爱山东), under /api/v1/."""

from django.urls import path

from accounts import api as accounts_api
from accounts import register_api
from audit import api as audit_api
from catalogue import api as catalogue_api
from complaints import api as complaints_api
from complaints import hotline_views
from credit import api as credit_api
from credit import import_api as credit_import_api
from credit import whitelist_api
from enterprises import api as enterprises_api
from inspections import api as inspections_api
from notifications import api as notifications_api
from oversight import api as oversight_api
from plans import api as plans_api
from supervision import api as supervision_api

urlpatterns = [
    # The 12345 hotline's status updates: authenticated by HMAC over the body, not by a user.
    path("hotline/updates/", hotline_views.hotline_updates, name="api-hotline-updates"),
    path("complaints/", complaints_api.ComplaintListApi.as_view(), name="api-complaints"),
    path("complaints/<int:pk>/", complaints_api.ComplaintDetailApi.as_view(), name="api-complaint-detail"),
    path("complaints/<int:pk>/action/", complaints_api.ComplaintActionApi.as_view(), name="api-complaint-action"),
    path("supervision/opinions/", supervision_api.OpinionListApi.as_view(), name="api-opinions"),
    path("supervision/opinions/<int:pk>/", supervision_api.OpinionDetailApi.as_view(), name="api-opinion-detail"),
    path("supervision/opinions/<int:pk>/answer/", supervision_api.OpinionAnswerApi.as_view(),
         name="api-opinion-answer"),
    path("supervision/opinions/<int:pk>/review/", supervision_api.OpinionReviewApi.as_view(),
         name="api-opinion-review"),
    path("supervision/counts/", supervision_api.OpinionCountsApi.as_view(), name="api-opinion-counts"),
    path("auth/token/", accounts_api.TokenObtainApi.as_view(), name="api-token"),
    path("auth/logout/", accounts_api.TokenLogoutApi.as_view(), name="api-logout"),
    path("auth/devices/", accounts_api.DeviceListApi.as_view(), name="api-devices"),
    path("auth/devices/<int:pk>/revoke/", accounts_api.DeviceRevokeApi.as_view(), name="api-device-revoke"),
    path("audit/verification/", audit_api.AuditVerificationApi.as_view(), name="api-audit-verification"),
    path("enterprises/", enterprises_api.EnterpriseListApi.as_view(), name="api-enterprise-list"),
    path(
        "enterprises/suggestions/",
        enterprises_api.EnterpriseSuggestionsApi.as_view(),
        name="api-enterprise-suggestions",
    ),
    path("enterprises/<str:uscc>/", enterprises_api.EnterpriseDetailApi.as_view(), name="api-enterprise-detail"),
    path("matters/", catalogue_api.MatterListApi.as_view(), name="api-matter-list"),
    # The public register (no login): is this certificate valid, an inspection body's officers.
    path("public/certificates/<str:number>/", register_api.CertificateCheckApi.as_view(), name="api-certificate-check"),
    path("public/agencies/<slug:code>/officers/", register_api.RegisterOfficersApi.as_view(),
         name="api-register-officers"),
    path("themes/", catalogue_api.ThemeListApi.as_view(), name="api-theme-list"),
    path("plans/", plans_api.PlanListCreateApi.as_view(), name="api-plan-list"),
    path("plans/campaign/", plans_api.PlanCampaignApi.as_view(), name="api-plan-campaign"),
    path("plans/preview/", plans_api.PlanPreviewApi.as_view(), name="api-plan-preview"),
    path("plans/<int:pk>/", plans_api.PlanDetailApi.as_view(), name="api-plan-detail"),
    path("plans/<int:pk>/withdraw/", plans_api.PlanWithdrawApi.as_view(), name="api-plan-withdraw"),
    path("plans/<int:pk>/refile/", plans_api.PlanRefileApi.as_view(), name="api-plan-refile"),
    path("plans/<int:pk>/officers/", plans_api.PlanOfficersApi.as_view(), name="api-plan-officers"),
    path("plans/<int:pk>/review/", plans_api.PlanReviewApi.as_view(), name="api-plan-review"),
    path("plans/<int:pk>/post-review/", plans_api.PlanPostReviewApi.as_view(), name="api-plan-post-review"),
    path("reviews/", plans_api.ReviewQueueApi.as_view(), name="api-review-queue"),
    path("approvals/", plans_api.ApprovalQueueApi.as_view(), name="api-approval-queue"),
    path("plans/<int:pk>/head-approval/", plans_api.PlanHeadApprovalApi.as_view(), name="api-plan-head-approval"),
    path("joint-tasks/", plans_api.JointTaskListApi.as_view(), name="api-joint-task-list"),
    path("joint-tasks/<int:pk>/", plans_api.JointTaskDetailApi.as_view(), name="api-joint-task-detail"),
    path("invitations/", plans_api.InvitationListApi.as_view(), name="api-invitation-list"),
    path("invitations/<int:pk>/decline/", plans_api.InvitationDeclineApi.as_view(), name="api-invitation-decline"),
    path("statistics/", plans_api.StatisticsApi.as_view(), name="api-statistics"),
    path("oversight/", oversight_api.OversightApi.as_view(), name="api-oversight"),
    path("cap-policy/", credit_api.CapPolicyApi.as_view(), name="api-cap-policy"),
    path("my-enterprise/caps/", plans_api.EnterpriseCapsApi.as_view(), name="api-enterprise-caps"),
    path("my-enterprise/busy-periods/", plans_api.BusyPeriodListApi.as_view(), name="api-busy-periods"),
    path("my-enterprise/busy-periods/<int:pk>/", plans_api.BusyPeriodDetailApi.as_view(), name="api-busy-period"),
    path("random-checks/", plans_api.CampaignListApi.as_view(), name="api-campaigns"),
    path("random-checks/<str:code>/", plans_api.CampaignDetailApi.as_view(), name="api-campaign-detail"),
    path("random-checks/<str:code>/draw/", plans_api.CampaignDrawApi.as_view(), name="api-campaign-draw"),
    path("public/random-checks/<str:code>/replay/", plans_api.CampaignReplayApi.as_view(), name="api-campaign-replay"),
    path("sampling-rates/", plans_api.SamplingRatesApi.as_view(), name="api-sampling-rates"),
    # 年度检查计划 and 专项检查 (plans.yearly, plans.special)
    path("yearly-plans/", plans_api.YearlyPlanListApi.as_view(), name="api-yearly-plans"),
    path("yearly-plans/overview/", plans_api.YearlyOverviewApi.as_view(), name="api-yearly-overview"),
    path("yearly-plans/<int:pk>/", plans_api.YearlyPlanDetailApi.as_view(), name="api-yearly-plan"),
    path("yearly-plans/<int:pk>/lines/", plans_api.YearlyLineAddApi.as_view(), name="api-yearly-line-add"),
    path("yearly-plans/lines/<int:pk>/remove/", plans_api.YearlyLineRemoveApi.as_view(),
         name="api-yearly-line-remove"),
    path("yearly-plans/<int:pk>/publish/", plans_api.YearlyPlanPublishApi.as_view(), name="api-yearly-publish"),
    path("public/yearly-plans/", plans_api.PublicYearlyPlansApi.as_view(), name="api-public-yearly-plans"),
    path("special-inspections/", plans_api.SpecialCampaignListApi.as_view(), name="api-special"),
    path("special-inspections/quotas/", plans_api.SpecialQuotaApi.as_view(), name="api-special-quotas"),
    path("special-inspections/<str:code>/", plans_api.SpecialCampaignDetailApi.as_view(), name="api-special-detail"),
    path("special-inspections/<str:code>/decision/", plans_api.SpecialCampaignDecisionApi.as_view(),
         name="api-special-decision"),
    path("public/special-inspections/", plans_api.PublicSpecialCampaignsApi.as_view(), name="api-public-special"),
    path("conflicts/", plans_api.ConflictListApi.as_view(), name="api-conflicts"),
    path("recusals/", plans_api.RecusalListApi.as_view(), name="api-recusals"),
    path("recusals/<int:pk>/decide/", plans_api.RecusalDecideApi.as_view(), name="api-recusal-decide"),
    path("notifications/", notifications_api.NotificationListApi.as_view(), name="api-notifications"),
    path("notifications/read/", notifications_api.NotificationMarkReadApi.as_view(), name="api-notifications-read"),
    path("my-enterprise/qr/", inspections_api.EnterpriseQrApi.as_view(), name="api-enterprise-qr"),
    path("joint-tasks/<int:pk>/check-in/", inspections_api.CheckInApi.as_view(), name="api-check-in"),
    path("joint-tasks/<int:pk>/notice/", inspections_api.VisitNoticeApi.as_view(), name="api-visit-notice"),
    path("joint-tasks/<int:pk>/record/", inspections_api.TaskRecordApi.as_view(), name="api-task-record"),
    path("records/", inspections_api.RecordListApi.as_view(), name="api-record-list"),
    path("records/<int:pk>/", inspections_api.RecordDetailApi.as_view(), name="api-record-detail"),
    path("records/<int:pk>/finalise/", inspections_api.RecordFinaliseApi.as_view(), name="api-record-finalise"),
    path("records/<int:pk>/sign/", inspections_api.RecordSignApi.as_view(), name="api-record-sign"),
    path("records/<int:pk>/refuse/", inspections_api.RecordRefuseApi.as_view(), name="api-record-refuse"),
    path("records/<int:pk>/pdf/", inspections_api.RecordPdfApi.as_view(), name="api-record-pdf"),
    path("records/<int:pk>/papers/", inspections_api.RecordPapersApi.as_view(), name="api-record-papers"),
    path("records/<int:pk>/objections/", inspections_api.RecordObjectionsApi.as_view(),
         name="api-record-objections"),
    path("objections/", inspections_api.ObjectionListApi.as_view(), name="api-objections"),
    path("objections/<int:pk>/", inspections_api.ObjectionDetailApi.as_view(), name="api-objection-detail"),
    path("objections/<int:pk>/decide/", inspections_api.ObjectionDecideApi.as_view(), name="api-objection-decide"),
    path("objections/<int:pk>/reply/", inspections_api.ObjectionReplyApi.as_view(), name="api-objection-reply"),
    path("papers/<int:pk>/pdf/", inspections_api.PaperPdfApi.as_view(), name="api-paper-pdf"),
    path("verify/paper/<str:token>/", inspections_api.PaperVerifyApi.as_view(), name="api-verify-paper"),
    path("record-items/<int:pk>/", inspections_api.RecordItemApi.as_view(), name="api-record-item"),
    path("record-items/<int:pk>/photos/", inspections_api.RecordItemPhotoApi.as_view(), name="api-item-photos"),
    path("record-items/<int:pk>/findings/", inspections_api.RecordItemFindingApi.as_view(), name="api-item-findings"),
    path("photos/<int:pk>/", inspections_api.PhotoFileApi.as_view(), name="api-photo"),
    # 非现场检查 (plans.remote, inspections.services.remote)
    path("remote-checks/", inspections_api.RemoteCheckListApi.as_view(), name="api-remote-checks"),
    path("remote-checks/<int:pk>/", inspections_api.RemoteCheckDetailApi.as_view(), name="api-remote-check"),
    path("remote-checks/<int:pk>/submit/", inspections_api.RemoteCheckSubmitApi.as_view(),
         name="api-remote-check-submit"),
    path("remote-checks/<int:pk>/conclude/", inspections_api.RemoteCheckConcludeApi.as_view(),
         name="api-remote-check-conclude"),
    path("remote-checks/evidence/<int:pk>/", inspections_api.RemoteEvidenceFileApi.as_view(),
         name="api-remote-evidence"),
    path("findings/", inspections_api.FindingListApi.as_view(), name="api-finding-list"),
    path(
        "findings/<int:pk>/rectifications/",
        inspections_api.RectificationSubmitApi.as_view(),
        name="api-rectification-submit",
    ),
    path("findings/<int:pk>/recheck/", inspections_api.FindingRecheckApi.as_view(), name="api-finding-recheck"),
    path(
        "rectifications/<int:pk>/accept/",
        inspections_api.RectificationDecisionApi.as_view(accept=True),
        name="api-rectification-accept",
    ),
    path(
        "rectifications/<int:pk>/return/",
        inspections_api.RectificationDecisionApi.as_view(accept=False),
        name="api-rectification-return",
    ),
    path("verify/inspection/<str:token>/", inspections_api.InspectionVerifyApi.as_view(), name="api-verify-inspection"),
    *[path(route, view.as_view(), name=name) for route, view, name in whitelist_api.urlpatterns_api],
    *[path(route, view.as_view(), name=name) for route, view, name in credit_import_api.urlpatterns_api],
]
