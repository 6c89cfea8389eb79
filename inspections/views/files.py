"""The record PDF for any portal user who may see the record. The worker renders it in the background when
the record is finalised or signed; if it has not yet (the worker is behind, or down), it is rendered here,
once, so a user never waits on the queue. ``store_record_pdf`` is rerunnable, so a late worker run only
replaces the file with an identical one."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.urls import path

from ..access import record_for_user
from ..models import InspectionRecord
from ..uploads import private_file


@login_required
def record_pdf(request, pk):
    from ..pdf import store_record_pdf

    record = record_for_user(user=request.user, record_id=pk)
    if record.status == InspectionRecord.Status.DRAFT:
        raise Http404
    if not record.pdf_is_current or not private_file(record.pdf_path).exists():
        store_record_pdf(record)
        record.refresh_from_db()
    return FileResponse(
        private_file(record.pdf_path).open("rb"),
        content_type="application/pdf",
        filename=f"inspection-record-{record.pk}.pdf",
    )


@login_required
def paper_pdf(request, pk):
    """An enforcement paper's PDF, to whoever may see its record (rendered here if the worker has not yet)."""
    from ..access import paper_for_user
    from ..paper_pdf import store_paper_pdf

    paper = paper_for_user(user=request.user, paper_id=pk)
    if not paper.pdf_path or not private_file(paper.pdf_path).exists():
        store_paper_pdf(paper)
    return FileResponse(
        private_file(paper.pdf_path).open("rb"), content_type="application/pdf", filename=f"paper-{paper.pk}.pdf"
    )


urlpatterns = [
    path("records/<int:pk>/pdf/", record_pdf, name="record-pdf"),
    path("papers/<int:pk>/pdf/", paper_pdf, name="paper-pdf"),
]
