from .views import agency, enterprise, files, justice, public

urlpatterns = agency.urlpatterns + enterprise.urlpatterns + justice.urlpatterns + public.urlpatterns + files.urlpatterns
