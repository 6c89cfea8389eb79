from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from .health import healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    # Pages link the icon (base.html); this answers what browsers and the API docs ask for on their own.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("portals.urls")),
    path("", include("credit.urls")),
    path("", include("plans.urls")),
    path("", include("plans.urls_random")),
    path("", include("inspections.urls")),
    path("", include("credit.whitelist_views")),
    path("enterprises/", include("enterprises.urls")),
    path("audit/", include("audit.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("yantai_inspect.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

# Chinese pages in the site's layout, with a way back (yantai_inspect.error_pages); make run serves them too.
handler400 = "yantai_inspect.error_pages.bad_request"
handler403 = "yantai_inspect.error_pages.permission_denied"
handler404 = "yantai_inspect.error_pages.page_not_found"
handler500 = "yantai_inspect.error_pages.server_error"

admin.site.site_header = "烟台市涉企联合检查平台 · 管理后台"
admin.site.site_title = "涉企联合检查平台"
