"""Reading a provider's learners and evidence as plain domain data, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from qic.domain import benchmarks as bm
from qic.domain.academic import year_end, year_start
from qic.frameworks.models import Edition, Section
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.programme.models import Interview, Participation, ProgrammeAnswer

PROGRAMME_BENCHMARKS = (1, 3)


def phase_of(provider: Provider) -> bm.Phase:
    return bm.Phase.COLLEGE if provider.is_college else bm.Phase.SCHOOL


def learners_for_year(provider: Provider, year: int) -> list[Learner]:
    """Learners who may have been on roll at some point in the academic year (one query)."""
    return list(
        Learner.objects.filter(provider=provider)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=year_end(year)))
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=year_start(year)))
        .order_by("surname", "forename", "pk")
    )


def as_domain(learner: Learner, year: int) -> bm.Learner:
    end = learner.programme_end
    return bm.Learner(
        id=learner.pk,
        date_of_birth=learner.date_of_birth,
        year_group=learner.year_group_in(year),
        groups=learner.groups(),
        joined_on=learner.joined_on,
        left_on=learner.left_on,
        considering_higher_education=learner.considering_higher_education,
        curriculum_area=learner.curriculum_area,
        programme_end_year=(end.year if end.month >= 9 else end.year - 1) if end else None,
        name=learner.name,
    )


def evidence_up_to(provider: Provider, year: int, learner_id: int | None = None) -> dict[int, bm.Evidence]:
    """Each learner's tallies by (category, academic year), for years up to `year` (two queries).

    The same numbers as `qic.domain.benchmarks.summarise` over the dated participations; a test
    holds the two together.
    """
    own_area = Case(
        When(~Q(activity__curriculum_area="") & Q(activity__curriculum_area=F("learner__curriculum_area")), then=1),
        default=Value(0),
        output_field=IntegerField(),
    )
    participations = Participation.objects.filter(
        activity__provider=provider, attended=True, activity__academic_year__lte=year
    )
    interviews = Interview.objects.filter(provider=provider, academic_year__lte=year)
    if learner_id is not None:
        participations = participations.filter(learner_id=learner_id)
        interviews = interviews.filter(learner_id=learner_id)
    rows = (
        participations.values_list("learner_id", "activity__category_rows__category", "activity__academic_year")
        .annotate(n=Count("id"), in_area=Sum(own_area))
        .order_by()
    )
    result: dict[int, dict[tuple[bm.Category, int], bm.Tally]] = defaultdict(dict)
    for who, category, activity_year, n, in_area in rows:
        # An activity that is evidence of nothing (not meaningful) comes back with no category.
        if category is not None:
            result[who][(bm.Category(category), activity_year)] = bm.Tally(n, in_area or 0)
    interview_rows = interviews.values_list("learner_id", "academic_year").annotate(n=Count("id")).order_by()
    for who, interview_year, n in interview_rows:
        result[who][(bm.Category.INTERVIEW, interview_year)] = bm.Tally(n, 0)
    return dict(result)


def programme_indicator_counts(edition: Edition | None, phase: bm.Phase) -> dict[int, int]:
    """How many programme-level indicators Benchmarks 1 and 3 have in the edition (one query)."""
    if edition is None:
        return dict.fromkeys(PROGRAMME_BENCHMARKS, 0)
    sections = Section.objects.filter(edition=edition, number__in=PROGRAMME_BENCHMARKS)
    return {s.number: len(s.college_indicators if phase == bm.Phase.COLLEGE else s.school_indicators) for s in sections}


def figures_for(provider: Provider, year: int, *, today: dt.date, edition: Edition | None) -> bm.ProviderFigures:
    """All eight benchmarks for the provider in the year, from learner-level evidence."""
    phase = phase_of(provider)
    learners = learners_for_year(provider, year)
    domain_learners = [as_domain(learner, year) for learner in learners]
    evidence = evidence_up_to(provider, year)
    answers = [
        bm.ProgrammeAnswer(a.benchmark, a.indicator, a.achieved)
        for a in ProgrammeAnswer.objects.filter(provider=provider, academic_year=year)
    ]
    return bm.provider_figures(
        phase=phase,
        year=year,
        today=today,
        learners=domain_learners,
        evidence=evidence,
        programme_indicators=programme_indicator_counts(edition, phase),
        answers=answers,
    )
