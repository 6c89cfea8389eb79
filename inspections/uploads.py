"""Safe image uploads: decoded and re-encoded (so only pixels survive: no EXIF location or camera data, no
trailing payload), size-limited, stored under unguessable names outside any public URL."""

import contextlib
import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from yantai_inspect.errors import DomainError

ALLOWED_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/jpeg", "jpg")}
MAX_PIXELS = 40_000_000
MAX_SIDE = 4096


@dataclass
class StoredImage:
    path: str
    content_type: str
    width: int
    height: int
    size: int
    sha256: str


def _read_limited(upload) -> bytes:
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise DomainError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, field="photo")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, field="photo")
    if not data:
        raise DomainError(_("The file is empty."), field="photo")
    return data


def decode_and_reencode(upload) -> tuple[bytes, str, str, int, int]:
    """Return (bytes, content type, extension, width, height) of a clean copy, or raise DomainError."""
    data = _read_limited(upload)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # structural check of the whole file
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(
            _("This file is not an image the platform accepts (JPEG, PNG or WebP)."), field="photo"
        ) from exc
    if fmt not in ALLOWED_FORMATS:
        raise DomainError(_("This file is not an image the platform accepts (JPEG, PNG or WebP)."), field="photo")
    image = ImageOps.exif_transpose(image)  # keep the photo upright, then drop all metadata
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    content_type, ext = ALLOWED_FORMATS[fmt]
    out = io.BytesIO()
    if content_type == "image/png":
        clean = image.convert("RGBA") if image.mode in ("RGBA", "LA", "P") else image.convert("RGB")
        clean.save(out, format="PNG", optimize=True)
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), content_type, ext, image.width, image.height


def store_image(upload, *, folder: str) -> StoredImage:
    clean, content_type, ext, width, height = decode_and_reencode(upload)
    return store_bytes(clean, folder=folder, ext=ext, content_type=content_type, width=width, height=height)


def store_bytes(
    data: bytes, *, folder: str, ext: str, content_type: str, width: int = 0, height: int = 0
) -> StoredImage:
    relative = f"{folder}/{secrets.token_urlsafe(24)}.{ext}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return StoredImage(
        path=relative,
        content_type=content_type,
        width=width,
        height=height,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def private_file(relative: str) -> Path:
    """The absolute path of a stored file; refuses anything that escapes MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise DomainError("bad path")
    return path


def remove_stored(relative: str) -> None:
    with contextlib.suppress(DomainError):
        private_file(relative).unlink(missing_ok=True)
