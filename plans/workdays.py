"""China's official working-day calendar (法定节假日与调休).

A day is a working day when the State Council General Office's yearly notice
(国务院办公厅关于××年部分节假日安排的通知) makes it one:

* a day listed as a holiday (放假) is off, whatever its weekday;
* a make-up working day (调休上班), usually a Saturday or Sunday, is a working day;
* any other day is a working day from Monday to Friday.

``WorkdayCalendar`` holds that data explicitly: holiday dates and make-up working days (each with the
festival's name), and the set of *known years* whose notice the data covers. ``default_calendar`` builds it
from three sources, the first that has a day wins:

1. ``plans/data/holidays.json``, the admin's file: a year listed there replaces every other source for that
   year (filled in when a new notice is published before the packages are updated, or to correct one).
2. The ``chinesecalendar`` package (import name ``chinese_calendar``) for the years it knows (2004-2026 in
   1.11.0): the notices themselves, with their 调休 working days.
3. The ``holidays`` package (``holidays.China``) for the later years. For a year whose notice it encodes (the
   years of its substituted-day table, ``holidays_notice_years``; 2001-2026 in 0.109) it has the notice's days
   off and 调休 working days, and the year is known. For a later year it computes what the law fixes ahead,
   《全国年节及纪念日放假办法》 (as revised in 2024): the statutory holidays (元旦; 春节 除夕 to 正月初三; 清明;
   劳动节 1-2 May; 端午; 中秋; 国庆 1-3 October) and, by its article 6, a rest day on the next working day
   for each of them that falls on a Saturday or Sunday (补假). Those days are off, but the year stays unknown:
   the bridging days and the 调休 working Saturdays that pay for them are only known from the notice.

Years no notice covers. The notice is published only in November or December of the year before, so plans
filed late in a year often reach into a year nobody knows yet. We do not guess the 调休 arrangement, which
changes every year: in such a year the statutory holidays and their make-up rest days are off, every other
day follows Monday-Friday, and the calendar says so:
``is_known(d)`` is False, ``unknown_years(start, end)`` lists the years a window reaches into, and
``is_workday(d, strict=True)`` raises ``CalendarUnknownYear``. Callers decide whether to warn (filing a
plan) or refuse (fixing a visit date). The fallback is deliberately permissive rather than refusing, so
that plans for next January can still be filed and matched in December; a visit scheduled on what turns
out to be a bridging day is re-optimised once the year is added (``rematch_visits``), as long as it is not
fixed.
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
            f"The official working-day calendar for {year} is not known yet: only its statutory holidays and "
            f"their make-up rest days are, other days follow Monday-Friday. "
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

    @classmethod
    def from_holidays_package(cls, years: Iterable[int]) -> WorkdayCalendar:
        """The ``holidays`` package's China calendar for ``years``.

        Its days off are holidays: the statutory ones, the make-up rest days for those falling on a weekend
        (补假), and, in a year whose notice it encodes, the notice's bridging days (休息日（由 … 调休）). Its
        weekend working days (``weekend_workdays``, only known from a notice) are make-up working days. Known
        years are those of ``years`` whose notice it encodes (``holidays_notice_years``); in the others only
        the days fixed by law are listed.
        """
        import holidays

        years = {int(y) for y in years}
        china = holidays.country_holidays("CN", years=years, language="zh_CN")
        return cls(
            holidays={d: name for d, name in china.items() if d.year in years},
            makeup_workdays={d: "调休上班" for d in china.weekend_workdays if d.year in years},
            known_years=years & holidays_notice_years(),
        )

    def with_fallback(self, other: WorkdayCalendar) -> WorkdayCalendar:
        """This calendar, with ``other``'s days for the years this one does not know.

        Where this calendar knows a year, ``other`` adds nothing to it; elsewhere a day this calendar names
        keeps its status and ``other`` fills in the rest. The years ``other`` knows become known.
        """
        named = self._holidays.keys() | self._makeup_workdays.keys()

        def missing(days: dict[dt.date, str]) -> dict[dt.date, str]:
            return {d: n for d, n in days.items() if d.year not in self._known_years and d not in named}

        return WorkdayCalendar(
            holidays=self._holidays | missing(other._holidays),
            makeup_workdays=self._makeup_workdays | missing(other._makeup_workdays),
            known_years=self._known_years | other._known_years,
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

    def add_workdays(self, d: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``d`` (``d`` itself not counted), e.g. a deadline of "within 5 working
        days" of a complaint received on ``d`` (the complaints' deadlines)."""
        d = _as_date(d)
        if n < 0:
            raise ValueError("n must not be negative")
        while n:
            d += dt.timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

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
    """The admin's ``plans/data/holidays.json`` over ``chinesecalendar`` over ``holidays`` (see the module
    docstring), built once per process. The ``holidays`` package fills the years after ``chinesecalendar``'s
    up to ``YEARS_AHEAD`` years past the current one (and any later year whose notice it encodes).

    Call ``default_calendar.cache_clear()`` after changing the file (or tests that patch it).
    """
    calendar = WorkdayCalendar.from_chinese_calendar()
    first = max(calendar.known_years) + 1
    last = max(dt.datetime.now(dt.UTC).year, first) + YEARS_AHEAD
    years = set(range(first, last + 1)) | {y for y in holidays_notice_years() if y >= first}
    calendar = calendar.with_fallback(WorkdayCalendar.from_holidays_package(years))
    return calendar.with_years_file(HOLIDAYS_FILE)


YEARS_AHEAD = 3


@functools.cache
def holidays_notice_years() -> frozenset[int]:
    """The years whose State Council notice the ``holidays`` package encodes: those with a substituted day off
    (a ``(month, day, from_month, from_day[, from_year])`` entry of its ``special_public_holidays`` table; every
    notice since 2001 swaps weekend days). For the other years it only computes the days fixed by law, so
    they are not known years."""
    import holidays

    table = getattr(holidays.country_holidays("CN"), "special_public_holidays", {})
    years = set()
    for year, entries in table.items():
        # A year maps to one entry or to a tuple of entries.
        if entries and not isinstance(entries[0], tuple):
            entries = (entries,)
        if any(len(entry) >= 4 for entry in entries):
            years.add(int(year))
    return frozenset(years)


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
