"""The Provider Access Legislation (Education Act 1997 s42B, as updated in January 2023).

A school gives approved providers of technical education and apprenticeships six encounters
with its pupils, two in each of three key phases:

- first: any time in Year 8, or in Year 9 from 1 September to 28 February;
- second: any time in Year 10, or in Year 11 to 28 February;
- third: any time in Year 12, or in Year 13 to 28 February.

The first two phases are mandatory for every pupil. In the third the school must hold two
encounters, but pupils choose whether to go.

An encounter counts only when it is held in the school day (a parents' evening does not count),
by an approved provider of technical education or apprenticeships, and covers four points: the
provider and the qualifications or apprenticeships it offers, the careers they lead to, what
learning there is like, and answers to the pupils' questions.

A cohort is named by the academic year (by its starting calendar year, as in
`qic.domain.academic`) in which it is in Year 8: the cohort in Year 8 in 2025/26 is `year8_in=2025`.

The guidance says "to 28 February" in every year, leap or not, so 29 February is outside the
window (docs/decisions.md §31).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

ENCOUNTERS_PER_PHASE = 2

# The duty is a school's: colleges are providers that visit, and primary schools have no Year 8.
NOT_UNDER_THE_DUTY = frozenset({"fe_college", "sixth_form_college", "independent_training_provider", "primary"})


def duty_applies(provider_type: str) -> bool:
    """Whether a provider of this kind (a `ProviderType` value) must give provider access."""
    return provider_type not in NOT_UNDER_THE_DUTY


class AccessProviderType(str, enum.Enum):  # noqa: UP042 - stored value, like ProviderType
    """Approved providers of technical education or apprenticeships who may give an encounter.

    A school sixth form or a university's general open day is not one: the encounter is about
    technical routes and apprenticeships.
    """

    FE_COLLEGE = "fe_college"
    UTC = "utc"
    STUDIO_SCHOOL = "studio_school"
    TRAINING_PROVIDER = "training_provider"
    UNIVERSITY = "university"

    @property
    def label(self) -> str:
        return ACCESS_PROVIDER_LABELS[self]


ACCESS_PROVIDER_LABELS = {
    AccessProviderType.FE_COLLEGE: "Further education college",
    AccessProviderType.UTC: "University technical college (UTC)",
    AccessProviderType.STUDIO_SCHOOL: "Studio school",
    AccessProviderType.TRAINING_PROVIDER: "Independent training provider or apprenticeship provider",
    AccessProviderType.UNIVERSITY: "University offering degree apprenticeships",
}


class AccessPhase(enum.IntEnum):
    FIRST = 1
    SECOND = 2
    THIRD = 3

    @property
    def label(self) -> str:
        return {1: "First key phase", 2: "Second key phase", 3: "Third key phase"}[self.value]

    @property
    def year_groups(self) -> tuple[int, int]:
        """The year in which the phase opens and the year in whose February it closes."""
        first = 8 + 2 * (self.value - 1)
        return (first, first + 1)

    @property
    def years_label(self) -> str:
        first, last = self.year_groups
        return f"Year {first}, or Year {last} to 28 February"

    @property
    def mandatory(self) -> bool:
        """Phases 1 and 2: every pupil must attend two. Phase 3: the school holds two; pupils choose."""
        return self != AccessPhase.THIRD


@dataclass(frozen=True)
class PhaseWindow:
    phase: AccessPhase
    opens: dt.date  # 1 September of Year 8, 10 or 12
    deadline: dt.date  # 28 February of Year 9, 11 or 13: the last day that counts

    def contains(self, day: dt.date) -> bool:
        return self.opens <= day <= self.deadline

    @property
    def final_year_starts(self) -> dt.date:
        """1 September of Year 9, 11 or 13: the six months before the deadline."""
        return dt.date(self.opens.year + 1, 9, 1)


def year8_in(*, year_group: int, academic_year: int) -> int:
    """The academic year in which a cohort in `year_group` in `academic_year` is (or was) in Year 8."""
    return academic_year - (year_group - 8)


def phase_window(phase: AccessPhase, *, year8_in: int) -> PhaseWindow:
    """When a cohort's key phase opens and its deadline (inclusive)."""
    first_year = year8_in + 2 * (phase.value - 1)
    return PhaseWindow(phase=phase, opens=dt.date(first_year, 9, 1), deadline=dt.date(first_year + 2, 2, 28))


def phase_windows(*, year8_in: int) -> tuple[PhaseWindow, PhaseWindow, PhaseWindow]:
    first, second, third = (phase_window(phase, year8_in=year8_in) for phase in AccessPhase)
    return (first, second, third)


def phase_on(day: dt.date, *, year8_in: int) -> AccessPhase | None:
    """The key phase the cohort is in on `day`, or None (Year 7 or younger; Year 9, 11 or 13
    after 28 February; or after Year 13)."""
    for window in phase_windows(year8_in=year8_in):
        if window.contains(day):
            return window.phase
    return None


def relevant_window(day: dt.date, *, year8_in: int) -> PhaseWindow | None:
    """The phase that matters on `day`: the open one, else the one that closed most recently,
    else None (the first phase has not opened yet)."""
    latest = None
    for window in phase_windows(year8_in=year8_in):
        if window.opens <= day:
            latest = window
    return latest


def encounters_in(window: PhaseWindow, days: Iterable[dt.date], *, today: dt.date) -> int:
    """How many of these encounter dates count in the window: inside it, and not in the future."""
    return sum(1 for day in days if window.contains(day) and day <= today)


def held_for_cohort(*, year_group_then: int, planned_for: Iterable[int], attended_by_a_pupil: bool) -> bool:
    """Whether an encounter was held for a cohort: planned for the year group the cohort was in
    on the day, or attended by at least one of its pupils (a small group chosen by name)."""
    return attended_by_a_pupil or year_group_then in set(planned_for)


@dataclass(frozen=True)
class AccessContent:
    """The four points an encounter covers."""

    provider_and_offer: bool = False  # the provider and its qualifications or apprenticeships
    careers: bool = False  # the careers they can lead to
    learning_experience: bool = False  # what learning or training there is like
    questions: bool = False  # answers to the pupils' questions

    def missing(self) -> list[str]:
        names = [
            (self.provider_and_offer, "the provider and its qualifications or apprenticeships"),
            (self.careers, "the careers they lead to"),
            (self.learning_experience, "what learning there is like"),
            (self.questions, "answers to pupils' questions"),
        ]
        return [name for covered, name in names if not covered]


def access_problems(
    *,
    is_provider_encounter: bool,
    marked: bool,
    provider_type: str,
    in_school_day: bool,
    content: AccessContent,
) -> list[str]:
    """Why an activity does not count as a provider-access encounter, in words; empty if it counts."""
    if not marked:
        return ["it is not marked as a provider-access encounter"]
    problems = []
    if not is_provider_encounter:
        problems.append("only an encounter with a next-stage provider can be a provider-access encounter")
    if provider_type not in {t.value for t in AccessProviderType}:
        problems.append("choose the kind of provider of technical education or apprenticeships")
    if not in_school_day:
        problems.append("it was not held in the school day (a parents' evening does not count)")
    missing = content.missing()
    if missing:
        problems.append("it did not cover " + ", ".join(missing))
    return problems


def counts_as_access_encounter(
    *,
    is_provider_encounter: bool,
    marked: bool,
    provider_type: str,
    in_school_day: bool,
    content: AccessContent,
) -> bool:
    return not access_problems(
        is_provider_encounter=is_provider_encounter,
        marked=marked,
        provider_type=provider_type,
        in_school_day=in_school_day,
        content=content,
    )


class AccessStatus(str, enum.Enum):  # noqa: UP042 - stored value
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    COMPLETE = "complete"
    DEADLINE_PASSED = "deadline_passed"  # the deadline has passed with gaps

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "on_track": "On track",
            "behind": "Behind",
            "complete": "Complete",
            "deadline_passed": "Deadline passed with gaps",
        }[self.value]


def cohort_status(*, window: PhaseWindow, day: dt.date, held: int, pupils_short: int) -> AccessStatus:
    """Where a cohort stands in a phase on `day`.

    `held` is how many counting encounters the school has held in the window for the cohort;
    `pupils_short` how many pupils on roll have attended fewer than two (ignored in the third
    phase, where pupils choose). Complete: two held and, in a mandatory phase, nobody short.
    Behind: not complete once the final year of the phase (Year 9, 11 or 13) has begun: the
    school has then under six months left. On track: not complete, earlier than that.
    """
    if day < window.opens:
        return AccessStatus.NOT_STARTED
    complete = held >= ENCOUNTERS_PER_PHASE and (pupils_short == 0 or not window.phase.mandatory)
    if complete:
        return AccessStatus.COMPLETE
    if day > window.deadline:
        return AccessStatus.DEADLINE_PASSED
    if day >= window.final_year_starts:
        return AccessStatus.BEHIND
    return AccessStatus.ON_TRACK
