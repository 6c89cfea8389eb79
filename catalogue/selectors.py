from accounts.models import Agency

from .models import Matter


def matters_list(*, agency_or_department_code: str | None = None, theme_code: str | None = None):
    """Active matters, optionally those of one department (given its code or one of its agencies' codes)
    and/or on one theme."""
    qs = Matter.objects.filter(active=True).select_related("department").prefetch_related("themes")
    if agency_or_department_code:
        agency = Agency.objects.filter(code=agency_or_department_code).first()
        if agency is not None:
            qs = qs.filter(department_id=agency.department_id)
        else:
            qs = qs.filter(department__code=agency_or_department_code)
    if theme_code:
        qs = qs.filter(themes__code=theme_code)
    return qs.order_by("code")
