"""Academic years, ages on 31 August, year groups and key stages."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.academic import (
    KeyStage,
    academic_year_of,
    age_at_year_end,
    age_at_year_start,
    age_on,
    chronological_year_group,
    key_stage_of,
    rolled_year_group,
    year_end,
    year_label,
    year_start,
)

d = dt.date
dates = st.dates(min_value=d(1990, 1, 1), max_value=d(2060, 12, 31))
years = st.integers(min_value=2000, max_value=2050)


# --- Academic years ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (d(2025, 8, 31), 2024),  # last day of 2024/25
        (d(2025, 9, 1), 2025),  # first day of 2025/26
        (d(2025, 12, 31), 2025),
        (d(2026, 1, 1), 2025),  # a new calendar year is not a new academic year
        (d(2026, 8, 31), 2025),  # last day of 2025/26
        (d(2026, 9, 1), 2026),
    ],
)
def test_academic_year_of(day: dt.date, year: int) -> None:
    assert academic_year_of(day) == year


def test_year_start_and_end() -> None:
    assert (year_start(2025), year_end(2025)) == (d(2025, 9, 1), d(2026, 8, 31))


@given(dates)
def test_every_day_lies_within_its_academic_year(day: dt.date) -> None:
    year = academic_year_of(day)
    assert year_start(year) <= day <= year_end(year)


@given(years)
def test_academic_years_are_contiguous(year: int) -> None:
    assert year_end(year) + dt.timedelta(days=1) == year_start(year + 1)


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2025, "2025/26"),
        (2009, "2009/10"),
        (2000, "2000/01"),
        (1999, "1999/00"),  # the century rolls over: the second part keeps two digits
    ],
)
def test_year_label(year: int, label: str) -> None:
    assert year_label(year) == label


# --- Ages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (d(2010, 6, 15), d(2010, 6, 15), 0),  # the day of birth
        (d(2010, 6, 15), d(2011, 6, 14), 0),  # the day before the first birthday
        (d(2010, 6, 15), d(2011, 6, 15), 1),  # the first birthday
        (d(2010, 6, 15), d(2024, 6, 14), 13),  # the day before a birthday
        (d(2010, 6, 15), d(2024, 6, 15), 14),  # a birthday: older on the day
        (d(2010, 6, 15), d(2024, 6, 16), 14),
        (d(2010, 6, 15), d(2024, 12, 31), 14),
        (d(2012, 2, 29), d(2024, 2, 28), 11),  # leap-day birth, leap year: not yet
        (d(2012, 2, 29), d(2024, 2, 29), 12),  # leap-day birth, leap year: on the day itself
        (d(2012, 2, 29), d(2025, 2, 28), 12),  # leap-day birth, non-leap year: not on 28 Feb
        (d(2012, 2, 29), d(2025, 3, 1), 13),  # ... but on 1 March
        (d(2012, 8, 31), d(2026, 8, 31), 14),  # a 31 August birthday
        (d(2012, 9, 1), d(2026, 8, 31), 13),  # born a day later: a year younger on 31 August
    ],
)
def test_age_on(born: dt.date, on: dt.date, age: int) -> None:
    assert age_on(born, on) == age


@given(dates, dates, dates)
def test_age_never_goes_down(born: dt.date, a: dt.date, b: dt.date) -> None:
    earlier, later = sorted([a, b])
    assert age_on(born, earlier) <= age_on(born, later)


@pytest.mark.parametrize(
    ("born", "year", "at_start", "at_end"),
    [
        # Ages are taken on 31 August 2025 (start of 2025/26) and 31 August 2026 (its end).
        (d(2012, 8, 31), 2025, 13, 14),  # turns 14 on the last day of the year
        (d(2012, 9, 1), 2025, 12, 13),  # turns 13 on the first day, 14 only in 2026/27
        (d(2013, 9, 1), 2025, 11, 12),  # oldest in Year 7
        (d(2014, 8, 31), 2025, 11, 12),  # youngest in Year 7
        (d(2008, 2, 29), 2025, 17, 18),
    ],
)
def test_age_at_year_start_and_end(born: dt.date, year: int, at_start: int, at_end: int) -> None:
    assert (age_at_year_start(born, year), age_at_year_end(born, year)) == (at_start, at_end)


@given(dates, years)
def test_everyone_is_one_year_older_at_the_end_than_at_the_start(born: dt.date, year: int) -> None:
    assert age_at_year_end(born, year) == age_at_year_start(born, year) + 1


# --- Year groups -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "year", "year_group"),
    [
        # Year 7 in 2025/26 is everyone aged 11 on 31 August 2025: born 1 Sep 2013 – 31 Aug 2014.
        (d(2013, 9, 1), 2025, 7),
        (d(2014, 8, 31), 2025, 7),
        (d(2013, 8, 31), 2025, 8),  # a day older than the oldest Year 7: Year 8
        (d(2014, 9, 1), 2025, 6),  # a day younger than the youngest Year 7: Year 6
        (d(2012, 9, 1), 2025, 8),  # the youngest in Year 8 ...
        (d(2012, 8, 31), 2025, 9),  # ... is a day younger than the youngest in Year 9
        (d(2008, 1, 15), 2025, 13),
        (d(2013, 9, 1), 2026, 8),  # and a year later, Year 8
        (d(2020, 9, 1), 2025, 0),  # Reception is Year 0
    ],
)
def test_chronological_year_group(born: dt.date, year: int, year_group: int) -> None:
    assert chronological_year_group(born, year) == year_group


@pytest.mark.parametrize(
    ("year_group", "recorded_in", "year", "rolled"),
    [
        (8, 2024, 2025, 9),  # Year 8 in 2024/25 is Year 9 in 2025/26
        (9, 2025, 2024, 8),  # and back
        (10, 2025, 2025, 10),  # the same year: unchanged
        (7, 2021, 2025, 11),
    ],
)
def test_rolled_year_group(year_group: int, recorded_in: int, year: int, rolled: int) -> None:
    assert rolled_year_group(year_group, recorded_in, year) == rolled


@given(dates, years, years)
def test_rolling_a_chronological_year_group_matches_the_later_one(born: dt.date, recorded_in: int, year: int) -> None:
    recorded = chronological_year_group(born, recorded_in)
    assert rolled_year_group(recorded, recorded_in, year) == chronological_year_group(born, year)


# --- Key stages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_group", "stage"),
    [
        (6, None),  # primary
        (7, KeyStage.KS3),
        (9, KeyStage.KS3),
        (10, KeyStage.KS4),
        (11, KeyStage.KS4),
        (12, KeyStage.KS5),
        (13, KeyStage.KS5),
        (14, KeyStage.KS5),  # a third year in the sixth form is still 16–18
        (15, None),
    ],
)
def test_key_stage_of(year_group: int, stage: KeyStage | None) -> None:
    assert key_stage_of(year_group) == stage


@pytest.mark.parametrize(
    ("stage", "value", "label"),
    [
        (KeyStage.KS3, "KS3", "Key stage 3"),
        (KeyStage.KS4, "KS4", "Key stage 4"),
        (KeyStage.KS5, "16-18", "16–18"),
    ],
)
def test_key_stage_value_and_label(stage: KeyStage, value: str, label: str) -> None:
    assert (stage.value, stage.label) == (value, label)
