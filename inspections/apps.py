from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("On-site inspections")

    def ready(self):
        from plans.selectors import visit_findings_reader_register
        from plans.statistics import record_filters_register

        from .selectors import findings_by_task, plan_found_problem_q, plan_inspected_q

        # The first-inspection view of the plans app shows what each earlier visit found.
        visit_findings_reader_register(findings_by_task)
        # The statistics count the inspections that found a problem.
        record_filters_register(inspected=plan_inspected_q, found_problem=plan_found_problem_q)
