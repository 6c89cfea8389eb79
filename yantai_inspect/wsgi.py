import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")
django_application = get_wsgi_application()

# A locked address's login POSTs are refused here, before Django (accounts.lockout.LoginGate);
# ``django_application`` is Django alone (bench/login_flood.py measures both).
from accounts.lockout import LoginGate  # noqa: E402

application = LoginGate(django_application)

# Build the working-day calendar when a worker boots, not in its first request: it imports the ``holidays``
# package (about 0.5 s), which every filing, preview and re-matching needs.
from plans.workdays import default_calendar  # noqa: E402

default_calendar()
