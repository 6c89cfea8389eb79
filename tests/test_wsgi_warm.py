import importlib


def test_a_web_worker_builds_the_working_day_calendar_when_it_boots():
    """Fails on the old wsgi.py: the first filing of every worker paid for it (about 0.5 s)."""
    from plans.workdays import default_calendar

    default_calendar.cache_clear()
    import yantai_inspect.wsgi

    importlib.reload(yantai_inspect.wsgi)
    assert default_calendar.cache_info().currsize == 1
