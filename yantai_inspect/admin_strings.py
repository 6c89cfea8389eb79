"""Strings of Django's admin templates that Django's own zh_Hans catalogue does not translate yet (the
app list's column headings, read by screen readers). Marked here so that makemessages puts them in ours,
which Django reads before its own (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

ADMIN_STRINGS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]
