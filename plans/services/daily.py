"""The daily job of the plans app and its steps, each guarded so that a rerun does nothing twice."""

import datetime as dt

from django.utils import timezone

from ..approval import green_channel_approvals_flag_overdue
from ..certificates import expired_officers_off_visits
from ..fixing import joint_tasks_fix_due
from ..invitation_checks import invitations_expire_due, invitations_remind_due
from ..missed import visits_missed_close
from ..remote import remote_checks_overdue_close


def plans_daily_checks(*, today: dt.date | None = None) -> dict:
    """The daily job: fix the visits that reach their fixing day, remind agencies of invitations nearing their
    deadline, expire passed invitations, take officers whose certificate has expired off the visits ahead
    (``plans.certificates``), flag to the justice bureau the green-channel inspections still without their
head's approval (``plans.approval``). Every step is guarded so that running it twice does nothing the
    second time. (No step flags short notice: a visit always lies in its plan's window, and the filing check
    puts the window on or after ``Plan.ahead_from``, so a served routine plan is filed ahead by construction;
    ``plans.tests.test_filed_ahead`` holds that.)"""
    today = today or timezone.localdate()
    missed = visits_missed_close(today=today)
    # Before fixing: a visit fixed today counts only the officers still certified, and warns when short.
    off = expired_officers_off_visits(today=today)
    fixed = joint_tasks_fix_due(today=today)
    reminded = invitations_remind_due(today=today)
    expired = invitations_expire_due(today=today)
    # 检查审批: green-channel inspections whose head's approval is missing after the set working days.
    approvals_missing = green_channel_approvals_flag_overdue(today=today)
    # 非现场检查: requests the enterprise did not answer by their deadline (plans.remote).
    remote_overdue = remote_checks_overdue_close(today=today)
    return {"officers_off": off, "fixed": fixed, "reminded": reminded, "expired": expired,
            "approvals_missing": approvals_missing, "remote_overdue": remote_overdue, **missed}
