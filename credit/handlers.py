"""credit's outbox handlers: the background run of an uploaded grade import."""

from outbox.registry import outbox_handler

from .grade_imports import RUN_HANDLER, grade_import_run


@outbox_handler(RUN_HANDLER)
def grade_import_run_handler(*, import_id: int) -> None:
    grade_import_run(import_id=import_id)
