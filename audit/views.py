from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yantai_inspect.pagination import page_without_count

from .selectors import audit_entries_for_user


@login_required
def audit_list(request):
    qs = audit_entries_for_user(user=request.user, object_type=request.GET.get("type") or None)
    page = page_without_count(qs, request.GET.get("page"), 50)
    return render(request, "audit/audit_list.html", {"page": page})
