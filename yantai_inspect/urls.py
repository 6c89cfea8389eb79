from functools import wraps

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts.views import admin_login_redirect

from .health import healthz


class FaviconRedirect(RedirectView):
    """The static file's address is looked up when asked, not at import: in production it names the collected,
    hashed file, which the manifest only knows after collectstatic (``check --deploy`` runs before it)."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


def api_docs(view):
    """The API's schema and docs: behind the login in production (and wherever API_DOCS_LOGIN_REQUIRED), public
    on a developer's machine. Swagger UI's script comes from a URL (the split view), not inline; its and Redoc's
    own styles are allowed."""
    view = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(view)
    protected = login_required(view)

    @wraps(view)
    def docs(request, *args, **kwargs):
        behind_login = settings.PRODUCTION or settings.API_DOCS_LOGIN_REQUIRED
        return (protected if behind_login else view)(request, *args, **kwargs)

    return docs


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    # Pages link the icon (base.html); this answers what browsers and the API docs ask for on their own.
    path("favicon.ico", FaviconRedirect.as_view()),
    path("i18n/", include("django.conf.urls.i18n")),
    # One login page for everyone, with its lockout and second factor: the admin's own form is not used.
    path("admin/login/", admin_login_redirect, name="admin-login"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("portals.urls")),
    path("", include("credit.urls")),
    path("", include("plans.urls")),
    path("", include("plans.urls_random")),
    path("", include("plans.urls_yearly")),
    path("", include("inspections.urls")),
    path("", include("credit.whitelist_views")),
    path("", include("credit.import_views")),
    path("", include("complaints.views")),
    path("", include("supervision.views")),
    path("", include("oversight.urls")),
    path("", include("complaints.views_voice")),
    path("enterprises/", include("enterprises.urls")),
    path("audit/", include("portals.audit_urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("yantai_inspect.api_urls")),
    path("api/schema/", api_docs(SpectacularAPIView.as_view()), name="schema"),
    path("api/docs/", api_docs(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("api/redoc/", api_docs(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"),
]

# Chinese pages in the site's layout, with a way back (yantai_inspect.error_pages); make run serves them too.
handler400 = "yantai_inspect.error_pages.bad_request"
handler403 = "yantai_inspect.error_pages.permission_denied"
handler404 = "yantai_inspect.error_pages.page_not_found"
handler500 = "yantai_inspect.error_pages.server_error"

admin.site.site_header = "烟台市涉企联合检查平台 · 管理后台"
admin.site.site_title = "涉企联合检查平台"
