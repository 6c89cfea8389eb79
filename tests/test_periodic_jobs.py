"""Every periodic job declared in the settings names a real task, runs, and can run again."""
import pytest
from django.conf import settings

from yantai_inspect.celery import app

pytestmark = pytest.mark.django_db
JOBS = sorted(settings.CELERY_BEAT_SCHEDULE.items())


@pytest.mark.parametrize("name,job", JOBS, ids=[name for name, _ in JOBS])
def test_each_beat_job_names_a_registered_task_that_runs_twice(name, job):
    app.loader.import_default_modules()
    task = app.tasks[job["task"]]
    first = task.apply()
    second = task.apply()
    assert first.successful() and second.successful(), (first.traceback, second.traceback)
