"""Academic years, ages, year groups and key stages in England.

An academic year runs 1 September to 31 August and is named by the calendar year in which it
starts (2025 = 2025/26). A pupil's age for school purposes is their age on 31 August; the
national curriculum year group is that age (at the start of the year) minus 4, so pupils aged 11
on 31 August start Year 7.
"""

from __future__ import annotations

import datetime as dt
import enum

FIRST_MONTH = 9  # September


def academic_year_of(day: dt.date) -> int:
    """The academic year (by its starting calendar year) that contains `day`."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def year_start(year: int) -> dt.date:
    return dt.date(year, 9, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year + 1, 8, 31)


def year_label(year: int) -> str:
    """2025 -> '2025/26'."""
    return f"{year}/{(year + 1) % 100:02d}"


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (someone born on 29 February turns a year older on 1 March)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (1 if before_birthday else 0)


def age_at_year_start(date_of_birth: dt.date, year: int) -> int:
    """Age on the 31 August before the academic year begins."""
    return age_on(date_of_birth, dt.date(year, 8, 31))


def age_at_year_end(date_of_birth: dt.date, year: int) -> int:
    """Age on the 31 August at the end of the academic year: 'by age 16' cohorts use this."""
    return age_on(date_of_birth, year_end(year))


def chronological_year_group(date_of_birth: dt.date, year: int) -> int:
    """The national curriculum year a pupil of this age is in, in the given academic year."""
    return age_at_year_start(date_of_birth, year) - 4


def rolled_year_group(year_group: int, recorded_in: int, year: int) -> int:
    """A year group recorded in one academic year, moved on (or back) to another.

    Year groups roll over on 1 September: a pupil recorded in Year 8 in 2024/25 is in Year 9
    in 2025/26. Nothing needs to run on that date: the year group is always derived.
    """
    return year_group + (year - recorded_in)


class KeyStage(str, enum.Enum):  # noqa: UP042 - stored value and label, like ProviderType
    KS3 = "KS3"
    KS4 = "KS4"
    KS5 = "16-18"

    @property
    def label(self) -> str:
        return {"KS3": "Key stage 3", "KS4": "Key stage 4", "16-18": "16–18"}[self.value]


def key_stage_of(year_group: int) -> KeyStage | None:
    """KS3 = Years 7–9, KS4 = Years 10–11, 16–18 = Years 12–14; None outside secondary years."""
    if 7 <= year_group <= 9:
        return KeyStage.KS3
    if 10 <= year_group <= 11:
        return KeyStage.KS4
    if 12 <= year_group <= 14:
        return KeyStage.KS5
    return None
