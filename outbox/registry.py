"""Named handlers the outbox can run. Apps register theirs in their ``handlers`` module."""
from collections.abc import Callable

_HANDLERS: dict[str, Callable[..., None]] = {}


def outbox_handler(name: str):
    def register(func):
        _HANDLERS[name] = func
        return func

    return register


def get_handler(name: str) -> Callable[..., None]:
    _load_all()
    return _HANDLERS[name]


def _load_all():
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        try:
            import_module(f"{config.name}.handlers")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.handlers":
                raise
