import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")
application = get_wsgi_application()

# Build the working-day calendar when a worker boots, not in its first request: it imports the ``holidays``
# package (about 0.5 s), which every filing, preview and re-matching needs.
from plans.workdays import default_calendar  # noqa: E402

default_calendar()
