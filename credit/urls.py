from django.urls import path

from . import views

urlpatterns = [
    path("justice/caps/", views.cap_policy, name="justice-cap-policy"),
    path("agency/caps/", views.agency_cap_policy, name="agency-cap-policy"),
]
