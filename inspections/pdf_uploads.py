"""Safe PDF uploads (documents sent for a remote check, ``plans.remote``), on the rules of ``uploads`` for
photos: size-limited by the same ``UPLOAD_MAX_BYTES``, parsed (not trusted by its name or type), refused when it
is not a PDF, encrypted, or longer than ``REMOTE_EVIDENCE_MAX_PAGES``; then re-written page by page, so that
only the pages survive: no document-level scripts or open actions, no attachments, forms, annotations, links or
metadata (author, software, XMP). Stored under an unguessable name by ``uploads.store_bytes``."""

import io
import logging

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from yantai_inspect.errors import DomainError

from .uploads import _read_limited

PDF_MAGIC = b"%PDF-"


def _not_a_pdf() -> DomainError:
    return DomainError(_("This file is not a PDF document the platform accepts."), field="file")


def is_pdf(upload) -> bool:
    """Whether an upload claims to be a PDF by its first bytes (the caller then takes the PDF path)."""
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    return head == PDF_MAGIC


def clean_pdf(upload) -> tuple[bytes, int]:
    """Return (bytes, pages) of a clean copy of a PDF upload, or raise DomainError."""
    data = _read_limited(upload)
    if not data.startswith(PDF_MAGIC):
        raise _not_a_pdf()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a malformed file is answered, not logged as a warning
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DomainError(_("The PDF is encrypted or password-protected; send it without protection."),
                              field="file")
        pages = len(reader.pages)
        if pages < 1:
            raise _not_a_pdf()
        if pages > settings.REMOTE_EVIDENCE_MAX_PAGES:
            raise DomainError(_("The PDF has %(n)d pages; at most %(max)d are accepted.")
                              % {"n": pages, "max": settings.REMOTE_EVIDENCE_MAX_PAGES}, field="file")
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.remove_annotations(subtypes=None)  # links, widgets, attachments, their actions
        for page in writer.pages:
            for key in ("/AA", "/Annots"):
                if key in page:
                    del page[key]
        out = io.BytesIO()
        writer.write(out)
    except DomainError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OSError,
            AssertionError) as exc:
        raise _not_a_pdf() from exc
    return out.getvalue(), pages
