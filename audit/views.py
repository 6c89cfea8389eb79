from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import audit_entries_for_user


@login_required
def audit_list(request):
    qs = audit_entries_for_user(user=request.user, object_type=request.GET.get("type") or None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"page": page})
