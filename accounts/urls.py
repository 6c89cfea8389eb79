from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("account/devices/", views.devices, name="devices"),
    path("account/devices/<int:pk>/revoke/", views.device_revoke, name="device-revoke"),
    path("account/devices/revoke-all/", views.devices_revoke_all, name="devices-revoke-all"),
    path("account/devices/sessions/<int:pk>/end/", views.browser_session_end_view, name="browser-session-end"),
    path("account/devices/sessions/end-others/", views.browser_sessions_end_others, name="browser-sessions-end-others"),
    path("account/password/", views.password_change, name="password-change"),
]
