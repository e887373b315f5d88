"""One learner's careers record, read once for everyone who shows it: the staff learner page,
the learner's own page (qic.portal) and the staff preview of what the learner sees.

`benchmark_standing` is the only place that decides which measures apply to one learner this
year and whether each is met, as the dashboard reads it; `learner_record` adds what the learner
took part in and their guidance interviews. A fixed number of queries whatever the size of the
record (a test and a bench figure hold it to that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qic.domain import benchmarks as bm
from qic.domain.academic import academic_year_of, year_label
from qic.domain.learner_wording import ACTIVITY_WORDS, sentence_for
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.programme import queries
from qic.programme.models import Activity, Interview, Participation, Reflection


@dataclass(frozen=True)
class MeasureStatus:
    measure: bm.Measure
    met: bool
    sentence: str  # the learner's words for where they stand


@dataclass(frozen=True)
class BenchmarkStanding:
    year: int
    rule_set: bm.RuleSet
    benchmarks: bool  # False for a provider that is not measured on the benchmarks (a primary school)
    counted: bool  # on roll on the measure date: a learner who has left is missing nothing
    statuses: list[MeasureStatus]

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def met(self) -> list[MeasureStatus]:
        return [s for s in self.statuses if s.met]

    @property
    def not_yet(self) -> list[MeasureStatus]:
        return [s for s in self.statuses if not s.met]


def benchmark_standing(provider: Provider, learner: Learner, today: dt.date) -> BenchmarkStanding:
    """Which measures apply to the learner in the academic year of `today` and whether each is met,
    as the dashboard reads it: on roll on the measure date (today), with the evidence as it stood
    then (one or two queries)."""
    year = academic_year_of(today)
    measure_date = bm.measure_date_for(year, today)
    rule_set = queries.rule_set_for_year(year)
    domain_learner = queries.as_domain(learner, year)
    counted = bm.on_roll(domain_learner, measure_date)
    # A primary school is not measured on the secondary benchmarks (DOMAIN.md §1).
    benchmarks = provider.works_towards_the_standard
    statuses: list[MeasureStatus] = []
    if counted and benchmarks:
        evidence = queries.evidence_up_to(provider, year, learner_id=learner.pk, as_of=measure_date).get(
            learner.pk, bm.NO_EVIDENCE
        )
        for measure in rule_set.measures_for(queries.phase_of(provider)):
            if measure.eligible(domain_learner, year):
                met = measure.met(domain_learner, evidence, year)
                statuses.append(MeasureStatus(measure, met, sentence_for(rule_set, measure, met=met)))
    return BenchmarkStanding(year, rule_set, benchmarks, counted, statuses)


@dataclass(frozen=True)
class TakenPart:
    """One activity the learner attended, as the learner's page lists it."""

    participation: Participation
    reflection: Reflection | None = None  # what the learner wrote about it, if anything

    @property
    def reflected(self) -> bool:
        """The learner wrote about it and staff have not hidden it: it stands."""
        return self.reflection is not None and not self.reflection.hidden

    @property
    def waits_for_reflection(self) -> bool:
        """The activity counts for the learner only once they reflect, and no reflection stands
        (the rule is `qic.domain.benchmarks.counts_for_learner`; the standing reads it too)."""
        return bool(self.participation.activity.needs_own_reflection) and not self.reflected

    @property
    def activity(self) -> Activity:
        activity: Activity = self.participation.activity
        return activity

    @property
    def kind(self) -> str:
        return ACTIVITY_WORDS[self.participation.activity.type_enum]


@dataclass(frozen=True)
class YearOfActivities:
    year: int
    taken_part: list[TakenPart] = field(default_factory=list)

    @property
    def label(self) -> str:
        return year_label(self.year)


@dataclass(frozen=True)
class LearnerRecord:
    learner: Learner
    standing: BenchmarkStanding
    interviews: list[Interview]
    years: list[YearOfActivities]  # newest first; within a year, newest activity first

    @property
    def activity_count(self) -> int:
        return sum(len(y.taken_part) for y in self.years)


def attended(learner: Learner) -> list[Participation]:
    """The activities the learner was present at, newest first (one query): never one they were
    absent from, and never a removed activity (the live manager leaves those out)."""
    return list(
        Participation.objects.filter(learner=learner, attended=True)
        .select_related("activity")
        .order_by("-activity__date", "activity__title", "pk")
    )


def interviews_of(learner: Learner) -> list[Interview]:
    """The learner's guidance interviews, newest first, with their advisers (one query; never a removed one)."""
    return list(Interview.objects.filter(learner=learner).select_related("adviser").order_by("-date", "-pk"))


def reflections_by_activity(learner: Learner) -> dict[int, Reflection]:
    """The learner's reflections, hidden ones too, by activity id (one query)."""
    return {r.activity_id: r for r in Reflection.objects.filter(learner=learner)}


def learner_record(learner: Learner, today: dt.date) -> LearnerRecord:
    """Everything the learner's own page shows: their interviews, what they took part in by
    academic year with what they wrote about each, and where they stand on this year's measures
    (five or six queries, whatever the size of the record). `learner.provider` should be read
    with the learner."""
    by_year: dict[int, YearOfActivities] = {}
    participations = attended(learner)
    reflections = reflections_by_activity(learner) if participations else {}
    for participation in participations:
        year = participation.activity.academic_year
        item = TakenPart(participation, reflections.get(participation.activity_id))
        by_year.setdefault(year, YearOfActivities(year)).taken_part.append(item)
    return LearnerRecord(
        learner=learner,
        standing=benchmark_standing(learner.provider, learner, today),
        interviews=interviews_of(learner),
        years=[by_year[y] for y in sorted(by_year, reverse=True)],
    )
