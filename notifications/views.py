from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import notifications_for_user


@login_required
def inbox(request):
    page = Paginator(notifications_for_user(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})
