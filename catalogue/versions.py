"""清单之外无检查: only a matter in force on the visit day may be planned (``Matter.in_force_on``); this is
the refusal the filing service raises, at both ends of the plan's window (a matter's time in force is one
interval, so both ends mean every day of the window)."""

from django.utils.translation import gettext as _

from yantai_inspect.errors import DomainError

from .models import Matter


def matter_in_force_check(matter: Matter, days) -> None:
    for day in days:
        if matter.in_force_on(day):
            continue
        if day < matter.effective_from:
            message = _("Matter %(code)s (version %(version)d) takes effect only on %(date)s, after %(day)s.")
            date = matter.effective_from
        else:
            message = _("Matter %(code)s (version %(version)d) is no longer in force after %(date)s: it cannot "
                        "be inspected on %(day)s.")
            date = matter.effective_until
        raise DomainError(message % {"code": matter.code, "version": matter.version, "date": date.isoformat(),
                                     "day": day.isoformat()}, field="matters")


def all_remote_checkable(matters) -> bool:
    """能非现场的不进企业: every matter of a plan can be checked on documents or photos (the version planned
    carries its own ``Matter.remote_checkable``). An empty list is not."""
    matters = list(matters)
    return bool(matters) and all(m.remote_checkable for m in matters)
