from django.urls import path

from . import views

urlpatterns = [
    path("agency/plans/", views.plan_list, name="agency-plans"),
    path("agency/plans/export.csv", views.plan_export, name="agency-plans-export"),
    path("agency/plans/new/", views.plan_new, name="agency-plan-new"),
    path("agency/plans/<int:pk>/", views.agency_plan_detail, name="agency-plan-detail"),
    path("agency/plans/<int:pk>/officers/", views.plan_officers, name="agency-plan-officers"),
    path("agency/plans/<int:pk>/withdraw/", views.plan_withdraw, name="agency-plan-withdraw"),
    path("agency/plans/<int:pk>/refile/", views.plan_refile_view, name="agency-plan-refile"),
    path("agency/tasks/", views.agency_task_list, name="agency-tasks"),
    path("agency/tasks/export.csv", views.agency_task_export, name="agency-tasks-export"),
    path("agency/tasks/<int:pk>/", views.agency_task_detail, name="agency-task-detail"),
    path("agency/calendar/", views.task_calendar, name="agency-calendar"),
    path("agency/invitations/", views.invitation_list, name="agency-invitations"),
    path("agency/invitations/export.csv", views.invitation_export, name="agency-invitations-export"),
    path("agency/invitations/<int:pk>/decline/", views.invitation_decline, name="agency-invitation-decline"),
    path("agency/statistics/", views.agency_statistics, name="agency-statistics"),
    path("justice/reviews/", views.review_queue, name="justice-reviews"),
    path("justice/reviews/export.csv", views.review_export, name="justice-reviews-export"),
    path("justice/plans/<int:pk>/", views.justice_plan_detail, name="justice-plan-detail"),
    path("justice/plans/<int:pk>/review/", views.plan_review, name="justice-plan-review"),
    path("justice/tasks/", views.justice_task_list, name="justice-tasks"),
    path("justice/tasks/export.csv", views.justice_task_export, name="justice-tasks-export"),
    path("justice/tasks/<int:pk>/", views.justice_task_detail, name="justice-task-detail"),
    path("justice/statistics/", views.justice_statistics, name="justice-statistics"),
    path("enterprise/visits/", views.enterprise_visits, name="enterprise-visits"),
    path("enterprise/caps/", views.enterprise_caps_page, name="enterprise-caps"),
    path("enterprise/visits/<int:pk>/", views.enterprise_visit_detail, name="enterprise-visit-detail"),
    path("enterprise/busy-periods/", views.busy_periods, name="enterprise-busy-periods"),
    path("enterprise/busy-periods/<int:pk>/delete/", views.busy_period_delete, name="enterprise-busy-period-delete"),
]
