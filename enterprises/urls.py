from django.urls import path

from . import views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise-list"),
    path("export.csv", views.enterprise_export, name="enterprise-export"),
    path("<str:uscc>/", views.enterprise_detail, name="enterprise-detail"),
]
