"""Daily jobs, set-based: work through the rows a job must handle in batches, each batch in its own
transaction with its rows locked (rows another run holds are skipped, so two runs never take the same
row), so that a batch costs a fixed number of statements whatever its size."""

from django.db import transaction

DEFAULT_BATCH_SIZE = 500


def in_locked_batches(queryset, handle, *, batch_size: int = DEFAULT_BATCH_SIZE, order_by=("pk",)) -> int:
    """Call ``handle(ids)`` for successive batches of the ids of ``queryset``, in ``order_by`` order (pk by
    default; any order the job's index serves, ending with pk), each batch in one transaction with its rows
    locked ``FOR UPDATE SKIP LOCKED``; ``handle`` returns how many it handled and must take the rows out of
    ``queryset`` (a claim), or the loop would meet them again. Returns the sum. SQLite has no row locks: it
    serialises writers instead."""
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                queryset.select_for_update(skip_locked=True)
                .order_by(*order_by)
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            done += handle(ids)
        if len(ids) < batch_size:
            return done
