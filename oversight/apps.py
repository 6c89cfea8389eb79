from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """监督看板: the oversight dashboard, its exports, the monthly report and the public open data. It reads
    across every workflow app (plans, inspections, complaints, credit), so it sits on the top layer beside the
    portals, and nothing imports it."""

    name = "oversight"
    verbose_name = _("Oversight")
