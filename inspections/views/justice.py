"""The justice bureau reads an on-site record: refused signatures and complaints lead it here."""

from django.shortcuts import render
from django.urls import path

from accounts.access import justice_required

from ..access import record_for_user
from .enterprise import record_context


@justice_required
def record_detail(request, pk):
    record = record_for_user(user=request.user, record_id=pk)
    return render(request, "inspections/justice/record.html", record_context(record))


urlpatterns = [
    path("justice/records/<int:pk>/", record_detail, name="justice-record"),
]
