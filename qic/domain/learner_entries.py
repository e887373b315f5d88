"""A learner's own record of their experiences and achievements (criterion 3.3), and the careers
passport they build from it. Pure rules and data; `qic.portal` stores and shows them.

The learning-area tags are the six areas of the CDI Career Development Framework, the "recognised
national framework of career development outcomes" of criterion 1.4 (DOMAIN.md §2).
"""

from __future__ import annotations

import datetime as dt
import enum

from qic.domain import dates


class EntryKind(enum.StrEnum):
    PART_TIME_WORK = "part_time_work"
    VOLUNTEERING = "volunteering"
    CLUB = "club"
    AWARD = "award"
    SKILL = "skill"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ENTRY_KIND_LABELS[self]


# In plain words for ages 11 to 18.
ENTRY_KIND_LABELS = {
    EntryKind.PART_TIME_WORK: "Part-time work",
    EntryKind.VOLUNTEERING: "Volunteering",
    EntryKind.CLUB: "Club or activity",
    EntryKind.AWARD: "Award or achievement",
    EntryKind.SKILL: "Skill",
    EntryKind.OTHER: "Something else",
}


class LearningArea(enum.StrEnum):
    """The CDI Career Development Framework's six learning areas (DOMAIN.md §2)."""

    GROW_THROUGHOUT_LIFE = "grow_throughout_life"
    EXPLORE_POSSIBILITIES = "explore_possibilities"
    MANAGE_CAREER = "manage_career"
    CREATE_OPPORTUNITIES = "create_opportunities"
    BALANCE_LIFE_AND_WORK = "balance_life_and_work"
    SEE_THE_BIG_PICTURE = "see_the_big_picture"

    @property
    def label(self) -> str:
        return LEARNING_AREA_LABELS[self]


LEARNING_AREA_LABELS = {
    LearningArea.GROW_THROUGHOUT_LIFE: "Grow throughout life",
    LearningArea.EXPLORE_POSSIBILITIES: "Explore possibilities",
    LearningArea.MANAGE_CAREER: "Manage career",
    LearningArea.CREATE_OPPORTUNITIES: "Create opportunities",
    LearningArea.BALANCE_LIFE_AND_WORK: "Balance life and work",
    LearningArea.SEE_THE_BIG_PICTURE: "See the big picture",
}

TITLE_MAX = 120
DESCRIPTION_MAX = 1000
STATEMENT_MAX = 600
HIDE_REASON_MAX = 300
# An end date may be planned ahead (a job that runs to the summer), but not years ahead.
END_YEARS_AHEAD = 2


def date_problems(*, started_on: dt.date | None, ended_on: dt.date | None, today: dt.date) -> dict[str, str]:
    """What is wrong with an entry's dates, by field ("started_on", "ended_on"); empty when they make sense.

    A start is today or in the past and not before 2000; an end is not before 2000, not more
    than two years ahead, and not before the start."""
    problems: dict[str, str] = {}
    if started_on is not None:
        problem = dates.in_the_past(started_on, today=today, field="The start date")
        if problem:
            problems["started_on"] = problem
    if ended_on is not None:
        problem = dates.plausible(ended_on, today=today, field="The end date", years_ahead=END_YEARS_AHEAD)
        if not problem and started_on is not None and "started_on" not in problems:
            problem = dates.not_before(started_on, ended_on, field="The end date", first_field="The start date")
        if problem:
            problems["ended_on"] = problem
    return problems


def when_text(started_on: dt.date | None, ended_on: dt.date | None) -> str:
    """ "March 2025 to June 2026", "Since March 2025", "June 2026" or "" in a passport's words."""

    def month(day: dt.date) -> str:
        return day.strftime("%B %Y")

    if started_on and ended_on:
        if (started_on.year, started_on.month) == (ended_on.year, ended_on.month):
            return month(started_on)
        return f"{month(started_on)} to {month(ended_on)}"
    if started_on:
        return f"Since {month(started_on)}"
    if ended_on:
        return month(ended_on)
    return ""
