from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalsConfig(AppConfig):
    """The composition layer: pages and commands that put the other apps together (the portals' dashboards,
    the demo city). Nothing below imports it."""

    name = "portals"
    verbose_name = _("Portals")
