"""Signed tokens behind the platform's QR codes. Signed with the platform key (Django's signing), so a
token cannot be guessed from an id or forged; each kind has its own salt, so one kind of code cannot be
passed off as another."""

import hashlib

from django.conf import settings
from django.core import signing

ENTERPRISE_SALT = "yantai.enterprise-licence-qr"
TASK_SALT = "yantai.inspection-code"
RECORD_SALT = "yantai.record-verification"
PAPER_SALT = "yantai.paper-verification"


class TokenError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def fingerprint(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]


def enterprise_token(uscc: str) -> str:
    """The token in the enterprise's electronic-licence QR code; expires after QR_TOKEN_MAX_AGE_DAYS."""
    return signing.dumps({"e": uscc}, salt=ENTERPRISE_SALT, compress=True)


def read_enterprise_token(token: str) -> str:
    try:
        data = signing.loads(token, salt=ENTERPRISE_SALT, max_age=settings.QR_TOKEN_MAX_AGE_DAYS * 86400)
    except signing.SignatureExpired as exc:
        raise TokenError("expired") from exc
    except signing.BadSignature as exc:
        raise TokenError("invalid") from exc
    return data["e"]


def task_token(task_id: int) -> str:
    return signing.dumps({"t": task_id}, salt=TASK_SALT, compress=True)


def read_task_token(token: str) -> int:
    try:
        return int(signing.loads(token, salt=TASK_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenError("invalid") from exc


def record_token(record_id: int, content_hash: str) -> str:
    return signing.dumps({"r": record_id, "h": content_hash}, salt=RECORD_SALT, compress=True)


def record_verify_path(record) -> str | None:
    """The public verification page of a record's content (its QR code, the PDF, the pages and the API all
    link here); None while the record has no content hash yet."""
    if not record.content_hash:
        return None
    from django.urls import reverse

    return reverse("verify-record", args=[record_token(record.pk, record.content_hash)])


def read_record_token(token: str) -> tuple[int, str]:
    try:
        data = signing.loads(token, salt=RECORD_SALT)
        return int(data["r"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenError("invalid") from exc


def paper_token(paper_id: int, content_hash: str) -> str:
    return signing.dumps({"p": paper_id, "h": content_hash}, salt=PAPER_SALT, compress=True)


def paper_verify_path(paper) -> str:
    """The public verification page of an enforcement paper (its QR code, the pages and the API link here)."""
    from django.urls import reverse

    return reverse("verify-paper", args=[paper_token(paper.pk, paper.content_hash)])


def read_paper_token(token: str) -> tuple[int, str]:
    try:
        data = signing.loads(token, salt=PAPER_SALT)
        return int(data["p"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise TokenError("invalid") from exc


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no image library, no external service)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


def qr_png(data: str) -> bytes:
    import io

    import qrcode

    buffer = io.BytesIO()
    qrcode.make(data, box_size=6, border=2).save(buffer, format="PNG")
    return buffer.getvalue()


def qr_png_data_uri(data: str) -> str:
    """The PNG QR code inlined as a data: URI (the PDF fetches nothing; an app shows it as is)."""
    import base64

    return "data:image/png;base64," + base64.b64encode(qr_png(data)).decode("ascii")
