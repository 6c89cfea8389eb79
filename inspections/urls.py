from .views import agency, enterprise, files, justice, objections, public, remote

urlpatterns = (
    agency.urlpatterns
    + enterprise.urlpatterns
    + justice.urlpatterns
    + public.urlpatterns
    + files.urlpatterns
    + objections.urlpatterns
    + remote.urlpatterns
)
