from django.http import Http404

from .grade_imports import require_grade_importer
from .models import CreditGradeImport, WhitelistEntry
from .selectors import grade_imports_newest, whitelist_candidates


def candidate_for_user(*, user, entry_id: int) -> WhitelistEntry:
    """A candidate this justice bureau decides; 404 for one of another bureau's area (or none)."""
    entry = whitelist_candidates(user=user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def grade_import_for_user(*, user, import_id: int) -> CreditGradeImport:
    """An import the user may read: every importer (``require_grade_importer``) reads every import, the
    grades being the city's; 404 for none."""
    require_grade_importer(user)
    job = grade_imports_newest().filter(pk=import_id).first()
    if job is None:
        raise Http404
    return job
