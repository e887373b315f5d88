"""Anonymisation and retention dates: pure rules, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain import retention
from qic.domain.academic import age_at_year_end, age_at_year_start, chronological_year_group

births = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2022, 12, 31))
years = st.integers(min_value=2000, max_value=2040)


@pytest.mark.parametrize(
    ("born", "cohort"),
    [
        (dt.date(2011, 1, 15), dt.date(2010, 9, 1)),
        (dt.date(2010, 9, 1), dt.date(2010, 9, 1)),
        (dt.date(2011, 8, 31), dt.date(2010, 9, 1)),
        (dt.date(2012, 2, 29), dt.date(2011, 9, 1)),
    ],
)
def test_cohort_birth_date_is_the_first_day_of_the_academic_year_of_birth(born: dt.date, cohort: dt.date) -> None:
    assert retention.cohort_birth_date(born) == cohort


@given(births, years)
def test_the_replaced_date_of_birth_gives_the_same_age_on_every_31_august(born: dt.date, year: int) -> None:
    replaced = retention.cohort_birth_date(born)
    assert age_at_year_start(replaced, year) == age_at_year_start(born, year)
    assert age_at_year_end(replaced, year) == age_at_year_end(born, year)
    assert chronological_year_group(replaced, year) == chronological_year_group(born, year)
    # The BM5 eligibility test compares the date of birth with a 31 August directly.
    born_by = dt.date(year - 11, 8, 31)
    assert (replaced <= born_by) == (born <= born_by)


@pytest.mark.parametrize(
    ("left", "years", "today", "due"),
    [
        (dt.date(2019, 7, 19), 6, dt.date(2025, 7, 18), False),  # the day before the sixth anniversary
        (dt.date(2019, 7, 19), 6, dt.date(2025, 7, 19), True),  # the anniversary itself
        (dt.date(2019, 7, 19), 6, dt.date(2025, 7, 20), True),
        (dt.date(2020, 2, 29), 6, dt.date(2026, 2, 28), False),  # no 29 February in 2026: 1 March
        (dt.date(2020, 2, 29), 6, dt.date(2026, 3, 1), True),
        (dt.date(2020, 2, 29), 4, dt.date(2024, 2, 29), True),
        (None, 6, dt.date(2040, 1, 1), False),  # still on roll
    ],
)
def test_a_leaver_is_due_on_the_anniversary(left: dt.date | None, years: int, today: dt.date, due: bool) -> None:
    assert retention.leaver_due(left, years, today) is due


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)), st.integers(1, 10), births)
def test_the_database_prefilter_never_misses_a_due_leaver(today: dt.date, kept: int, left: dt.date) -> None:
    if retention.leaver_due(left, kept, today):
        assert left <= retention.leaver_candidates_up_to(today, kept)


def test_an_import_file_is_removed_the_given_number_of_days_after_the_import_finished() -> None:
    assert retention.remove_import_file_on(dt.date(2026, 11, 3), 30) == dt.date(2026, 12, 3)
