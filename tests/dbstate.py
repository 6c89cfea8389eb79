"""A picture of everything the platform has stored, to show that a refused call or a rerun changed nothing."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

# Django's own bookkeeping (sessions, permissions, content types, admin log) is not the platform's data.
SKIP_APPS = {"sessions", "contenttypes", "auth", "admin"}


def database_state() -> dict:
    """Every row of every table the platform owns, and the files stored under MEDIA_ROOT."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in SKIP_APPS or model._meta.proxy:
            continue
        state[model._meta.label] = list(model.objects.order_by("pk").values_list())
    media = Path(settings.MEDIA_ROOT)
    state["files"] = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return state
