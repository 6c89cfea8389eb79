"""The officer app's API for plans, joint visits, reviews, invitations and statistics, by concern (thin: the
services do the work). ``yantai_inspect.api_urls`` routes to the views re-exported here."""

from .approval import ApprovalQueueApi, PlanHeadApprovalApi
from .busy_periods import BusyPeriodDetailApi, BusyPeriodListApi
from .campaigns import CampaignDetailApi, CampaignDrawApi, CampaignListApi, CampaignReplayApi, SamplingRatesApi
from .caps import EnterpriseCapsApi
from .filing import (
    PlanCampaignApi,
    PlanDetailApi,
    PlanListCreateApi,
    PlanOfficersApi,
    PlanPreviewApi,
    PlanRefileApi,
    PlanWithdrawApi,
)
from .invitations import InvitationDeclineApi, InvitationListApi
from .recusal import ConflictListApi, RecusalDecideApi, RecusalListApi
from .reviews import PlanPostReviewApi, PlanReviewApi, ReviewQueueApi
from .special import (
    PublicSpecialCampaignsApi,
    SpecialCampaignDecisionApi,
    SpecialCampaignDetailApi,
    SpecialCampaignListApi,
    SpecialCampaignWithdrawalApi,
    SpecialQuotaApi,
)
from .statistics import StatisticsApi
from .visits import JointTaskDetailApi, JointTaskListApi
from .yearly import (
    PublicYearlyPlansApi,
    YearlyLineAddApi,
    YearlyLineRemoveApi,
    YearlyOverviewApi,
    YearlyPlanDetailApi,
    YearlyPlanListApi,
    YearlyPlanPublishApi,
)

__all__ = [
    "PublicSpecialCampaignsApi",
    "PublicYearlyPlansApi",
    "SpecialCampaignDecisionApi",
    "SpecialCampaignDetailApi",
    "SpecialCampaignListApi",
    "SpecialCampaignWithdrawalApi",
    "SpecialQuotaApi",
    "YearlyLineAddApi",
    "YearlyLineRemoveApi",
    "YearlyOverviewApi",
    "YearlyPlanDetailApi",
    "YearlyPlanListApi",
    "YearlyPlanPublishApi",
    "ApprovalQueueApi",
    "EnterpriseCapsApi",
    "BusyPeriodDetailApi",
    "BusyPeriodListApi",
    "CampaignDetailApi",
    "CampaignDrawApi",
    "CampaignListApi",
    "CampaignReplayApi",
    "ConflictListApi",
    "InvitationDeclineApi",
    "InvitationListApi",
    "JointTaskDetailApi",
    "JointTaskListApi",
    "PlanCampaignApi",
    "PlanDetailApi",
    "PlanHeadApprovalApi",
    "PlanListCreateApi",
    "PlanOfficersApi",
    "PlanPostReviewApi",
    "PlanPreviewApi",
    "PlanRefileApi",
    "PlanReviewApi",
    "PlanWithdrawApi",
    "RecusalDecideApi",
    "RecusalListApi",
    "ReviewQueueApi",
    "SamplingRatesApi",
    "StatisticsApi",
]
