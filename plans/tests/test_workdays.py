import datetime as dt
import json

import chinese_calendar
import holidays
import pytest
from chinese_calendar import constants

from plans import workdays
from plans.workdays import (
    HOLIDAYS_FILE,
    CalendarUnknownYear,
    WorkdayCalendar,
    default_calendar,
    holidays_notice_years,
    load_years_file,
)

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


def _days(year):
    d = D(year, 1, 1)
    while d.year == year:
        yield d
        d += dt.timedelta(days=1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_holidays_package_and_chinesecalendar_agree_on_the_published_notices(year):
    """Both packages carry the 2025 and 2026 notices: the same days off and the same 调休 working days."""
    china = holidays.country_holidays("CN", years=year)
    assert [d for d in _days(year) if china.is_working_day(d) != chinese_calendar.is_workday(d)] == []
    assert {d for d in china.weekend_workdays if d.year == year} == {d for d in constants.workdays if d.year == year}
    assert year in holidays_notice_years()


def test_the_two_packages_differ_only_where_chinesecalendar_misses_a_working_saturday():
    """2004-2026, the years both know: one day apart. The 2006 notice (国办发明电〔2005〕35号) moved the weekend of
    31 December 2005 to 2-3 January and made Saturday 31 December 2005 a working day; ``holidays`` has it,
    ``chinesecalendar`` does not. The platform keeps ``chinesecalendar`` for the years it knows all the same:
    it lists every day of each holiday block, weekend days included, so a blocked day is reported as a holiday
    rather than a weekend, and a day of 2005 cannot matter to a plan."""
    china = holidays.country_holidays("CN", years=range(2004, 2027))
    differ = [
        d for y in range(2004, 2027) for d in _days(y) if china.is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert differ == [D(2005, 12, 31)]
    assert china.is_working_day(D(2005, 12, 31))
    assert not default_calendar().is_workday(D(2005, 12, 31))  # chinesecalendar's answer, see above


def test_the_holidays_package_knows_the_notices_up_to_2026():
    """``holidays`` 0.109 encodes the notices of 2001-2026; when the pin moves, check which years it added."""
    assert holidays_notice_years() == frozenset(range(2001, 2027))


MAKEUP_REST_DAYS_2027 = {
    D(2027, 2, 9): "春节（补假）",  # 春节 初一 and 初二 fall on Saturday 6 and Sunday 7 February
    D(2027, 2, 10): "春节（补假）",
    D(2027, 5, 3): "劳动节（补假）",  # 劳动节 1-2 May is a Saturday and a Sunday
    D(2027, 5, 4): "劳动节（补假）",
    D(2027, 10, 4): "国庆节（补假）",  # 国庆 2 and 3 October are a Saturday and a Sunday
    D(2027, 10, 5): "国庆节（补假）",
}


def test_2027_makes_up_the_holidays_that_fall_on_a_weekend(calendar):
    """《全国年节及纪念日放假办法》 art. 6: a holiday on a Saturday or Sunday is made up on a working day. The
    old hand computation kept these six weekdays as working days; the notice for 2027 is still unknown."""
    for d, name in MAKEUP_REST_DAYS_2027.items():
        assert d.weekday() < 5
        assert not calendar.is_workday(d), d
        assert calendar.holiday_name(d) == name
    assert not calendar.is_known(D(2027, 2, 9))


def test_2027_keeps_every_statutory_holiday_off(calendar):
    statutory = {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "农历除夕",
        **dict.fromkeys([D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)], "春节"),
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        **dict.fromkeys([D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)], "国庆节"),
    }
    for d, name in statutory.items():
        assert not calendar.is_workday(d), d
        assert calendar.holiday_name(d) == name
    off_weekdays = {d for d in _days(2027) if d.weekday() < 5 and not calendar.is_workday(d)}
    assert off_weekdays == {d for d in statutory | MAKEUP_REST_DAYS_2027 if d.weekday() < 5}
    assert not any(calendar.is_makeup_workday(d) for d in _days(2027))  # only the notice makes a Saturday one


def test_the_later_years_follow_the_law_too(calendar):
    """The fallback reaches a few years ahead: 2028's 元旦 is a Saturday, made up on Monday 3 January."""
    assert not calendar.is_workday(D(2028, 1, 3))
    assert calendar.holiday_name(D(2028, 1, 3)) == "元旦（补假）"
    assert calendar.unknown_years(D(2028, 1, 1), D(2028, 1, 31)) == [2028]


def test_a_notice_year_of_the_holidays_package_is_known_with_its_working_days():
    package = WorkdayCalendar.from_holidays_package([2026, 2027])
    assert package.known_years == {2026}
    assert package.is_makeup_workday(D(2026, 2, 14))  # Saturday, 调休上班 for 春节
    assert package.is_workday(D(2026, 2, 14))
    assert not package.is_workday(D(2026, 2, 20))  # Friday, bridging day off
    assert not package.is_workday(D(2027, 2, 9))  # 2027: the law's days only
    assert not package.is_known(D(2027, 2, 9))


def test_the_holidays_package_only_fills_the_years_chinesecalendar_does_not_know():
    base = WorkdayCalendar(holidays={D(2026, 10, 1): "国庆节"}, makeup_workdays={}, known_years=[2026])
    merged = base.with_fallback(WorkdayCalendar.from_holidays_package([2025, 2026, 2027]))
    assert merged.is_workday(D(2026, 2, 20)), "2026 is known to the first calendar: nothing is added to it"
    assert not merged.is_workday(D(2025, 2, 4))  # 2025 filled in, and known
    assert merged.known_years == {2025, 2026}
    assert not merged.is_workday(D(2027, 10, 5))


def test_a_year_the_holidays_package_learns_becomes_known(monkeypatch):
    """Once a ``holidays`` release encodes the 2027 notice, 2027 is known without touching the admin file."""
    monkeypatch.setattr(workdays, "holidays_notice_years", lambda: frozenset(range(2001, 2028)))
    default_calendar.cache_clear()
    try:
        assert default_calendar().unknown_years(D(2026, 12, 1), D(2027, 1, 31)) == []
    finally:
        default_calendar.cache_clear()


def test_the_admin_file_overrides_every_package(tmp_path, monkeypatch):
    path = tmp_path / "holidays.json"
    path.write_text(
        json.dumps(
            {
                "years": {
                    "2026": {"holidays": {"2026-12-01": "测试"}, "workdays": {}},
                    "2027": {
                        "holidays": {"2027-02-05": "春节", "2027-02-09": "春节"},
                        "workdays": {"2027-02-20": "春节"},
                    },
                }
            }
        )
    )
    monkeypatch.setattr(workdays, "HOLIDAYS_FILE", path)
    default_calendar.cache_clear()
    try:
        calendar = default_calendar()
        assert not calendar.is_workday(D(2026, 12, 1)) and calendar.is_workday(D(2026, 10, 1))  # over chinesecalendar
        assert calendar.is_known(D(2027, 6, 1))
        assert calendar.is_workday(D(2027, 2, 10))  # the package's make-up rest day, not in the file
        assert not calendar.is_workday(D(2027, 2, 9))
        assert calendar.is_workday(D(2027, 2, 20))  # Saturday
        assert not calendar.is_workday(D(2028, 1, 3)), "later years still come from the package"
    finally:
        default_calendar.cache_clear()


def test_the_filing_warning_says_what_is_known_of_an_unknown_year():
    from django.utils import translation

    from plans.services import calendar_warning

    assert calendar_warning(D(2026, 11, 1), D(2026, 12, 31)) is None
    with translation.override("zh-hans"):
        warning = calendar_warning(D(2026, 12, 20), D(2027, 1, 20))
    assert "2027" in warning
    assert "补休" in warning and "调休" in warning


def test_add_workdays_skips_holidays_and_counts_makeup_working_days():
    from plans.workdays import default_calendar

    calendar = default_calendar()
    # 2026: 1-7 October off for National Day, Saturday 10 October a make-up working day
    assert calendar.add_workdays(dt.date(2026, 9, 30), 0) == dt.date(2026, 9, 30)
    assert calendar.add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert calendar.add_workdays(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert calendar.add_workdays(dt.date(2026, 10, 3), 1) == dt.date(2026, 10, 8)  # from a holiday
    with pytest.raises(ValueError):
        calendar.add_workdays(dt.date(2026, 9, 30), -1)
