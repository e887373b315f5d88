"""Learner-level Gatsby Benchmark measures, computed from each learner's own record.

Everything here is pure: plain dataclasses in, plain dataclasses out. This module holds the
machinery every rule set shares — learners, evidence, measures, the figures and their
breakdowns — and the building blocks measures are made of. The measures themselves live in
`qic.domain.rulesets`, one module per rule set, chosen by the academic year measured.

Cohorts are set by date of birth, as the benchmarks are worded by age; the breakdowns use the
learner's recorded year group. Programme-level indicators are numbered from 0, in the order
the edition lists them.

Benchmarks 1 and 3 are programme-level and answered by the provider (see `ProgrammeAnswer`).

Eligibility: a learner counts for a year if they are on roll on the measure date (the end of
the year, or today for the year in progress) — someone who left before it is not counted,
someone who joined during the year is. Only attended, meaningful activities are evidence.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from qic.domain.academic import (
    KeyStage,
    academic_year_of,
    age_at_year_start,
    key_stage_of,
    year_end,
    year_start,
)


class Phase(str, enum.Enum):  # noqa: UP042 - stored value
    SCHOOL = "school"
    COLLEGE = "college"


class Category(str, enum.Enum):  # noqa: UP042 - stored value
    """What an attended activity is evidence of."""

    CLMI = "clmi"  # careers and labour-market information (BM2)
    STEM = "stem"  # curriculum learning showing where STEM subjects lead (BM4)
    CURRICULUM = "curriculum"  # any curriculum-linked careers learning (BM4, colleges)
    EMPLOYER = "employer"  # meaningful encounter with an employer or employee (BM5)
    WORKPLACE = "workplace"  # meaningful experience of a workplace (BM6)
    SIXTH_FORM = "provider_sixth_form"  # meaningful encounters with next-stage providers (BM7)
    FE_COLLEGE = "provider_fe_college"
    UNIVERSITY = "provider_university"
    APPRENTICESHIP = "provider_apprenticeship"
    SEND_POST16 = "provider_send_post16"  # supported internships, specialist post-16 (Note 6)
    INTERVIEW = "interview"  # personal guidance interview (BM8)


FULL_RANGE = frozenset({Category.SIXTH_FORM, Category.FE_COLLEGE, Category.UNIVERSITY, Category.APPRENTICESHIP})
NEXT_STAGE = FULL_RANGE | {Category.SEND_POST16}

# The benchmark each category is evidence for: an activity evidences the Quality in Careers
# criteria of that benchmark's section (sections 1–8 are the eight benchmarks), whether or not
# anyone also tagged it with a criterion by hand.
BENCHMARK_OF_CATEGORY: dict[Category, int] = {
    Category.CLMI: 2,
    Category.STEM: 4,
    Category.CURRICULUM: 4,
    Category.EMPLOYER: 5,
    Category.WORKPLACE: 6,
    **dict.fromkeys(NEXT_STAGE, 7),
    Category.INTERVIEW: 8,
}


def categories_of_benchmark(benchmark: int) -> frozenset[Category]:
    """The categories whose attended activities are evidence for `benchmark` (none for 1 and 3,
    which are answered for the whole programme)."""
    return frozenset(c for c, number in BENCHMARK_OF_CATEGORY.items() if number == benchmark)


class Group(str, enum.Enum):  # noqa: UP042 - stored value
    """The learner groups criterion 3.5 asks about, for the equity breakdowns."""

    DISADVANTAGED = "disadvantaged"  # pupil premium or free school meals
    SEN_SUPPORT = "sen_support"
    EHC_PLAN = "ehc_plan"
    LOOKED_AFTER = "looked_after"
    YOUNG_CARER = "young_carer"
    FEMALE = "female"
    MALE = "male"

    @property
    def label(self) -> str:
        return {
            "disadvantaged": "Pupil premium / FSM",
            "sen_support": "SEN support",
            "ehc_plan": "EHC plan",
            "looked_after": "Looked after",
            "young_carer": "Young carer",
            "female": "Female",
            "male": "Male",
        }[self.value]


GROUPS = tuple(Group)  # iterating an Enum class is slow; the figures do it for every learner


def groups_from_flags(
    *, disadvantaged: bool, sen_support: bool, ehc_plan: bool, looked_after: bool, young_carer: bool, sex: str
) -> frozenset[Group]:
    """The criterion 3.5 groups a learner belongs to, from their MIS flags and sex (F/M/U)."""
    flags = (
        (disadvantaged, Group.DISADVANTAGED),
        (sen_support, Group.SEN_SUPPORT),
        (ehc_plan, Group.EHC_PLAN),
        (looked_after, Group.LOOKED_AFTER),
        (young_carer, Group.YOUNG_CARER),
        (sex == "F", Group.FEMALE),
        (sex == "M", Group.MALE),
    )
    return frozenset(group for flag, group in flags if flag)


class Learner(NamedTuple):
    """A learner as the measures see them. A NamedTuple, not a dataclass: the figures build
    thousands per view, and a tuple is several times cheaper to create than a frozen dataclass."""

    id: int
    date_of_birth: dt.date
    year_group: int | None  # NC year group in the year being measured (None for many college students)
    groups: frozenset[Group] = frozenset()
    joined_on: dt.date | None = None
    left_on: dt.date | None = None
    considering_higher_education: bool = False
    curriculum_area: str = ""  # colleges
    programme_end_year: int | None = None  # colleges: academic year in which the programme ends
    study_programme: str = ""  # colleges: for the breakdown by study programme; never used in a rule
    name: str = ""  # for the named lists; never used in a rule


@dataclass(frozen=True, slots=True)
class Participation:
    """One learner's attendance at one activity."""

    learner_id: int
    on: dt.date
    categories: frozenset[Category]
    curriculum_area: str = ""  # the activity's curriculum area, for college BM5
    needs_own_reflection: bool = False  # the activity counts for a learner only once they reflect
    reflected: bool = False  # the learner has written a reflection on it that is not hidden


def counts_for_learner(p: Participation) -> bool:
    """An attended place is evidence for the learner unless the activity needs the learner's own
    reflection and they have not (yet) written one that stands (a hidden one does not)."""
    return p.reflected or not p.needs_own_reflection


@dataclass(frozen=True, slots=True)
class Tally:
    count: int = 0
    in_curriculum_area: int = 0  # of those, how many were through the learner's own curriculum area

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.in_curriculum_area + other.in_curriculum_area)


# A learner's evidence: (category, academic year) -> tally.
Evidence = Mapping[tuple[Category, int], Tally]
NO_EVIDENCE: Evidence = {}
NO_TALLY = Tally()
MISSING = object()


def summarise(
    participations: Iterable[Participation], learners: Iterable[Learner], *, as_of: dt.date | None = None
) -> dict[int, dict[tuple[Category, int], Tally]]:
    """Fold dated participations into per-learner tallies by category and academic year.

    `as_of`: only what had happened by that day counts — an activity dated later (recorded in
    advance, or moved) is evidence from its own date on, and never before.

    The database computes the same tallies with one GROUP BY; this function is the
    definition that query is tested against.
    """
    areas = {learner.id: learner.curriculum_area for learner in learners}
    result: dict[int, dict[tuple[Category, int], Tally]] = defaultdict(dict)
    for p in participations:
        if (as_of is not None and p.on > as_of) or not counts_for_learner(p):
            continue
        year = academic_year_of(p.on)
        own_area = bool(p.curriculum_area) and p.curriculum_area == areas.get(p.learner_id)
        tallies = result[p.learner_id]
        for category in p.categories:
            key = (category, year)
            tallies[key] = tallies.get(key, Tally()) + Tally(1, 1 if own_area else 0)
    return dict(result)


def count(evidence: Evidence, categories: Iterable[Category], first_year: int | None, last_year: int) -> int:
    wanted = set(categories)
    return sum(
        tally.count
        for (category, year), tally in evidence.items()
        if category in wanted and year <= last_year and (first_year is None or year >= first_year)
    )


def kinds(evidence: Evidence, categories: Iterable[Category], last_year: int) -> set[Category]:
    wanted = set(categories)
    return {c for (c, y), t in evidence.items() if c in wanted and y <= last_year and t.count > 0}


def same_day_a_year_before(day: dt.date) -> dt.date:
    """The same date a year earlier, for "last year at this point"; 29 February becomes
    28 February, so the comparison never looks past the day it is made on."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return dt.date(day.year - 1, 2, 28)


def on_roll(learner: Learner, measure_date: dt.date) -> bool:
    """On roll on the measure date: joined on or before it, and not left before it."""
    if learner.joined_on is not None and learner.joined_on > measure_date:
        return False
    return learner.left_on is None or learner.left_on >= measure_date


# --- Measures ----------------------------------------------------------------------------------

Eligibility = Callable[[Learner, int], bool]
Rule = Callable[[Learner, Evidence, int], bool]


@dataclass(frozen=True)
class Measure:
    code: str
    benchmark: int
    phase: Phase
    title: str
    description: str
    eligible: Eligibility = field(compare=False, repr=False)
    met: Rule = field(compare=False, repr=False)
    required: bool = True  # False: reported, but not part of the benchmark's percentage
    # What the measure asks, as a stable key: a year's figure is comparable with the previous
    # year's only when both measures have the same code and the same definition.
    definition: str = ""
    # A Quality in Careers criterion the measure reports on (e.g. "8.2"), when it is the criterion
    # rather than the Gatsby Benchmark that asks for it.
    criterion: str = ""


@dataclass(frozen=True)
class RuleSet:
    """One set of benchmark definitions, and the first academic year it applies to.

    Rule sets are dated data: `qic.domain.rulesets.rule_set_for_year` chooses one by the academic
    year being measured, never by when anything was loaded.
    """

    code: str
    title: str
    first_year: int  # the first academic year (by its starting calendar year) it applies to
    school: tuple[Measure, ...]
    college: tuple[Measure, ...]
    summary: str = ""

    def measures_for(self, phase: Phase) -> tuple[Measure, ...]:
        return self.school if phase == Phase.SCHOOL else self.college

    def measure(self, phase: Phase, code: str) -> Measure | None:
        return next((m for m in self.measures_for(phase) if m.code == code), None)


def aged_at_end(age: int) -> Eligibility:
    """Learners aged `age` on the 31 August that ends the year: the "by age N" cohort.

    Aged `age` on 31 August = born after that day `age + 1` years earlier and on or before it `age`
    years earlier (someone born on 29 February is a year older from 1 March, so before 31 August).
    Compared as dates, without age arithmetic per learner: every measure runs this for every
    learner on every view. A property test holds it to `age_at_year_end`.
    """
    bounds: dict[int, tuple[dt.date, dt.date]] = {}

    def eligible(learner: Learner, year: int) -> bool:
        found = bounds.get(year)
        if found is None:
            found = bounds[year] = (dt.date(year - age, 8, 31), dt.date(year + 1 - age, 8, 31))
        return found[0] < learner.date_of_birth <= found[1]

    return eligible


_AGED_18_AT_END: Eligibility = aged_at_end(18)


def aged_18_considering_he(learner: Learner, year: int) -> bool:
    """Aged 18 on the 31 August ending the year, and considering higher education (BM7 by 18)."""
    return learner.considering_higher_education and _AGED_18_AT_END(learner, year)


def aged_at_start_at_least(age: int) -> Eligibility:
    """Learners aged at least `age` on the 31 August before the year: "every year from age N"."""
    # Aged at least `age` on 31 August = born on or before that day `age` years earlier. Compared
    # as dates (no age arithmetic per learner): this runs for every learner on every view.
    latest_births: dict[int, dt.date] = {}

    def eligible(learner: Learner, year: int) -> bool:
        born_by = latest_births.get(year)
        if born_by is None:
            born_by = latest_births[year] = dt.date(year - age, 8, 31)
        return learner.date_of_birth <= born_by

    return eligible


def any_time(category: Category, at_least: int = 1) -> Rule:
    """At least `at_least` of the category in any year up to the one measured."""
    return lambda learner, evidence, year: count(evidence, [category], None, year) >= at_least


def this_year(category: Category, at_least: int = 1) -> Rule:
    """At least `at_least` of the category in the year measured."""
    return lambda learner, evidence, year: evidence.get((category, year), NO_TALLY).count >= at_least


SEND_GROUPS = frozenset({Group.EHC_PLAN, Group.SEN_SUPPORT})


def first_year_aged(learner: Learner, year: int, age: int) -> int:
    """The academic year in which the learner started aged `age` (on the 31 August before)."""
    return year - (age_at_year_start(learner.date_of_birth, year) - age)


def between_ages(category: Category, first_age: int, last_age: int, at_least: int = 1) -> Rule:
    """At least `at_least` of the category in the academic years the learner starts aged
    first_age..last_age (and no later than the year measured)."""

    def rule(learner: Learner, evidence: Evidence, year: int) -> bool:
        start_age = age_at_year_start(learner.date_of_birth, year)
        first_year = year - (start_age - first_age)
        last_year = min(year, year - (start_age - last_age))
        return count(evidence, [category], first_year, last_year) >= at_least

    return rule


def college_eligible(learner: Learner, year: int) -> bool:
    """College students finishing their programme in the year measured."""
    return learner.programme_end_year == year


def college_bm5(learner: Learner, evidence: Evidence, year: int) -> bool:
    """At least two meaningful employer encounters this year, one through the curriculum area."""
    tally = evidence.get((Category.EMPLOYER, year), NO_TALLY)
    return tally.count >= 2 and tally.in_curriculum_area >= 1


def every_learner(learner: Learner, year: int) -> bool:
    return True


# --- Figures -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Count:
    eligible: int
    met: int

    @property
    def percent(self) -> float | None:
        return None if self.eligible == 0 else 100.0 * self.met / self.eligible


@dataclass(frozen=True)
class GroupGap:
    group: Group
    in_group: Count
    others: Count

    @property
    def gap(self) -> float | None:
        """Percentage points by which the group trails the other learners (negative: ahead)."""
        if self.in_group.percent is None or self.others.percent is None:
            return None
        return self.others.percent - self.in_group.percent


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    total: Count
    by_year_group: dict[int, Count]
    by_key_stage: dict[KeyStage, Count]
    by_group: dict[Group, GroupGap]
    not_met: tuple[int, ...]  # learner ids, in the order learners were given
    # Colleges: by the learner's curriculum area and study programme ("" when not recorded).
    by_curriculum_area: dict[str, Count] = field(default_factory=dict)
    by_study_programme: dict[str, Count] = field(default_factory=dict)

    @property
    def applies(self) -> bool:
        return self.total.eligible > 0


@dataclass(frozen=True)
class ProgrammeAnswer:
    """A provider's answer to one programme-level indicator of Benchmark 1 or 3."""

    benchmark: int
    indicator: int
    achieved: bool


@dataclass(frozen=True)
class BenchmarkResult:
    benchmark: int
    percent: float | None  # None: nothing to measure this year
    measures: tuple[MeasureResult, ...]
    answered: int = 0  # programme-level indicators answered "achieved"
    indicators: int = 0  # programme-level indicators asked

    @property
    def fully_achieved(self) -> bool:
        return self.percent is not None and self.percent >= 100.0


@dataclass(frozen=True)
class ProviderFigures:
    year: int
    measure_date: dt.date
    phase: Phase
    benchmarks: tuple[BenchmarkResult, ...]
    rule_set: RuleSet

    @property
    def fully_achieved_count(self) -> int:
        return sum(1 for b in self.benchmarks if b.fully_achieved)

    def benchmark(self, number: int) -> BenchmarkResult:
        return next(b for b in self.benchmarks if b.benchmark == number)

    def measure(self, code: str) -> MeasureResult:
        return next(m for b in self.benchmarks for m in b.measures if m.measure.code == code)


def measure_date_for(year: int, today: dt.date) -> dt.date:
    """The end of the year, or today while the year is in progress (never before it starts)."""
    return max(year_start(year), min(year_end(year), today))


def evaluate_measure(
    measure: Measure, learners: Sequence[Learner], evidence: Mapping[int, Evidence], year: int
) -> MeasureResult:
    """Apply one measure to learners already known to be on roll (one pass over them)."""
    # Tallies as [eligible, met] pairs, filled in a single pass: this runs for every measure on
    # every dashboard view.
    total = [0, 0]
    by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_stage: dict[KeyStage, list[int]] = defaultdict(lambda: [0, 0])
    in_group = {group: [0, 0] for group in GROUPS}
    by_area: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_programme: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    college = measure.phase == Phase.COLLEGE
    not_met: list[int] = []
    stages: dict[int, Any] = {}
    for learner in learners:
        if not measure.eligible(learner, year):
            continue
        met = 1 if measure.met(learner, evidence.get(learner.id, NO_EVIDENCE), year) else 0
        total[0] += 1
        total[1] += met
        if not met:
            not_met.append(learner.id)
        if learner.year_group is not None:
            cell = by_year[learner.year_group]
            cell[0] += 1
            cell[1] += met
            stage = stages.get(learner.year_group, MISSING)
            if stage is MISSING:
                stage = stages[learner.year_group] = key_stage_of(learner.year_group)
            if stage is not None:
                cell = by_stage[stage]
                cell[0] += 1
                cell[1] += met
        for group in learner.groups:
            cell = in_group[group]
            cell[0] += 1
            cell[1] += met
        if college:
            cell = by_area[learner.curriculum_area]
            cell[0] += 1
            cell[1] += met
            cell = by_programme[learner.study_programme]
            cell[0] += 1
            cell[1] += met
    return MeasureResult(
        measure=measure,
        total=Count(total[0], total[1]),
        by_year_group={y: Count(*by_year[y]) for y in sorted(by_year)},
        by_key_stage={s: Count(*by_stage[s]) for s in KeyStage if s in by_stage},
        by_group={
            g: GroupGap(g, Count(*in_group[g]), Count(total[0] - in_group[g][0], total[1] - in_group[g][1]))
            for g in GROUPS
        },
        not_met=tuple(not_met),
        by_curriculum_area={a: Count(*by_area[a]) for a in sorted(by_area)},
        by_study_programme={p: Count(*by_programme[p]) for p in sorted(by_programme)},
    )


def programme_benchmark(benchmark: int, indicators: int, answers: Iterable[ProgrammeAnswer]) -> BenchmarkResult:
    achieved = {a.indicator for a in answers if a.benchmark == benchmark and a.achieved}
    achieved_count = len([i for i in achieved if 0 <= i < indicators])
    percent = None if indicators == 0 else 100.0 * achieved_count / indicators
    return BenchmarkResult(benchmark, percent, (), achieved_count, indicators)


def provider_figures(
    *,
    rule_set: RuleSet,
    phase: Phase,
    year: int,
    today: dt.date,
    learners: Sequence[Learner],
    evidence: Mapping[int, Evidence],
    programme_indicators: Mapping[int, int],
    answers: Iterable[ProgrammeAnswer] = (),
) -> ProviderFigures:
    """All eight benchmarks for one provider and academic year, on the given rule set.

    `programme_indicators` gives, for Benchmarks 1 and 3, how many programme-level indicators
    the edition asks about. A learner-level benchmark's percentage pools its required measures
    (met ÷ eligible over every learner-measure pair); it is fully achieved at 100%.
    """
    measure_date = measure_date_for(year, today)
    present = [learner for learner in learners if on_roll(learner, measure_date)]
    answers = list(answers)
    results: list[BenchmarkResult] = []
    measures = rule_set.measures_for(phase)
    for number in range(1, 9):
        if number in programme_indicators:
            results.append(programme_benchmark(number, programme_indicators[number], answers))
            continue
        measured = tuple(evaluate_measure(m, present, evidence, year) for m in measures if m.benchmark == number)
        counted = [r for r in measured if r.measure.required and r.applies]
        eligible = sum(r.total.eligible for r in counted)
        met = sum(r.total.met for r in counted)
        results.append(BenchmarkResult(number, None if eligible == 0 else 100.0 * met / eligible, measured))
    return ProviderFigures(year, measure_date, phase, tuple(results), rule_set)
