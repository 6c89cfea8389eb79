import datetime as dt
import json

import chinese_calendar
import pytest
from chinese_calendar import constants

from plans.workdays import HOLIDAYS_FILE, CalendarUnknownYear, WorkdayCalendar, default_calendar, load_years_file

D = dt.date


@pytest.fixture
def calendar():
    return default_calendar()


def test_national_day_is_a_holiday(calendar):
    assert not calendar.is_workday(D(2026, 10, 1))  # a Thursday
    assert calendar.is_holiday(D(2026, 10, 1))
    assert calendar.holiday_name(D(2026, 10, 1)) == "国庆节"


def test_a_makeup_saturday_is_a_working_day(calendar):
    saturdays = sorted(d for d in constants.workdays if d.year == 2026 and d.weekday() == 5)
    assert saturdays, "chinesecalendar lists no make-up Saturday in 2026"
    for d in saturdays:
        assert calendar.is_workday(d)
        assert calendar.is_makeup_workday(d)
        assert not calendar.is_holiday(d)


def test_ordinary_weekends_are_off_and_weekdays_on(calendar):
    assert not calendar.is_workday(D(2026, 11, 28))  # Saturday
    assert not calendar.is_workday(D(2026, 11, 29))  # Sunday
    assert calendar.is_workday(D(2026, 11, 30))  # Monday
    assert not calendar.is_holiday(D(2026, 11, 28))


def test_it_agrees_with_chinesecalendar_on_every_day_it_knows(calendar):
    d, last = D(2004, 1, 1), D(2026, 12, 31)
    while d <= last:
        assert calendar.is_workday(d) == chinese_calendar.is_workday(d), d
        d += dt.timedelta(days=1)


def test_known_years_are_those_of_chinesecalendar(calendar):
    assert set(range(2004, 2027)) <= calendar.known_years
    assert calendar.is_known(D(2026, 12, 31))


def test_an_unknown_year_falls_back_to_monday_to_friday_and_says_so(calendar):
    new_years_day = D(2027, 1, 1)  # a Friday; the notice for 2027 is not in the data yet
    assert 2027 not in calendar.known_years
    assert not calendar.is_known(new_years_day)
    assert not calendar.is_workday(new_years_day)  # but 元旦 is a statutory holiday whatever the notice says
    assert calendar.is_workday(D(2027, 1, 4))  # an ordinary Monday: Monday-Friday fallback
    assert not calendar.is_workday(D(2027, 1, 2))  # Saturday
    assert calendar.unknown_years(D(2026, 12, 20), D(2027, 1, 10)) == [2027]
    assert calendar.unknown_years(D(2026, 12, 1), D(2026, 12, 10)) == []


def test_strict_lookup_refuses_an_unknown_year(calendar):
    with pytest.raises(CalendarUnknownYear) as exc:
        calendar.is_workday(D(2027, 1, 4), strict=True)
    assert exc.value.year == 2027
    assert calendar.is_workday(D(2026, 10, 10), strict=True)  # known year: answers


def test_the_shipped_file_holds_only_official_years():
    data = json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    assert "_note" in data
    # 2027's notice was not available when the file was written; a year is added only from the notice.
    assert load_years_file(HOLIDAYS_FILE) == {}


def test_a_year_from_the_file_becomes_known(tmp_path):
    path = tmp_path / "holidays.json"
    path.write_text(
        json.dumps(
            {
                "_note": "test",
                "years": {
                    "2030": {
                        "source": "https://www.gov.cn/",
                        "holidays": {"2030-01-01": "元旦", "2030-01-02": "元旦"},
                        "workdays": ["2030-01-05"],
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    calendar = WorkdayCalendar.from_chinese_calendar().with_years_file(path)
    assert calendar.is_known(D(2030, 6, 3))
    assert not calendar.is_workday(D(2030, 1, 1))  # Tuesday, holiday
    assert calendar.holiday_name(D(2030, 1, 2)) == "元旦"
    assert calendar.is_workday(D(2030, 1, 5))  # Saturday, make-up day
    assert calendar.is_workday(D(2030, 1, 3))


def test_a_year_from_the_file_replaces_the_package_data(tmp_path):
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps({"years": {"2026": {"holidays": {"2026-10-12": "测试"}, "workdays": {}}}}))
    calendar = WorkdayCalendar.from_chinese_calendar().with_years_file(path)
    assert calendar.is_workday(D(2026, 10, 1))  # the package's holiday is gone
    assert not calendar.is_workday(D(2026, 10, 10))  # and so is its make-up Saturday
    assert not calendar.is_workday(D(2026, 10, 12))
    assert not calendar.is_workday(D(2025, 10, 1))  # other years untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read"),
        ('{"years": []}', '"years"'),
        ('{"years": {"27": {}}}', "4-digit"),
        ('{"years": {"2027": {"holidays": {"2027-02-30": "x"}}}}', "2027-02-30"),
        ('{"years": {"2027": {"holiday": {}}}}', "unknown keys"),
        ('{"years": {"2027": {"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}}}', "both"),
    ],
)
def test_it_refuses_a_malformed_file(tmp_path, content, message):
    path = tmp_path / "holidays.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        WorkdayCalendar.from_chinese_calendar().with_years_file(path)


def test_days_can_be_overridden_one_by_one(calendar):
    changed = calendar.with_days(
        holidays={D(2026, 12, 1): "停电"},
        makeup_workdays=[D(2026, 12, 5)],
        ordinary=[D(2026, 10, 1), D(2026, 10, 10)],
    )
    assert not changed.is_workday(D(2026, 12, 1))
    assert changed.is_workday(D(2026, 12, 5))  # Saturday made a working day
    assert changed.is_workday(D(2026, 10, 1))  # Thursday, back to ordinary
    assert not changed.is_workday(D(2026, 10, 10))  # Saturday, back to ordinary
    assert calendar.is_workday(D(2026, 12, 1)), "the original calendar is unchanged"
    assert changed.known_years == calendar.known_years


def test_overriding_days_of_an_unknown_year_keeps_it_unknown(calendar):
    changed = calendar.with_days(holidays={D(2027, 1, 1): "元旦"})
    assert not changed.is_workday(D(2027, 1, 1))
    assert not changed.is_known(D(2027, 1, 1))


def test_a_whole_year_can_be_added(calendar):
    changed = calendar.with_year(2027, holidays=[D(2027, 1, 1)], makeup_workdays={})
    assert changed.is_known(D(2027, 3, 1))
    assert not changed.is_workday(D(2027, 1, 1))


def test_it_refuses_a_datetime():
    with pytest.raises(TypeError):
        default_calendar().is_workday(dt.datetime(2026, 10, 1, 9, 0))


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_holidays_agree_with_the_official_notices(year):
    """The law's fixed days (lunar and solar) are holidays in every published notice since the 2024 revision."""
    import chinese_calendar

    from plans.workdays import statutory_holidays

    days = statutory_holidays(year)
    assert len(days) == 13
    assert [d for d in days if chinese_calendar.is_workday(d)] == []


def test_an_unknown_year_still_keeps_its_statutory_holidays_off():
    import datetime as dt

    from plans.workdays import default_calendar, statutory_holidays

    calendar = default_calendar()
    year = max(calendar.known_years) + 1
    spring_festival = [d for d, name in statutory_holidays(year).items() if name == "春节"]
    assert not calendar.is_known(spring_festival[0])
    assert all(not calendar.is_workday(d) for d in spring_festival)
    assert not calendar.is_workday(dt.date(year, 10, 2))
