"""The platform's own address, for every link that leaves the browser it was made in: the QR codes on notice
pages and in PDFs, the links the apps (山东通, 爱山东) open from a notification. One setting, ``SITE_URL``:
``make run`` sets it from HOST and PORT, production reads it from its environment (required there)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (a path on this site, ``/verify/...``) as an address anyone can open."""
    if not path.startswith("/"):
        raise ValueError(f"a site path starts with '/', not {path!r}")
    return settings.SITE_URL + path
