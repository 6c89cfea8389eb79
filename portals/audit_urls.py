from django.urls import path

from audit import verify_views

from .audit import audit_export, audit_list

urlpatterns = [
    path("", audit_list, name="audit-list"),
    path("export.csv", audit_export, name="audit-export"),
    path("verify/", verify_views.audit_verify, name="audit-verify"),
]
