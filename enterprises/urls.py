from django.urls import path

from . import views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise-list"),
    path("<str:uscc>/", views.enterprise_detail, name="enterprise-detail"),
]
