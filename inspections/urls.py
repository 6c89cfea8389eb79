from .views import agency, enterprise, justice, public

urlpatterns = agency.urlpatterns + enterprise.urlpatterns + justice.urlpatterns + public.urlpatterns
