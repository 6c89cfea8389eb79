from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def outbox_run(message_id: int) -> None:
    services.outbox_run_message(message_id)


@shared_task(ignore_result=True)
def outbox_drain() -> int:
    return services.outbox_drain()
