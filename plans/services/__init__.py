"""Writes on plans, by concern: filing (the 7-day rule, the green channel, campaigns, withdrawal, officers),
invitations, the justice bureau's reviews and the daily job. Each service checks its rule, writes its audit
entry in the same transaction and leaves nothing half-written when it refuses."""

from .approval import plan_head_decide
from .daily import plans_daily_checks
from .filing import (
    calendar_warning,
    campaign_size_check,
    plan_file,
    plan_file_campaign,
    plan_officers_set,
    plan_withdraw,
)
from .invitations import invitation_decline
from .reviews import plan_enter_matching, plan_post_review, plan_review

__all__ = [
    "calendar_warning",
    "campaign_size_check",
    "invitation_decline",
    "plan_enter_matching",
    "plan_file",
    "plan_file_campaign",
    "plan_head_decide",
    "plan_officers_set",
    "plan_post_review",
    "plan_review",
    "plan_withdraw",
    "plans_daily_checks",
]
