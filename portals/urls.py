from django.urls import path

from . import public, views

urlpatterns = [
    path("", views.home, name="home"),
    path("agency/", views.agency_dashboard, name="agency-dashboard"),
    path("justice/", views.justice_dashboard, name="justice-dashboard"),
    path("enterprise/", views.enterprise_dashboard, name="enterprise-dashboard"),
    *public.urlpatterns,
]
