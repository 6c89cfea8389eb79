"""Public verification pages, opened by scanning a QR code: no login, no portal.

Anyone at the enterprise's door checks that an inspection is registered; anyone holding a printed record
checks that it is unchanged since it was signed. Both answer every token with a page (HTTP 200), a forged
or unknown one with a prominent warning: the person scanning at the door needs to see the warning, and some
in-app QR browsers replace an error status with their own page."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .. import qrtokens, selectors
from ..verification import inspection_verification

# Tokens are signed and compressed (base64url with ':' separators); anything longer is not ours.
TOKEN_MAX_CHARS = 500


def _public(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


@never_cache
def verify_inspection(request, token):
    result = inspection_verification(token) if len(token) <= TOKEN_MAX_CHARS else {"registered": False}
    # The token goes with a complaint about an unregistered inspection (complaints' form, ?code=).
    context = {"result": result, "token": token[:TOKEN_MAX_CHARS]}
    if result["registered"]:
        context["is_today"] = result["visit_date"] == timezone.localdate().isoformat()
    return _public(render(request, "inspections/public/verify_inspection.html", context))


@never_cache
def verify_record(request, token):
    verification = {"found": False}
    if len(token) <= TOKEN_MAX_CHARS:
        try:
            record_id, token_hash = qrtokens.read_record_token(token)
        except qrtokens.TokenError:
            pass
        else:
            verification = selectors.record_verify(record_id=record_id, token_hash=token_hash)
    context = {"v": verification}
    if verification["found"]:
        reference = verification["token_hash"]
        signature = verification["signature"]
        context["hashes"] = [
            {"label": "printed", "value": reference},
            {"label": "finalised", "value": verification["finalised_hash"]},
            {"label": "signed", "value": signature.content_hash if signature else None},
            {"label": "current", "value": verification["current_hash"]},
        ]
        for row in context["hashes"]:
            row["matches"] = row["value"] is None or row["value"] == reference
    return _public(render(request, "inspections/public/verify_record.html", context))


@never_cache
def verify_paper(request, token):
    """Anyone holding an enforcement paper checks that the platform issued it and that it is unchanged."""
    verification = {"found": False}
    if len(token) <= TOKEN_MAX_CHARS:
        try:
            paper_id, token_hash = qrtokens.read_paper_token(token)
        except qrtokens.TokenError:
            pass
        else:
            verification = selectors.paper_verify(paper_id=paper_id, token_hash=token_hash)
    if verification["found"]:
        from ..paper_pdf import paper_title

        verification["title"] = paper_title(verification["paper"])
    return _public(render(request, "inspections/public/verify_paper.html", {"v": verification}))


urlpatterns = [
    path("verify/inspection/<str:token>/", verify_inspection, name="verify-inspection"),
    path("verify/record/<str:token>/", verify_record, name="verify-record"),
    path("verify/paper/<str:token>/", verify_paper, name="verify-paper"),
]
