from django.core.management.base import BaseCommand

from outbox.services import outbox_drain


class Command(BaseCommand):
    help = "Run the background work that is due (what the worker's periodic drain does)."

    def handle(self, *args, **options):
        ran = outbox_drain()
        self.stdout.write(f"{ran} outbox message(s) ran")
