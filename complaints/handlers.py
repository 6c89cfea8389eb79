from outbox.registry import outbox_handler

from .hotline import hotline_deliver


@outbox_handler("complaints.hotline_deliver")
def deliver(*, complaint_id: int) -> None:
    hotline_deliver(complaint_id=complaint_id)
