"""Dates for anonymisation and retention: how long identities and uploaded files are kept.

Pure date arithmetic, so the rules are tested without a database:
- a learner's date of birth is replaced, on anonymisation, by the first day of the academic
  year they were born in (`cohort_birth_date`). Every rule that reads a date of birth takes the
  age on a 31 August (`qic.domain.academic.age_on` with 31 August, or a comparison with a
  31 August), and everyone born in one academic year (1 September to 31 August) has the same age
  on every 31 August, so every past figure is unchanged;
- a leaver's identity is kept for a number of whole years after the day they left and removed
  on the anniversary (`anonymise_leaver_on`);
- an uploaded learner file is kept for a number of days after its import finished
  (`remove_import_file_on`).
"""

from __future__ import annotations

import datetime as dt

from qic.domain.academic import academic_year_of, year_start


def cohort_birth_date(date_of_birth: dt.date) -> dt.date:
    """1 September of the academic year containing the date of birth: same age on every 31 August."""
    return year_start(academic_year_of(date_of_birth))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March in a year without one, so a
    period is never shorter than the whole years asked for."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def anonymise_leaver_on(left_on: dt.date, years: int) -> dt.date:
    """The first day on which a leaver's identity is no longer kept: the `years`-th anniversary."""
    return add_years(left_on, years)


def leaver_due(left_on: dt.date | None, years: int, today: dt.date) -> bool:
    """Whether a learner who left on `left_on` is due to be anonymised on `today`."""
    return left_on is not None and today >= anonymise_leaver_on(left_on, years)


def leaver_candidates_up_to(today: dt.date, years: int) -> dt.date:
    """A leaving date on or before which every due leaver lies (a database pre-filter).

    `add_years` is monotonic, so every leaver due on `today` left on or before this date; a few
    around 29 February may not yet be due, so callers confirm each with `leaver_due`.
    """
    return add_years(today, -years)


def remove_import_file_on(finished_on: dt.date, days: int) -> dt.date:
    """The first day on which a finished import's file is no longer kept."""
    return finished_on + dt.timedelta(days=days)
