"""The officer app's and the enterprise app's API for the visit itself and what follows it, by concern.
``yantai_inspect.api_urls`` routes to the views re-exported here."""

from .files import PhotoFileApi, RecordPdfApi
from .notice import VisitNoticeApi
from .objections import ObjectionDecideApi, ObjectionDetailApi, ObjectionListApi, ObjectionReplyApi, RecordObjectionsApi
from .papers import PaperPdfApi, PaperVerifyApi, RecordPapersApi
from .qr import EnterpriseQrApi, InspectionVerifyApi
from .rectification import FindingListApi, FindingRecheckApi, RectificationDecisionApi, RectificationSubmitApi
from .remote import (
    RemoteCheckConcludeApi,
    RemoteCheckDetailApi,
    RemoteCheckListApi,
    RemoteCheckSubmitApi,
    RemoteCheckWithdrawalApi,
    RemoteEvidenceFileApi,
)
from .signatures import RecordRefuseApi, RecordSignApi
from .site import (
    CheckInApi,
    RecordDetailApi,
    RecordFinaliseApi,
    RecordItemApi,
    RecordItemFindingApi,
    RecordItemPhotoApi,
    RecordListApi,
    TaskRecordApi,
)

__all__ = [
    "CheckInApi",
    "EnterpriseQrApi",
    "FindingListApi",
    "FindingRecheckApi",
    "InspectionVerifyApi",
    "ObjectionDecideApi",
    "ObjectionDetailApi",
    "ObjectionListApi",
    "ObjectionReplyApi",
    "PaperPdfApi",
    "PaperVerifyApi",
    "PhotoFileApi",
    "RecordDetailApi",
    "RecordFinaliseApi",
    "RecordItemApi",
    "RecordItemFindingApi",
    "RecordItemPhotoApi",
    "RecordListApi",
    "RecordPapersApi",
    "RecordPdfApi",
    "RecordObjectionsApi",
    "RecordRefuseApi",
    "RecordSignApi",
    "RemoteCheckConcludeApi",
    "RemoteCheckDetailApi",
    "RemoteCheckListApi",
    "RemoteCheckSubmitApi",
    "RemoteCheckWithdrawalApi",
    "RemoteEvidenceFileApi",
    "RectificationDecisionApi",
    "RectificationSubmitApi",
    "TaskRecordApi",
    "VisitNoticeApi",
]
