from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="notification-inbox"),
    path("export.csv", views.inbox_export, name="notification-export"),
    path("read/", views.mark_all_read, name="notification-mark-read"),
]
