"""Strings of Django's admin templates that Django's own zh_Hans catalogue does not translate yet (the
app list's column headings, read by screen readers). Marked here so that makemessages puts them in ours,
which Django reads before its own (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

ADMIN_STRINGS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # the models of django-axes, whose catalogue has no zh_Hans (the admin capitalises them); django-otp's
    # "TOTP device" is a plain string in its model, which no catalogue can translate
    gettext_noop("access attempts"),
    gettext_noop("access attempt"),
    gettext_noop("access failures"),
    gettext_noop("access failure"),
    gettext_noop("access logs"),
    gettext_noop("access log"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt expiration"),
]
