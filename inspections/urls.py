from .views import agency, enterprise, files, justice, objections, public

urlpatterns = (agency.urlpatterns + enterprise.urlpatterns + justice.urlpatterns + public.urlpatterns
               + files.urlpatterns + objections.urlpatterns)
from .views import agency, enterprise, files, justice, public, remote

urlpatterns = (
    agency.urlpatterns
    + enterprise.urlpatterns
    + justice.urlpatterns
    + public.urlpatterns
    + files.urlpatterns
    + remote.urlpatterns
)
