from .views import agency, enterprise, public

urlpatterns = agency.urlpatterns + enterprise.urlpatterns + public.urlpatterns
