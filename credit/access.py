from django.http import Http404

from .models import WhitelistEntry
from .selectors import whitelist_candidates


def candidate_for_user(*, user, entry_id: int) -> WhitelistEntry:
    """A candidate this justice bureau decides; 404 for one of another bureau's area (or none)."""
    entry = whitelist_candidates(user=user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry
