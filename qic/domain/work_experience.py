"""The work-experience guarantee: each pupil's hours of workplace experience in KS3 and KS4.

DOMAIN.md §3c: two weeks' worth of meaningful, varied workplace experience across Key Stages 3
and 4, roughly one week in Years 7–9 and one in Years 10–11; CEC's model counts at least 50 hours
per learner. The hours target is a setting (default 50), split in half between the stages.

What counts, per learner (`counts`):
- a place on a workplace experience the learner ATTENDED,
- that is MEANINGFUL (it counts towards Category.WORKPLACE, i.e. BM6),
- with its hours recorded,
- dated on or before the measure date (today): a future-dated placement does not count yet.

Which stage the hours belong to is the learner's year group in the academic year of the
activity: the recorded year group rolled to that year, else the chronological year group from
the date of birth. Hours in any other year (Year 6, Year 12…) count towards neither stage.

Expected by now (who is "behind"): each stage's target is spread evenly over its school years
(KS3: a third of its half in each of Years 7, 8 and 9; KS4: half of its half in each of Years 10
and 11), and a pupil is expected to have the shares of the school years already FINISHED. So a
Year 7 pupil is never behind, a Year 8 pupil is behind below 8.3 hours (of a 50-hour target),
a Year 10 pupil below 25, a Year 11 pupil below 37.5. The year in progress is not pro-rated by
date: schools place work experience in blocks, often late in the year.

A learner's gap is how many hours short of that expectation they are (0 if they are not
behind); `to_target` is how many they still need to reach the whole target.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from qic.domain.academic import KeyStage, academic_year_of, chronological_year_group, key_stage_of
from qic.domain.benchmarks import Category, Group, Learner

DEFAULT_TARGET_HOURS = Decimal(50)
# Converting records kept in days: CEC's 50 hours are "about two weeks", so a school day is 5 hours.
HOURS_PER_DAY = Decimal(5)
# One activity longer than this is a typing slip (200 hours is eight weeks of full days).
MAX_HOURS_PER_ACTIVITY = Decimal(200)
TENTH = Decimal("0.1")

GUARANTEE_YEARS = (7, 8, 9, 10, 11)
STAGE_YEARS: dict[KeyStage, tuple[int, ...]] = {KeyStage.KS3: (7, 8, 9), KeyStage.KS4: (10, 11)}


def hours_problem(hours: Decimal | None) -> str | None:
    """None when an activity's hours make sense, else a message for the person who typed them."""
    if hours is None:
        return "Enter how many hours the workplace experience lasts"
    if not hours.is_finite() or hours <= 0:
        return "The hours must be more than 0"
    if hours > MAX_HOURS_PER_ACTIVITY:
        return f"The hours must be {MAX_HOURS_PER_ACTIVITY} or fewer: record a longer placement as separate activities"
    if hours != hours.quantize(TENTH, rounding=ROUND_HALF_UP):
        return "Enter the hours to one decimal place at most, for example 2.5"
    return None


def round_hours(hours: Decimal) -> Decimal:
    return hours.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Target:
    """The hours every pupil should have by the end of Year 11, and its split between the stages."""

    hours: Decimal = DEFAULT_TARGET_HOURS

    def __post_init__(self) -> None:
        if not self.hours.is_finite() or self.hours <= 0:
            raise ValueError("The work-experience target must be more than 0 hours")

    @property
    def ks3(self) -> Decimal:
        return round_hours(self.hours / 2)

    @property
    def ks4(self) -> Decimal:
        return self.hours - self.ks3

    def for_stage(self, stage: KeyStage) -> Decimal:
        return self.ks3 if stage == KeyStage.KS3 else self.ks4 if stage == KeyStage.KS4 else Decimal(0)

    def share_of_year(self, year_group: int) -> Decimal:
        """The part of the target one school year (7 to 11) should bring."""
        stage = key_stage_of(year_group)
        if stage not in STAGE_YEARS:
            return Decimal(0)
        return self.for_stage(stage) / len(STAGE_YEARS[stage])

    def expected_by(self, year_group: int) -> Decimal:
        """Hours expected of a pupil in this year group now: the shares of the years already finished."""
        return _expected_by(self, year_group)


@functools.lru_cache(maxsize=256)
def _expected_by(target: Target, year_group: int) -> Decimal:
    # Cached: a school's tally asks it once per pupil, for one of five year groups.
    finished = [g for g in GUARANTEE_YEARS if g < year_group]
    return round_hours(sum((target.share_of_year(g) for g in finished), Decimal(0)))


def target_from(value: object) -> Target:
    """The target from a setting (a number or its text); raises ValueError if it is not a positive number."""
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"The work-experience target must be a number of hours, not {value!r}") from None
    return Target(hours)


class Experience(NamedTuple):
    """One learner's place on one workplace experience."""

    learner_id: int
    on: dt.date
    hours: Decimal | None
    attended: bool
    categories: frozenset[Category]


def counts(experience: Experience, measure_date: dt.date) -> bool:
    """Whether the place counts towards the guarantee on the measure date."""
    return (
        experience.attended
        and Category.WORKPLACE in experience.categories
        and experience.hours is not None
        and experience.hours > 0
        and experience.on <= measure_date
    )


def hours_by_year(experiences: Iterable[Experience], measure_date: dt.date) -> dict[int, dict[int, Decimal]]:
    """Each learner's counted hours by academic year (what the page's one grouped query returns)."""
    result: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for experience in experiences:
        if counts(experience, measure_date):
            assert experience.hours is not None
            result[experience.learner_id][academic_year_of(experience.on)] += experience.hours
    return {who: dict(years) for who, years in result.items()}


def year_group_in(learner: Learner, measure_year: int, year: int) -> int:
    """The learner's year group in `year`, from their year group in the measure year (recorded,
    rolled) or else from their date of birth."""
    if learner.year_group is not None:
        return learner.year_group + (year - measure_year)
    return chronological_year_group(learner.date_of_birth, year)


def on_roll(learner: Learner, day: dt.date) -> bool:
    return (learner.joined_on is None or learner.joined_on <= day) and (
        learner.left_on is None or learner.left_on >= day
    )


@dataclass(frozen=True)
class Standing:
    """Where one pupil stands against the guarantee on the measure date."""

    learner_id: int
    name: str
    year_group: int
    groups: frozenset[Group]
    ks3_hours: Decimal
    ks4_hours: Decimal
    expected: Decimal

    @property
    def total(self) -> Decimal:
        return self.ks3_hours + self.ks4_hours

    @property
    def gap(self) -> Decimal:
        """Hours short of what is expected by now (0 when not behind)."""
        return max(Decimal(0), self.expected - self.total)

    @property
    def behind(self) -> bool:
        return self.total < self.expected

    def to_target(self, target: Target) -> Decimal:
        """Hours still needed to reach the whole target by the end of Year 11."""
        return max(Decimal(0), target.hours - self.total)


def standing(learner: Learner, hours: Mapping[int, Decimal], *, measure_year: int, target: Target) -> Standing | None:
    """The pupil's standing, or None if they are not in Years 7 to 11 in the measure year."""
    now = year_group_in(learner, measure_year, measure_year)
    if now not in GUARANTEE_YEARS:
        return None
    by_stage = {KeyStage.KS3: Decimal(0), KeyStage.KS4: Decimal(0)}
    for year, amount in hours.items():
        stage = key_stage_of(year_group_in(learner, measure_year, year))
        if stage in by_stage and year <= measure_year:
            by_stage[stage] += amount
    return Standing(
        learner_id=learner.id,
        name=learner.name,
        year_group=now,
        groups=learner.groups,
        ks3_hours=by_stage[KeyStage.KS3],
        ks4_hours=by_stage[KeyStage.KS4],
        expected=target.expected_by(now),
    )


class SummaryGroup(enum.Enum):
    """The groups the guarantee page reports on (SEND = SEN support or an EHC plan)."""

    ALL = "all"
    DISADVANTAGED = "disadvantaged"
    SEND = "send"
    LOOKED_AFTER = "looked_after"

    @property
    def label(self) -> str:
        return {
            "all": "All pupils in Years 7 to 11",
            "disadvantaged": "Disadvantaged (pupil premium or FSM)",
            "send": "SEND (SEN support or EHC plan)",
            "looked_after": "Looked after",
        }[self.value]

    def includes(self, groups: frozenset[Group]) -> bool:
        if self == SummaryGroup.ALL:
            return True
        if self == SummaryGroup.DISADVANTAGED:
            return Group.DISADVANTAGED in groups
        if self == SummaryGroup.SEND:
            return Group.SEN_SUPPORT in groups or Group.EHC_PLAN in groups
        return Group.LOOKED_AFTER in groups


@dataclass(frozen=True)
class Summary:
    """Pupils of one year group or one group: how many, their hours, how many are behind, the mean gap."""

    label: str
    learners: int
    total_hours: Decimal
    behind: int
    gap_sum: Decimal
    reached_target: int

    @property
    def mean_hours(self) -> Decimal | None:
        return round_hours(self.total_hours / self.learners) if self.learners else None

    @property
    def mean_gap(self) -> Decimal | None:
        """The mean gap over ALL the pupils in it (those not behind count as 0), so groups compare fairly."""
        return round_hours(self.gap_sum / self.learners) if self.learners else None


def summarise(label: str, standings: Sequence[Standing], target: Target) -> Summary:
    return Summary(
        label=label,
        learners=len(standings),
        total_hours=sum((s.total for s in standings), Decimal(0)),
        behind=sum(1 for s in standings if s.behind),
        gap_sum=sum((s.gap for s in standings), Decimal(0)),
        reached_target=sum(1 for s in standings if s.total >= target.hours),
    )


@dataclass(frozen=True)
class Tally:
    target: Target
    measure_date: dt.date
    standings: tuple[Standing, ...]  # every pupil in Years 7 to 11 on roll on the measure date

    @property
    def behind(self) -> list[Standing]:
        """Pupils below the target for their stage so far, the furthest behind first."""
        return sorted((s for s in self.standings if s.behind), key=lambda s: (-s.gap, s.year_group, s.name))

    def by_year_group(self) -> list[Summary]:
        return [
            summarise(f"Year {g}", [s for s in self.standings if s.year_group == g], self.target)
            for g in GUARANTEE_YEARS
        ]

    def by_group(self) -> list[tuple[SummaryGroup, Summary]]:
        return [
            (group, summarise(group.label, [s for s in self.standings if group.includes(s.groups)], self.target))
            for group in SummaryGroup
        ]


def tally(
    learners: Iterable[Learner],
    hours: Mapping[int, Mapping[int, Decimal]],
    *,
    measure_date: dt.date,
    target: Target,
) -> Tally:
    """Every pupil in Years 7 to 11 on roll on the measure date, against the target.

    `learners` carry their year group in the measure date's academic year; `hours` holds each
    learner's counted hours by academic year (see `hours_by_year`).
    """
    measure_year = academic_year_of(measure_date)
    standings = []
    for learner in learners:
        if not on_roll(learner, measure_date):
            continue  # leavers are not listed
        found = standing(learner, hours.get(learner.id, {}), measure_year=measure_year, target=target)
        if found is not None:
            standings.append(found)
    return Tally(target, measure_date, tuple(standings))
