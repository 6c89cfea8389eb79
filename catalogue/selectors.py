"""Reads of the catalogue: the matters and checklists that plans use and that are published to enterprises."""

from django.db.models import Prefetch, Q

from accounts.models import Agency

from .models import Matter, ThematicChecklist, Theme


def matters_list(*, agency_or_department_code: str | None = None, theme_code: str | None = None):
    """Active supervision matters with their department and themes loaded (a fixed number of queries
    whatever the count).

    ``agency_or_department_code`` narrows to one department's matters; an agency's code stands for its
    department, because city and district agencies of one kind share the catalogue."""
    qs = Matter.objects.filter(active=True).select_related("department").prefetch_related("themes")
    if agency_or_department_code:
        department_code = (
            Agency.objects.filter(code=agency_or_department_code).values_list("department__code", flat=True).first()
            or agency_or_department_code
        )
        qs = qs.filter(department__code=department_code)
    if theme_code:
        qs = qs.filter(themes__code=theme_code)
    return qs.order_by("code")


def checklists_list(*, theme_code: str | None = None):
    """Thematic checklists with their theme and active matters loaded."""
    qs = ThematicChecklist.objects.select_related("theme", "theme__lead_department").prefetch_related(
        Prefetch("matters", queryset=Matter.objects.filter(active=True).select_related("department").order_by("code"))
    )
    if theme_code:
        qs = qs.filter(theme__code=theme_code)
    return qs.order_by("theme__order", "code")


def matters_by_code(codes) -> dict[str, Matter]:
    """The matters with these codes, keyed by code; unknown codes are absent (inactive ones are kept: the
    service refuses them with its own message)."""
    return Matter.objects.filter(code__in=list(codes)).in_bulk(field_name="code")


def theme_by_code(code: str) -> Theme | None:
    return Theme.objects.filter(code=code).first()


def matters_published(*, today, department_code: str | None = None):
    """The published list of supervision matters (清单之外无检查): every active matter not ended before
    ``today`` (those in force and those taking effect later), with its department, themes, version and time
    in force, by code, in a fixed number of queries (two) whatever the count."""
    qs = Matter.objects.filter(active=True)
    if department_code:
        qs = qs.filter(department__code=department_code)
    return (
        qs.filter(Q(effective_until__isnull=True) | Q(effective_until__gte=today))
        .select_related("department")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order", "code")))
        .order_by("code")  # the unique index; codes begin with their department's
    )
