from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("agency/", views.agency_dashboard, name="agency-dashboard"),
    path("justice/", views.justice_dashboard, name="justice-dashboard"),
    path("enterprise/", views.enterprise_dashboard, name="enterprise-dashboard"),
]
