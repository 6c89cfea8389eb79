from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yantai_inspect.pagination import page_without_count

from .selectors import notifications_for_user
from .services import notifications_mark_read


@login_required
def inbox(request):
    page = page_without_count(notifications_for_user(user=request.user), request.GET.get("page"), 30)
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notification-inbox")
