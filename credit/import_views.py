"""The portal's page of credit-grade imports (the city justice bureau, platform administrators): upload a CSV,
follow its progress, read its bad rows by line, run it again. The work is ``credit.grade_imports``."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import page_guard
from yantai_inspect.csv_export import csv_response, rows_of
from yantai_inspect.errors import DomainError
from yantai_inspect.pagination import page_without_count

from .access import grade_import_for_user
from .grade_imports import grade_import_may_rerun, grade_import_rerun, grade_import_start, require_grade_importer
from .importing import GRADE_COLUMNS, IMPORTED_SOURCES
from .selectors import grade_imports_newest

PAGE_SIZE = 20
importer_required = page_guard(require_grade_importer)


class GradeImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))


@importer_required
def grade_imports(request):
    form = GradeImportForm(request.POST, request.FILES) if request.method == "POST" else GradeImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = grade_import_start(actor=request.user, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", str(exc.message))
        else:
            messages.success(request, _("The file is uploaded; its import runs in the background."))
            return redirect("credit-grade-import", pk=job.pk)
    page = page_without_count(grade_imports_newest(), request.GET.get("page"), PAGE_SIZE)
    return render(request, "credit/grade_imports.html", {
        "form": form, "imports": page, "columns": ",".join(GRADE_COLUMNS), "sources": IMPORTED_SOURCES,
    })


@importer_required
def grade_import(request, pk):
    job = grade_import_for_user(user=request.user, import_id=pk)
    return render(request, "credit/grade_import.html", {"job": job, "may_rerun": grade_import_may_rerun(job)})


@importer_required
@require_POST
def grade_import_rerun_view(request, pk):
    job = grade_import_for_user(user=request.user, import_id=pk)
    try:
        grade_import_rerun(actor=request.user, job=job)
        messages.success(request, _("The import runs again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("credit-grade-import", pk=job.pk)


@importer_required
def grade_import_bad_rows(request, pk):
    job = grade_import_for_user(user=request.user, import_id=pk)
    return csv_response(f"credit-import-{job.pk}-bad-rows.csv", [_("Line"), _("Credit code"), _("Reason")],
                        job.bad_rows)


@importer_required
def grade_imports_export(request):
    def row(job):
        return [job.uploaded_at.isoformat(timespec="seconds"), job.file_name, job.get_status_display(),
                job.total_lines, job.created, job.updated, job.unchanged, job.bad,
                job.uploaded_by.username if job.uploaded_by_id else ""]

    header = [_("Uploaded at"), _("File"), _("Status"), _("Lines"), _("Created"), _("Updated"), _("Unchanged"),
              _("Bad rows"), _("Uploaded by")]
    return csv_response("credit-imports.csv", [str(h) for h in header], rows_of(grade_imports_newest(), row))


urlpatterns = [
    path("justice/credit-imports/", grade_imports, name="credit-grade-imports"),
    path("justice/credit-imports/export.csv", grade_imports_export, name="credit-grade-imports-export"),
    path("justice/credit-imports/<int:pk>/", grade_import, name="credit-grade-import"),
    path("justice/credit-imports/<int:pk>/rerun/", grade_import_rerun_view, name="credit-grade-import-rerun"),
    path("justice/credit-imports/<int:pk>/bad-rows.csv", grade_import_bad_rows, name="credit-grade-import-bad-rows"),
]
