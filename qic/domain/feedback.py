"""Feedback for evaluating the careers programme (criterion 1.6): after an activity, employers,
parents and carers, and staff answer a short form through a one-time link.

Criterion 1.6 asks that the programme is evaluated with feedback from learners, parents,
teachers and employers (the Guide's "Gatsby Benchmark 1" statement). Learners already rate an
activity in their own reflection (qic.domain.sign_in.RATINGS); these rules are for the other
three voices, on the same 1 to 5 scale so the four can be read side by side.

Pure rules: who may be asked, how the school types parents' addresses, and how responses are
summed up. Averages and shares need `MIN_FOR_AVERAGE` responses: see `summarise`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


class Respondent(str, enum.Enum):  # noqa: UP042 - stored value
    EMPLOYER = "employer"
    PARENT = "parent"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return RESPONDENT_LABELS[self]


RESPONDENT_LABELS = {
    Respondent.EMPLOYER: "Employers",
    Respondent.PARENT: "Parents and carers",
    Respondent.STAFF: "Staff",
}
# One respondent, as a response or a link names them.
RESPONDENT_ONE = {
    Respondent.EMPLOYER: "Employer",
    Respondent.PARENT: "Parent or carer",
    Respondent.STAFF: "Member of staff",
}

# The question every respondent answers, on the learners' own reflection scale.
RATING_QUESTION = "How useful was this activity for the learners?"
RATINGS = {
    1: "Not useful",
    2: "A little useful",
    3: "Quite useful",
    4: "Useful",
    5: "Very useful",
}


class Again(str, enum.Enum):  # noqa: UP042 - stored value
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


AGAIN_LABELS = {Again.YES: "Yes", Again.NO: "No", Again.NOT_SURE: "Not sure"}
AGAIN_QUESTION = "Would you take part in an activity like this again?"

# Only employers are asked whether they would take part again: it measures whether the school
# keeps its employers (Benchmark 5 asks for a lasting variety of them). Parents and staff do not
# "take part" in the same sense, and a question that does not fit them lowers the answers' worth.
ASKED_AGAIN = frozenset({Respondent.EMPLOYER})

# Below this many responses an average or a share is not shown, only the count: an average of one
# or two is one or two people's opinion, and in a yearly summary read by governors and assessors
# it would tell them what a known employer or parent said. Staff read each answer on the
# activity's own feedback page anyway.
MIN_FOR_AVERAGE = 3

COMMENT_MAX_CHARS = 2000
MAX_PARENT_LINES = 100


def respondent_of(value: str) -> Respondent | None:
    """The kind of respondent a stored value names, or None (a link made without one)."""
    try:
        return Respondent(value)
    except ValueError:
        return None


def may_ask(activity_date: dt.date, today: dt.date) -> bool:
    """Feedback is asked for from the activity's day on: before it, nobody can say how it went."""
    return activity_date <= today


def asks_again(respondent: Respondent) -> bool:
    return respondent in ASKED_AGAIN


def average(ratings: Iterable[int]) -> Decimal | None:
    """The mean to one decimal place, halves rounded up (4.25 is 4.3); None when there are none."""
    values = list(ratings)
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Answer:
    """One response as the summary needs it."""

    respondent: Respondent
    rating: int
    again: Again | None = None


@dataclass
class Summary:
    """Responses of one group (a respondent kind, an activity type, or all of them)."""

    count: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))
    again_answers: int = 0  # respondents asked who answered
    again_yes: int = 0
    rating_total: int = 0

    @property
    def shown(self) -> bool:
        """Whether there are enough responses to show the average."""
        return self.count >= MIN_FOR_AVERAGE

    @property
    def average(self) -> Decimal | None:
        """The average rating to one decimal, or None below MIN_FOR_AVERAGE responses."""
        if not self.shown:
            return None
        return (Decimal(self.rating_total) / Decimal(self.count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def again_percent(self) -> int | None:
        """Whole per cent of those asked who would take part again ("not sure" is not a yes), or
        None below MIN_FOR_AVERAGE answers."""
        if self.again_answers < MIN_FOR_AVERAGE:
            return None
        return int((Decimal(100 * self.again_yes) / Decimal(self.again_answers)).quantize(0, rounding=ROUND_HALF_UP))

    def add(self, answer: Answer, times: int = 1) -> None:
        self.add_rating(answer.rating, times)
        if answer.again is not None and asks_again(answer.respondent):
            self.again_answers += times
            self.again_yes += times if answer.again is Again.YES else 0

    def add_rating(self, rating: int, times: int = 1) -> None:
        """A rating alone (a learner's reflection has no "take part again")."""
        if rating not in RATINGS:
            raise ValueError(f"A rating is 1 to 5, not {rating}")
        self.count += times
        self.rating_total += rating * times
        self.distribution[rating] += times

    def words(self) -> str:
        """'5 responses, average 4.2' or '2 responses (too few for an average)'."""
        text = f"{self.count} response{'' if self.count == 1 else 's'}"
        if not self.count:
            return text
        if self.average is None:
            return f"{text} (too few for an average)"
        return f"{text}, average {self.average}"


def summarise(answers: Iterable[Answer]) -> Summary:
    summary = Summary()
    for answer in answers:
        summary.add(answer)
    return summary


def summarise_by_kind(answers: Iterable[Answer]) -> dict[Respondent, Summary]:
    """A summary for each kind of respondent, every kind present (empty ones too), in order."""
    result = {kind: Summary() for kind in Respondent}
    for answer in answers:
        result[answer.respondent].add(answer)
    return result


def evaluation_words(year_label: str, activities: int, by_kind: dict[Respondent, Summary], learners: Summary) -> str:
    """The portfolio's line for criterion 1.6: the four voices of the year in counts and averages
    (averages only where there are enough responses)."""

    def part(summary: Summary) -> str:
        return f" (average {summary.average})" if summary.average is not None else ""

    voices = [
        f"{by_kind[kind].count} from {RESPONDENT_LABELS[kind].lower()}{part(by_kind[kind])}" for kind in Respondent
    ]
    if activities:
        text = f"Feedback on {activities} activit{'y' if activities == 1 else 'ies'} in {year_label}: " + ", ".join(
            voices
        )
    else:
        text = f"No feedback from employers, parents and carers or staff in {year_label}"
    reflections = f"{learners.count} reflection{'' if learners.count == 1 else 's'}{part(learners)}"
    return f"{text}; learners' own reflections: {reflections}"


# --- Parents and carers typed by the school -----------------------------------------------------

_LINE = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>$")
# Enough to refuse what is plainly not an address; the mail server decides the rest, and a bounce
# is shown to the school beside the link.
_EMAIL = re.compile(
    r"^[^@\s<>,;\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class LineError:
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        if not self.text:
            return f"Line {self.line}: {self.reason}"
        return f"Line {self.line} ({self.text}): {self.reason}"


def parse_people(text: str) -> tuple[list[Person], list[LineError]]:
    """People typed one a line as `Name <email>`; blank lines are skipped. Every bad line is
    reported with its number and why; an address given twice is reported at its second line."""
    people: list[Person] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    lines = text.splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        shown = line if len(line) <= 60 else line[:57] + "..."
        match = _LINE.match(line)
        if match is None:
            errors.append(LineError(number, shown, "write it as: Name <email address>"))
            continue
        name = " ".join(match["name"].split())
        email = match["email"].strip()
        if not name:
            errors.append(LineError(number, shown, "add the person's name before the address"))
        elif len(name) > 200:
            errors.append(LineError(number, shown, "the name is longer than 200 characters"))
        elif len(email) > 254 or not _EMAIL.match(email):
            errors.append(LineError(number, shown, "the email address is not valid"))
        elif email.casefold() in seen:
            errors.append(LineError(number, shown, f"the same address is on line {seen[email.casefold()]}"))
        else:
            seen[email.casefold()] = number
            people.append(Person(name, email))
    if len(people) > MAX_PARENT_LINES:
        errors.append(LineError(len(lines), "", f"send to at most {MAX_PARENT_LINES} parents and carers at a time"))
    return people, errors
