"""Pages of yearly inspection plans (年度检查计划) and special inspection campaigns (专项检查); their public pages
are in ``portals.public``."""

from django.urls import path

from . import special_views, yearly_views

urlpatterns = [
    path("agency/yearly-plans/", yearly_views.agency_yearly_list, name="agency-yearly-plans"),
    path("agency/yearly-plans/export.csv", yearly_views.agency_yearly_export, name="agency-yearly-plans-export"),
    path("agency/yearly-plans/<int:pk>/", yearly_views.agency_yearly_detail, name="agency-yearly-detail"),
    path("agency/yearly-plans/<int:pk>/lines/", yearly_views.agency_yearly_line_add, name="agency-yearly-line-add"),
    path("agency/yearly-plans/lines/<int:pk>/remove/", yearly_views.agency_yearly_line_remove,
         name="agency-yearly-line-remove"),
    path("agency/yearly-plans/<int:pk>/publish/", yearly_views.agency_yearly_publish, name="agency-yearly-publish"),
    path("justice/yearly-plans/", yearly_views.justice_yearly_overview, name="justice-yearly-plans"),
    path("justice/yearly-plans/export.csv", yearly_views.justice_yearly_export, name="justice-yearly-plans-export"),
    path("agency/special/", special_views.agency_special_list, name="agency-special"),
    path("agency/special/export.csv", special_views.agency_special_export, name="agency-special-export"),
    path("agency/special/new/", special_views.agency_special_new, name="agency-special-new"),
    path("agency/special/<str:code>/", special_views.agency_special_detail, name="agency-special-detail"),
    path("agency/special/<str:code>/decide/", special_views.agency_special_decide, name="agency-special-decide"),
    path("agency/special/<str:code>/withdraw/", special_views.agency_special_withdraw,
         name="agency-special-withdraw"),
    path("justice/special/", special_views.justice_special_list, name="justice-special"),
    path("justice/special/export.csv", special_views.justice_special_export, name="justice-special-export"),
    path("justice/special/quotas/", special_views.justice_special_quotas, name="justice-special-quotas"),
    path("justice/special/quotas/export.csv", special_views.justice_special_quotas_export,
         name="justice-special-quotas-export"),
    path("justice/special/<str:code>/", special_views.justice_special_detail, name="justice-special-detail"),
    path("justice/special/<str:code>/decide/", special_views.justice_special_decide, name="justice-special-decide"),
]
