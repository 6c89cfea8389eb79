from plans.tests.conftest import city, frozen  # noqa: F401 - the small city and the frozen clock of plans' tests
