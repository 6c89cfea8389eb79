"""The pages a user sees when a request fails: refused (403, and a form whose CSRF check failed), missing
(404), malformed (400) and broken (500), in the site's layout, in the user's language, with a way back.

Django shows its own English pages instead when DEBUG is on (the technical 404 and 500), which is why
``make run`` serves with DEBUG off. The 500 page is rendered without the request: whatever broke (the
database, a context processor) must not break the error page too.
"""

from django.http import HttpResponse
from django.template import loader
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

TEMPLATE = "error.html"


def _back(request) -> str | None:
    """The page the user came from, if it is on this site (never send them off-site or round in a loop)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and referer != request.build_absolute_uri() and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def _page(request, status: int, title: str, message: str, reason: str = "") -> HttpResponse:
    context = {"status": status, "title": title, "message": message, "reason": reason, "back": _back(request)}
    return HttpResponse(loader.render_to_string(TEMPLATE, context, request=request), status=status)


def bad_request(request, exception=None):
    return _page(request, 400, _("The request could not be read"),
                 _("The platform could not understand what your browser sent. Go back and try again."))


def permission_denied(request, exception=None):
    # The role and access checks raise PermissionDenied with a message in the user's language: say it.
    reason = str(exception) if exception is not None and exception.args else ""
    return _page(request, 403, _("You may not open this page"),
                 _("Your account is not allowed to see this page or do this."), reason)


def page_not_found(request, exception=None):
    # Not the exception's text: it names models and URL patterns, and a missing page and one of another
    # agency look the same on purpose.
    return _page(request, 404, _("Page not found"),
                 _("There is no such page: the address may be mistyped, or the item was removed "
                   "or is not one your account can see."))


def csrf_failure(request, reason=""):
    return _page(request, 403, _("The form was not accepted"),
                 _("The page was open for too long, or your browser did not send the security cookie. "
                   "Go back, reload the page and submit the form again."))


def server_error(request):
    context = {
        "status": 500,
        "title": _("Something went wrong"),
        "message": _("The platform could not complete this request. Try again in a moment; if it happens "
                     "again, tell the platform administrator the time shown below."),
        "when": timezone.localtime(),
    }
    return HttpResponse(loader.render_to_string(TEMPLATE, context), status=500)
