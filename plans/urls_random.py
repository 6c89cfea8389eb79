"""Pages of recusal (回避), of the agency head's approvals (检查审批) and of random-check campaigns (双随机、一公开)."""

from django.urls import path

from . import approval_views, campaign_views, recusal_views

urlpatterns = [
    path("agency/conflicts/", recusal_views.conflict_list, name="agency-conflicts"),
    path("agency/recusals/", recusal_views.agency_recusal_list, name="agency-recusals"),
    path("agency/recusals/export.csv", recusal_views.agency_recusal_export, name="agency-recusals-export"),
    path("agency/recusals/<int:pk>/", recusal_views.agency_recusal_detail, name="agency-recusal-detail"),
    path("enterprise/recusals/", recusal_views.enterprise_recusal_list, name="enterprise-recusals"),
    path("enterprise/recusals/export.csv", recusal_views.enterprise_recusal_export, name="enterprise-recusals-export"),
    # 检查审批: the agency head's queue and decision.
    path("agency/approvals/", approval_views.approval_queue_page, name="agency-approvals"),
    path("agency/approvals/export.csv", approval_views.approval_queue_export, name="agency-approvals-export"),
    path("agency/plans/<int:pk>/approval/", approval_views.plan_head_decision, name="agency-plan-head-decision"),
]

urlpatterns += [
    path("agency/random-checks/", campaign_views.agency_campaign_list, name="agency-campaigns"),
    path("agency/random-checks/export.csv", campaign_views.agency_campaign_export, name="agency-campaigns-export"),
    path("agency/random-checks/rates/", campaign_views.agency_sampling_rates, name="agency-sampling-rates"),
    path("agency/random-checks/new/", campaign_views.agency_campaign_new, name="agency-campaign-new"),
    path("agency/random-checks/<str:code>/", campaign_views.agency_campaign_detail, name="agency-campaign-detail"),
    path("agency/random-checks/<str:code>/draw/", campaign_views.agency_campaign_draw, name="agency-campaign-draw"),
    path("justice/random-checks/", campaign_views.justice_campaign_list, name="justice-campaigns"),
    path("justice/random-checks/export.csv", campaign_views.justice_campaign_export, name="justice-campaigns-export"),
    path("justice/random-checks/rates/", campaign_views.justice_sampling_rates, name="justice-sampling-rates"),
    path("justice/random-checks/<str:code>/", campaign_views.justice_campaign_detail, name="justice-campaign-detail"),
    # Public on purpose (一公开): the commitments, the seeds once revealed, the replay and the results.
    path("public/random-checks/", campaign_views.public_campaign_list, name="public-campaigns"),
    path("public/random-checks/<str:code>/", campaign_views.public_campaign_detail, name="public-campaign-detail"),
    path("public/random-checks/<str:code>/snapshot.json", campaign_views.public_campaign_snapshot,
         name="public-campaign-snapshot"),
]
