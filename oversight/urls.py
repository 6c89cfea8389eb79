from django.urls import path

from . import views

urlpatterns = [
    path("agency/oversight/", views.agency_dashboard, name="agency-oversight"),
    path("agency/oversight/export.csv", views.agency_export_csv, name="agency-oversight-csv"),
    path("agency/oversight/export.xlsx", views.agency_export_xlsx, name="agency-oversight-xlsx"),
    path("agency/oversight/drill/", views.agency_drill, name="agency-oversight-drill"),
    path("agency/oversight/report.pdf", views.agency_report_pdf, name="agency-oversight-report"),
    path("justice/oversight/", views.justice_dashboard, name="justice-oversight"),
    path("justice/oversight/export.csv", views.justice_export_csv, name="justice-oversight-csv"),
    path("justice/oversight/export.xlsx", views.justice_export_xlsx, name="justice-oversight-xlsx"),
    path("justice/oversight/drill/", views.justice_drill, name="justice-oversight-drill"),
    path("justice/oversight/report.pdf", views.justice_report_pdf, name="justice-oversight-report"),
    path("justice/oversight/reports/<int:pk>/", views.justice_stored_report, name="justice-oversight-stored-report"),
    path("public/open-data/", views.public_open_data, name="public-open-data"),
    path("public/open-data.json", views.public_open_data_json, name="public-open-data-json"),
    path("public/open-data.csv", views.public_open_data_csv, name="public-open-data-csv"),
]
