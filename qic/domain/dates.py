"""When a date makes sense: the rules every form and import applies to the dates people type.

Each rule takes the date (or dates) and `today`, and returns None when the date makes sense or
a message for the person who typed it, naming the field in the words of the form ("The date of
the interview must be today or in the past"). Forms show the message beside the field; actions
that can be reached without a form (imports, the API) raise it.

The bounds are deliberately wide: they stop typing slips (1900 for 2019, 2062 for 2026) and
impossible records (an interview next year, a register for an activity that has not happened),
not unusual but real ones.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from qic.domain.academic import age_on

# Times are shown to people in UK time, whatever the server's zone.
UK_TIME = ZoneInfo("Europe/London")

# No careers record here can be older than this: the Gatsby Benchmarks date from 2013 and the
# Standard's records from the early 2000s.
EARLIEST_RECORD = dt.date(2000, 1, 1)
# How far ahead a planned activity, an action plan item or a visit may be put.
PLANNING_HORIZON_DAYS = 366
# A learner at a school or college is 3 to 25 (learners with an EHC plan may stay to 25).
YOUNGEST_LEARNER = 3
OLDEST_LEARNER = 25
# A study programme ends within this many years of today (or of when it was recorded).
PROGRAMME_YEARS = 5


def long_date(day: dt.date) -> str:
    """'3 December 2026', the way dates are written to users."""
    return f"{day.day} {day:%B} {day.year}"


def long_datetime(moment: dt.datetime) -> str:
    """'3 December 2026, 9:34am' in UK time (GMT or BST, whichever was in force then).

    GOV.UK style: 12-hour clock with am/pm and no leading zero; 'midday' and 'midnight' rather
    than 12pm and 12am. A naive datetime is taken to be UTC, as the database stores them.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(UK_TIME)
    if (local.hour, local.minute) == (12, 0):
        clock = "midday"
    elif (local.hour, local.minute) == (0, 0):
        clock = "midnight"
    else:
        clock = f"{local.hour % 12 or 12}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    return f"{long_date(local.date())}, {clock}"


def _after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _too_early(day: dt.date, field: str) -> str | None:
    if day < EARLIEST_RECORD:
        return f"{field} must be on or after {long_date(EARLIEST_RECORD)}"
    return None


def in_the_past(day: dt.date, *, today: dt.date, field: str) -> str | None:
    """Something that has already happened: an interview, a review, a completed self-assessment."""
    if day > today:
        return f"{field} must be today or in the past"
    return _too_early(day, field)


def in_the_future(day: dt.date, *, today: dt.date, field: str, horizon_days: int = PLANNING_HORIZON_DAYS) -> str | None:
    """Something still to happen, planned no further ahead than the horizon: a visit, a due date."""
    if day < today:
        return f"{field} must be today or in the future"
    latest = today + dt.timedelta(days=horizon_days)
    if day > latest:
        return f"{field} must be no later than {long_date(latest)}"
    return None


def activity_date(day: dt.date, *, today: dt.date, field: str = "The date of the activity") -> str | None:
    """An activity may be recorded after it happened or planned up to a year ahead."""
    latest = today + dt.timedelta(days=PLANNING_HORIZON_DAYS)
    if day > latest:
        return f"{field} must be no later than {long_date(latest)}, a year from today"
    return _too_early(day, field)


def attendance(activity_day: dt.date, *, today: dt.date) -> str | None:
    """A register can be kept only for an activity that has happened (or happens today)."""
    if activity_day > today:
        return f"You cannot record who took part before the activity has happened: it is on {long_date(activity_day)}"
    return None


def date_of_birth(born: dt.date, *, on: dt.date, field: str = "The date of birth") -> str | None:
    """A learner is 3 to 25 years old on `on` (today, or the day they left)."""
    if born > on:
        return f"{field} must be in the past"
    age = age_on(born, on)
    if age < YOUNGEST_LEARNER:
        return f"{field} makes the learner {age} years old; a learner must be at least {YOUNGEST_LEARNER}"
    if age > OLDEST_LEARNER:
        return f"{field} makes the learner {age} years old; a learner must be {OLDEST_LEARNER} or younger"
    return None


def on_roll_date(
    day: dt.date, *, today: dt.date, born: dt.date | None, field: str, horizon_days: int = PLANNING_HORIZON_DAYS
) -> str | None:
    """Joining or leaving: after the learner was born, no further ahead than the horizon."""
    if born is not None and day <= born:
        return f"{field} must be after the date of birth"
    latest = today + dt.timedelta(days=horizon_days)
    if day > latest:
        return f"{field} must be no later than {long_date(latest)}"
    return _too_early(day, field)


def programme_end(day: dt.date, *, today: dt.date, field: str = "The programme end date") -> str | None:
    latest = _after(today, PROGRAMME_YEARS)
    if day > latest:
        return f"{field} must be no later than {long_date(latest)}"
    return _too_early(day, field)


def not_before(first: dt.date, then: dt.date, *, field: str, first_field: str) -> str | None:
    """`then` (e.g. the licence end) is on or after `first` (the licence start)."""
    if then < first:
        return f"{field} must be on or after {first_field.lower()}"
    return None


def plausible(day: dt.date, *, today: dt.date, field: str, years_ahead: int = 10) -> str | None:
    """Any other date: not before the earliest record, not absurdly far ahead (e.g. a licence end)."""
    latest = _after(today, years_ahead)
    if day > latest:
        return f"{field} must be no later than {long_date(latest)}"
    return _too_early(day, field)
