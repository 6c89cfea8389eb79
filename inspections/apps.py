from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("On-site inspections")

    def ready(self):
        from plans.selectors import visit_findings_reader_register

        from .selectors import findings_by_task

        # The first-inspection view of the plans app shows what each earlier visit found.
        visit_findings_reader_register(findings_by_task)
