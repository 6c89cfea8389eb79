"""Serve the 12345 hotline simulator (``complaints.simulator``) on localhost for the demo."""

from django.conf import settings
from django.core.management.base import BaseCommand

from complaints.simulator import HotlineSimulator


class Command(BaseCommand):
    help = "Serve a 12345 hotline simulator on localhost (set HOTLINE_URL to the URL it prints)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8199)
        parser.add_argument("--callback", default="http://127.0.0.1:8000/api/v1/hotline/updates/",
                            help="The platform's inbound endpoint, for the updates it posts back")

    def handle(self, *args, port, callback, **options):
        simulator = HotlineSimulator(secret=settings.HOTLINE_SECRET, port=port, callback_url=callback)
        self.stdout.write(f"12345 hotline simulator: HOTLINE_URL={simulator.url}  (control: POST /control/ "
                          f'{{"fail": N, "slow": N, "slow_seconds": S, "twice": N}}; '
                          f'POST /push/ {{"key", "status", "note"}}; GET /deliveries/)')
        try:
            simulator.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            simulator.server.server_close()
