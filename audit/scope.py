"""Which audit entries a reader may see. The rule lives with who supervises whom (``accounts``, one layer up):
``accounts`` hands its resolver in when it loads (``AccountsConfig.ready``), as the higher apps hand their
knowledge to the lower ones elsewhere. Without a resolver only administrators read the trail."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AuditScope:
    everything: bool = False
    agency_ids: tuple = field(default_factory=tuple)  # the entries of these agencies' objects and actions
    divisions: tuple = field(default_factory=tuple)  # the entries of these divisions


_resolver = None


def set_scope_resolver(resolver) -> None:
    global _resolver
    _resolver = resolver


def audit_scope_for(user) -> AuditScope | None:
    """The reader's scope, or None when it may not read the trail at all."""
    if not getattr(user, "is_authenticated", False):
        return None
    if _resolver is None:
        return AuditScope(everything=True) if user.is_platform_admin else None
    return _resolver(user)
