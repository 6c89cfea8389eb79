from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.pagination import page_without_count

from .selectors import notifications_for_user
from .services import notifications_mark_read


@login_required
def inbox(request):
    page = page_without_count(notifications_for_user(user=request.user), request.GET.get("page"), 30)
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def inbox_export(request):
    """The inbox as CSV, in its order; reading it marks nothing read."""

    def row(n):
        created = timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M")
        return [created, n.get_kind_display(), n.title, n.body, _("Read") if n.read_at else _("Unread")]

    header = [_("Time"), _("Kind"), _("Title"), _("Message"), _("State")]
    notifications = notifications_for_user(user=request.user)
    return csv_response("notifications.csv", [str(h) for h in header], rows_of(notifications, row))


@login_required
@require_POST
def mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notification-inbox")
