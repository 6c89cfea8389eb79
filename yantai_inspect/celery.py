import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yantai_inspect.settings")

app = Celery("yantai_inspect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
