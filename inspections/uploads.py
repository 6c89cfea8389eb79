"""Safe image uploads: decoded and re-encoded (so only pixels survive: no EXIF location or camera data, no
trailing payload), size-limited, stored under unguessable names outside any public URL.

Decoding is where an image costs memory (width × height × channels, whatever the file's size), so the pixel
count is read from the header first (``Image.open`` parses only the header) and refused above
``UPLOAD_MAX_PIXELS``; and only ``UPLOAD_DECODE_CONCURRENCY`` photos are decoded at once per process."""

import contextlib
import hashlib
import io
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from yantai_inspect.errors import DomainError

ALLOWED_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/jpeg", "jpg")}
MAX_SIDE = 4096
# Process-wide: every request thread of a worker shares it (the setting is read once, at import).
_DECODE_SLOTS = threading.BoundedSemaphore(max(1, settings.UPLOAD_DECODE_CONCURRENCY))


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


def _not_an_image() -> DomainError:
    return DomainError(_("This file is not an image the platform accepts (JPEG, PNG or WebP)."), field="photo")


def _check_header(data: bytes) -> None:
    """Refuse by the header alone (format and pixel count), before a single pixel is decoded."""
    limit = settings.UPLOAD_MAX_PIXELS
    too_large = DomainError(
        _("The image is larger than %(mp)d megapixels.") % {"mp": max(1, limit // 1_000_000)}, field="photo"
    )
    Image.MAX_IMAGE_PIXELS = limit  # Pillow's own check, which raises only at twice this number
    try:
        with Image.open(io.BytesIO(data)) as probe:  # parses the header only
            fmt, (width, height) = probe.format, probe.size
    except Image.DecompressionBombError as exc:
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _not_an_image() from exc
    if fmt not in ALLOWED_FORMATS:
        raise _not_an_image()
    if width * height > limit:
        raise too_large


def decode_and_reencode(upload) -> tuple[bytes, str, str, int, int]:
    """Return (bytes, content type, extension, width, height) of a clean copy, or raise DomainError."""
    data = _read_limited(upload)
    _check_header(data)
    if not _DECODE_SLOTS.acquire(timeout=settings.UPLOAD_DECODE_WAIT_SECONDS):
        raise DomainError(_("The server is busy processing other photos. Please try again in a moment."), field="photo")
    try:
        return _decode(data)
    finally:
        _DECODE_SLOTS.release()


def _decode(data: bytes) -> tuple[bytes, str, str, int, int]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # structural check of the whole file
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _not_an_image() from exc
    if fmt not in ALLOWED_FORMATS:
        raise _not_an_image()
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
