"""China's official working-day calendar (法定节假日与调休).

A day is a working day when the State Council General Office's yearly notice
(国务院办公厅关于××年部分节假日安排的通知) makes it one:

* a day listed as a holiday (放假) is off, whatever its weekday;
* a make-up working day (调休上班), usually a Saturday or Sunday, is a working day;
* any other day is a working day from Monday to Friday.

``WorkdayCalendar`` holds that data explicitly: holiday dates and make-up working days (each with the
festival's name), and the set of *known years* whose notice the data covers. The data comes from the
``chinesecalendar`` package (import name ``chinese_calendar``) for the years it knows, plus the years
listed in ``plans/data/holidays.json`` (filled in by the admin when a new notice is published).

Years the data does not cover. The notice is published only in November or December of the year before,
so plans filed late in a year often reach into a year nobody knows yet. We do not guess the 调休
arrangement, which changes every year. The statutory holidays, however, are fixed by law (solar and lunar
dates, see ``statutory_holidays``), so ``default_calendar`` keeps them off for the next years; every other
date in an unknown year falls back to Monday-Friday (any day the data names explicitly still counts), and
the calendar says so:
``is_known(d)`` is False, ``unknown_years(start, end)`` lists the years a window reaches into, and
``is_workday(d, strict=True)`` raises ``CalendarUnknownYear``. Callers decide whether to warn (filing a
plan) or refuse (fixing a visit date). The fallback is deliberately permissive rather than refusing, so
that plans for next January can still be filed and matched in December; a visit scheduled on what turns
out to be a holiday is re-optimised once the year is added, as long as it is not fixed.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays.json"

DayNames = Mapping[dt.date, str] | Iterable[dt.date]


class CalendarUnknownYear(LookupError):
    """The official calendar of ``year`` is not known (its notice is not in the data yet)."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"The official working-day calendar for {year} is not known yet; Monday-Friday is assumed. "
            f"Add the year from the State Council notice to {HOLIDAYS_FILE.name}."
        )


class WorkdayCalendar:
    """An immutable working-day calendar built from explicit data; ``with_*`` methods return new calendars."""

    def __init__(self, *, holidays: DayNames, makeup_workdays: DayNames, known_years: Iterable[int]):
        self._holidays = _named_days(holidays)
        self._makeup_workdays = _named_days(makeup_workdays)
        self._known_years = frozenset(int(y) for y in known_years)
        both = sorted(self._holidays.keys() & self._makeup_workdays.keys())
        if both:
            raise ValueError(f"Days listed both as holiday and as make-up working day: {_join(both)}")

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def from_chinese_calendar(cls) -> WorkdayCalendar:
        """The data of the ``chinesecalendar`` package; its known years are those it accepts itself."""
        from chinese_calendar import constants

        chinese_names = {h.value: h.chinese for h in constants.Holiday}
        years = {d.year for d in constants.holidays}
        return cls(
            holidays={d: chinese_names.get(n, n) for d, n in constants.holidays.items()},
            makeup_workdays={d: chinese_names.get(n, n) for d, n in constants.workdays.items()},
            known_years=range(min(years), max(years) + 1),
        )

    def with_year(self, year: int, *, holidays: DayNames, makeup_workdays: DayNames) -> WorkdayCalendar:
        """This calendar with ``year`` known and its data replaced by the given notice.

        Every holiday and make-up day dated in ``year`` is dropped first, so a corrected notice does not leave
        stale days behind. The notice may also name days of an adjacent year (a New Year's Day block that starts
        on 30 December); those are added without making that year known.
        """
        holidays = _named_days(holidays)
        makeup_workdays = _named_days(makeup_workdays)
        return WorkdayCalendar(
            holidays={d: n for d, n in self._holidays.items() if d.year != year} | holidays,
            makeup_workdays={d: n for d, n in self._makeup_workdays.items() if d.year != year} | makeup_workdays,
            known_years=self._known_years | {year},
        )

    def with_days(
        self,
        *,
        holidays: DayNames = (),
        makeup_workdays: DayNames = (),
        ordinary: Iterable[dt.date] = (),
    ) -> WorkdayCalendar:
        """This calendar with single days overridden (what an admin-edited correction table feeds in).

        ``holidays`` become days off, ``makeup_workdays`` become working days, ``ordinary`` days lose any special
        status and follow the Monday-Friday rule again. Known years do not change: overriding a few days of an
        unknown year does not make the rest of that year known.
        """
        holidays = _named_days(holidays)
        makeup_workdays = _named_days(makeup_workdays)
        overridden = holidays.keys() | makeup_workdays.keys() | {_as_date(d) for d in ordinary}
        return WorkdayCalendar(
            holidays={d: n for d, n in self._holidays.items() if d not in overridden} | holidays,
            makeup_workdays={d: n for d, n in self._makeup_workdays.items() if d not in overridden} | makeup_workdays,
            known_years=self._known_years,
        )

    def with_years_file(self, path: Path) -> WorkdayCalendar:
        """This calendar with every year of a ``holidays.json``-style file applied through ``with_year``."""
        calendar = self
        for year, (holidays, makeup_workdays) in sorted(load_years_file(path).items()):
            calendar = calendar.with_year(year, holidays=holidays, makeup_workdays=makeup_workdays)
        return calendar

    # -- questions ----------------------------------------------------------------------------------

    @property
    def known_years(self) -> frozenset[int]:
        return self._known_years

    def is_known(self, d: dt.date) -> bool:
        """Whether the official notice for ``d``'s year is in the data (else ``is_workday`` is the fallback)."""
        return _as_date(d).year in self._known_years

    def unknown_years(self, start: dt.date, end: dt.date) -> list[int]:
        """The years of [start, end] that the data does not cover, for a warning on a plan's window."""
        return [y for y in range(_as_date(start).year, _as_date(end).year + 1) if y not in self._known_years]

    def is_workday(self, d: dt.date, *, strict: bool = False) -> bool:
        """Whether ``d`` is an official working day.

        In an unknown year: Monday-Friday (explicitly listed days still count), or ``CalendarUnknownYear``
        when ``strict``.
        """
        d = _as_date(d)
        if strict and d.year not in self._known_years:
            raise CalendarUnknownYear(d.year)
        if d in self._makeup_workdays:
            return True
        if d in self._holidays:
            return False
        return d.weekday() < 5

    def is_holiday(self, d: dt.date) -> bool:
        """Whether ``d`` is listed as a public-holiday day off (a plain weekend is not a holiday)."""
        return _as_date(d) in self._holidays

    def is_makeup_workday(self, d: dt.date) -> bool:
        """Whether ``d`` is a make-up working day (调休上班)."""
        return _as_date(d) in self._makeup_workdays

    def holiday_name(self, d: dt.date) -> str | None:
        """The festival a holiday or make-up day belongs to (e.g. 国庆节), or None for an ordinary day."""
        d = _as_date(d)
        return self._holidays.get(d, self._makeup_workdays.get(d))

    def __repr__(self) -> str:
        years = sorted(self._known_years)
        span = f"{years[0]}-{years[-1]}" if years else "none"
        return f"<WorkdayCalendar known years {span} ({len(years)})>"


@functools.cache
def default_calendar() -> WorkdayCalendar:
    """The package's data plus ``plans/data/holidays.json``, built once per process; for the next years that
    neither covers, the statutory holidays (``statutory_holidays``) are still off.

    Call ``default_calendar.cache_clear()`` after changing the file (or tests that patch it).
    """
    calendar = WorkdayCalendar.from_chinese_calendar().with_years_file(HOLIDAYS_FILE)
    first_unknown = max(calendar.known_years) + 1
    this_year = dt.datetime.now(dt.UTC).year
    for year in range(first_unknown, max(this_year, first_unknown) + STATUTORY_YEARS_AHEAD + 1):
        if year not in calendar.known_years:
            calendar = calendar.with_days(holidays=statutory_holidays(year))
    return calendar


STATUTORY_YEARS_AHEAD = 3


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The days off fixed by law, 《全国年节及纪念日放假办法》 (State Council, as revised in 2024, in force
    from 2025): 元旦 1 January; 春节 除夕 to 正月初三 (lunar); 清明节 the 清明 solar term; 劳动节 1-2 May;
    端午节 五月初五 (lunar); 中秋节 八月十五 (lunar); 国庆节 1-3 October.

    These are holidays whatever the yearly notice says; the notice adds only the bridging days and the
    make-up working days (调休), which cannot be known ahead. So for a year the notice has not reached yet,
    the statutory days are still off, and a visit is never scheduled on 春节 or 国庆 just because the notice
    is late; the rest of the year follows Monday-Friday until the notice is loaded."""
    from chinese_calendar import get_solar_terms
    from lunardate import LunarDate

    spring = LunarDate(year, 1, 1).to_solar_date()
    days = {dt.date(year, 1, 1): "元旦"}
    for offset in range(-1, 3):
        days[spring + dt.timedelta(days=offset)] = "春节"
    qingming = [d for d, name in get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10)) if name == "清明"]
    days.update(dict.fromkeys(qingming, "清明节"))
    days.update({dt.date(year, 5, 1): "劳动节", dt.date(year, 5, 2): "劳动节"})
    days[LunarDate(year, 5, 5).to_solar_date()] = "端午节"
    days[LunarDate(year, 8, 15).to_solar_date()] = "中秋节"
    days.update({dt.date(year, 10, d): "国庆节" for d in (1, 2, 3)})
    return {d: name for d, name in days.items() if d.year == year}


def load_years_file(path: Path) -> dict[int, tuple[dict[dt.date, str], dict[dt.date, str]]]:
    """Read a years file: ``{"years": {"2027": {"holidays": {...}, "workdays": {...}}}}``.

    ``holidays`` and ``workdays`` map ISO dates to the festival name (a plain list of ISO dates is accepted
    too). Keys starting with ``_`` are comments. A malformed file raises ``ValueError`` naming the file and the
    entry: a silently ignored year would make the calendar quietly wrong.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the holidays file: {exc}") from exc
    years = data.get("years", {}) if isinstance(data, dict) else None
    if not isinstance(years, dict):
        raise ValueError(f'{path}: expected an object with a "years" object')
    result = {}
    for key, entry in years.items():
        if key.startswith("_"):
            continue
        if not (key.isdigit() and len(key) == 4) or not isinstance(entry, dict):
            raise ValueError(f'{path}: year "{key}" must be a 4-digit year mapped to an object')
        unexpected = set(entry) - {"holidays", "workdays", "source"} - {k for k in entry if k.startswith("_")}
        if unexpected:
            raise ValueError(f"{path}: year {key} has unknown keys {sorted(unexpected)}")
        result[int(key)] = (
            _parse_days(entry.get("holidays", {}), f"{path}: {key}.holidays"),
            _parse_days(entry.get("workdays", {}), f"{path}: {key}.workdays"),
        )
    return result


def _parse_days(raw, where: str) -> dict[dt.date, str]:
    if isinstance(raw, list):
        raw = dict.fromkeys(raw, "")
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object of ISO date to name, or a list of ISO dates")
    days = {}
    for iso, name in raw.items():
        try:
            days[dt.date.fromisoformat(iso)] = str(name)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {iso!r} is not an ISO date (YYYY-MM-DD)") from exc
    return days


def _named_days(days: DayNames) -> dict[dt.date, str]:
    if isinstance(days, Mapping):
        return {_as_date(d): str(n) for d, n in days.items()}
    return {_as_date(d): "" for d in days}


def _as_date(d: dt.date) -> dt.date:
    # A datetime is a date subclass but never equal to one, so it would silently miss every lookup; and which
    # calendar day an aware datetime falls on depends on a time zone we cannot know here.
    if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
    return d


def _join(days: Iterable[dt.date]) -> str:
    return ", ".join(d.isoformat() for d in days)
