"""The date sense rules: every boundary, the day before and the day after."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain import dates

TODAY = dt.date(2026, 12, 3)
D = dt.date


def test_dates_are_written_the_british_way() -> None:
    assert dates.long_date(D(2026, 12, 3)) == "3 December 2026"
    assert dates.long_date(D(2027, 1, 31)) == "31 January 2027"


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        # Winter: UK time is UTC.
        (dt.datetime(2026, 12, 3, 9, 34, tzinfo=dt.UTC), "3 December 2026, 9:34am"),
        (dt.datetime(2026, 12, 3, 21, 5, tzinfo=dt.UTC), "3 December 2026, 9:05pm"),
        # Summer (BST): an hour ahead, so late evening UTC is the next day in the UK.
        (dt.datetime(2026, 7, 1, 8, 34, tzinfo=dt.UTC), "1 July 2026, 9:34am"),
        (dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC), "1 July 2026, 12:30am"),
        # The clocks go forward at 01:00 UTC on the last Sunday of March.
        (dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC), "29 March 2026, 12:59am"),
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC), "29 March 2026, 2:00am"),
        (dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC), "3 December 2026, midday"),
        (dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC), "3 December 2026, midnight"),
        (dt.datetime(2026, 12, 3, 0, 1, tzinfo=dt.UTC), "3 December 2026, 12:01am"),
        # Naive datetimes are UTC, as stored.
        (dt.datetime(2026, 8, 1, 11, 0), "1 August 2026, midday"),
    ],
)
def test_times_are_written_in_uk_time_on_the_12_hour_clock(moment: dt.datetime, shown: str) -> None:
    assert dates.long_datetime(moment) == shown


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (D(1900, 1, 1), "The date of the activity must be on or after 1 January 2000"),
        (D(1999, 12, 31), "The date of the activity must be on or after 1 January 2000"),
        (D(2000, 1, 1), None),
        (D(2019, 5, 10), None),
        (TODAY, None),
        (TODAY + dt.timedelta(days=30), None),  # planned ahead
        (D(2027, 12, 4), None),  # 366 days ahead
        (D(2027, 12, 5), "The date of the activity must be no later than 4 December 2027, a year from today"),
        (D(2062, 3, 1), "The date of the activity must be no later than 4 December 2027, a year from today"),
    ],
)
def test_an_activity_is_recorded_after_2000_and_planned_up_to_a_year_ahead(day: dt.date, problem: str | None) -> None:
    assert dates.activity_date(day, today=TODAY) == problem


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (D(2030, 1, 1), "The date of the interview must be today or in the past"),
        (TODAY + dt.timedelta(days=1), "The date of the interview must be today or in the past"),
        (TODAY, None),
        (D(2020, 2, 29), None),
        (D(1900, 1, 1), "The date of the interview must be on or after 1 January 2000"),
    ],
)
def test_something_that_happened_is_today_or_in_the_past(day: dt.date, problem: str | None) -> None:
    assert dates.in_the_past(day, today=TODAY, field="The date of the interview") == problem


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (TODAY - dt.timedelta(days=1), "The date of the visit must be today or in the future"),
        (D(2020, 6, 1), "The date of the visit must be today or in the future"),
        (TODAY, None),
        (D(2027, 12, 4), None),
        (D(2027, 12, 5), "The date of the visit must be no later than 4 December 2027"),
    ],
)
def test_a_visit_is_scheduled_from_today_up_to_a_year_ahead(day: dt.date, problem: str | None) -> None:
    assert dates.in_the_future(day, today=TODAY, field="The date of the visit") == problem


@pytest.mark.parametrize(
    ("activity_day", "problem"),
    [
        (TODAY - dt.timedelta(days=400), None),
        (TODAY, None),
        (
            TODAY + dt.timedelta(days=1),
            "You cannot record who took part before the activity has happened: it is on 4 December 2026",
        ),
    ],
)
def test_a_register_waits_until_the_activity_has_happened(activity_day: dt.date, problem: str | None) -> None:
    assert dates.attendance(activity_day, today=TODAY) == problem


@pytest.mark.parametrize(
    ("born", "problem"),
    [
        (D(2024, 1, 1), "The date of birth makes the learner 2 years old; a learner must be at least 3"),
        (D(2023, 12, 4), "The date of birth makes the learner 2 years old; a learner must be at least 3"),
        (D(2023, 12, 3), None),  # third birthday today
        (D(2011, 1, 15), None),
        (D(2001, 12, 4), None),  # 24, 25 tomorrow
        (D(2001, 12, 3), None),  # 25 today
        (D(2000, 12, 3), "The date of birth makes the learner 26 years old; a learner must be 25 or younger"),
        (D(1900, 1, 1), "The date of birth makes the learner 126 years old; a learner must be 25 or younger"),
        (TODAY + dt.timedelta(days=1), "The date of birth must be in the past"),
    ],
)
def test_a_learner_is_3_to_25(born: dt.date, problem: str | None) -> None:
    assert dates.date_of_birth(born, on=TODAY) == problem


def test_a_leaver_is_judged_by_their_age_when_they_left() -> None:
    born = D(1998, 5, 1)
    assert dates.date_of_birth(born, on=TODAY) is not None
    assert dates.date_of_birth(born, on=D(2016, 7, 20)) is None


@pytest.mark.parametrize(
    ("day", "born", "problem"),
    [
        (D(2022, 9, 1), D(2011, 1, 15), None),
        (D(2011, 1, 15), D(2011, 1, 15), "The joining date must be after the date of birth"),
        (D(2027, 12, 5), None, "The joining date must be no later than 4 December 2027"),
        (D(1999, 9, 1), None, "The joining date must be on or after 1 January 2000"),
    ],
)
def test_joining_and_leaving_dates(day: dt.date, born: dt.date | None, problem: str | None) -> None:
    assert dates.on_roll_date(day, today=TODAY, born=born, field="The joining date") == problem


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (D(2028, 7, 31), None),
        (D(2031, 12, 3), None),
        (D(2031, 12, 4), "The programme end date must be no later than 3 December 2031"),
        (D(1990, 7, 31), "The programme end date must be on or after 1 January 2000"),
    ],
)
def test_a_study_programme_ends_within_five_years(day: dt.date, problem: str | None) -> None:
    assert dates.programme_end(day, today=TODAY) == problem


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (D(2024, 1, 1), D(2028, 12, 31), None),
        (D(2024, 1, 1), D(2024, 1, 1), None),
        (D(2024, 1, 1), D(2023, 12, 31), "The licence end date must be on or after the licence start date"),
    ],
)
def test_a_licence_ends_on_or_after_it_starts(start: dt.date, end: dt.date, problem: str | None) -> None:
    assert dates.not_before(start, end, field="The licence end date", first_field="The licence start date") == problem


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (D(2036, 12, 3), None),
        (D(2036, 12, 4), "The licence end date must be no later than 3 December 2036"),
        (D(1900, 1, 1), "The licence end date must be on or after 1 January 2000"),
    ],
)
def test_any_other_date_is_plausible(day: dt.date, problem: str | None) -> None:
    assert dates.plausible(day, today=TODAY, field="The licence end date") == problem


def test_a_leap_day_today_moves_to_28_february() -> None:
    assert dates.programme_end(D(2029, 2, 28), today=D(2024, 2, 29)) is None
    assert dates.programme_end(D(2029, 3, 1), today=D(2024, 2, 29)) is not None


@given(
    st.dates(min_value=D(1800, 1, 1), max_value=D(2200, 12, 31)),
    st.dates(min_value=D(2001, 1, 1), max_value=D(2100, 1, 1)),
)
def test_past_and_future_rules_never_both_accept_a_day_other_than_today(day: dt.date, today: dt.date) -> None:
    past = dates.in_the_past(day, today=today, field="X")
    future = dates.in_the_future(day, today=today, field="X")
    if day != today:
        assert past is not None or future is not None
    else:
        assert past is None
        assert future is None
    for problem in (past, future):
        assert problem is None or problem.startswith("X must be")
