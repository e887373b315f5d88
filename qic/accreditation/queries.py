"""Reads for the accreditation pages, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from qic.accreditation.models import Accreditation, AnnualReview, Award
from qic.domain import benchmarks as bm
from qic.domain.academic import academic_year_of, year_label
from qic.domain.accreditation import Stage
from qic.programme.models import Activity, Adviser, Interview


@dataclass
class SystemEvidence:
    """What QiC Platform already holds for one criterion, gathered for the portfolio."""

    activities: list[Activity] = field(default_factory=list)
    activity_count: int = 0
    figure: bm.BenchmarkResult | None = None
    figure_year: str = ""
    extra: list[str] = field(default_factory=list)  # other facts in words


def system_evidence(accreditation: Accreditation, *, today: dt.date) -> dict[str, SystemEvidence]:
    """Evidence by criterion code: the activities recorded as evidencing the criterion in the
    last two academic years, the provider's figure for the criterion's benchmark in the last
    complete year, and for Benchmark 8 the interviews and the advisers' qualifications."""
    from qic.programme import queries as programme_queries

    provider = accreditation.provider
    year = academic_year_of(today)
    figures = programme_queries.figures_for(provider, year - 1, today=today, edition=accreditation.edition)
    by_benchmark = {result.benchmark: result for result in figures.benchmarks}
    result: dict[str, SystemEvidence] = defaultdict(SystemEvidence)
    records = list(accreditation.criterion_records.select_related("criterion__section"))
    for record in records:
        evidence = result[record.criterion.code]
        evidence.figure = by_benchmark.get(record.criterion.section.number)
        evidence.figure_year = year_label(year - 1)
    activities = (
        Activity.objects.filter(provider=provider, academic_year__gte=year - 1)
        .filter(criteria__code__in=[r.criterion.code for r in records])
        .annotate(attended=Count("participations", filter=Q(participations__attended=True)))
        .prefetch_related("criteria")
        .order_by("-date")
        .distinct()
    )
    for activity in activities:
        for criterion in activity.criteria.all():
            evidence = result[criterion.code]
            evidence.activity_count += 1
            if len(evidence.activities) < 5:
                evidence.activities.append(activity)
    interviews = Interview.objects.filter(learner__provider=provider, date__gte=dt.date(year - 1, 9, 1)).count()
    advisers = Adviser.objects.filter(provider=provider, active=True).aggregate(
        total=Count("pk"),
        level6=Count("pk", filter=Q(qualification_level__gte=6)),
        registered=Count("pk", filter=Q(on_uk_register=True)),
    )
    for record in records:
        if record.criterion.section.number == 8:
            result[record.criterion.code].extra = [
                f"{interviews} guidance interviews recorded since 1 September {year - 1}",
                f"{advisers['level6']} of {advisers['total']} active advisers qualified to Level 6 or above; "
                f"{advisers['registered']} on the UK Register",
            ]
    return dict(result)


@dataclass
class BodyDashboard:
    requested: list[Accreditation]
    submitted: list[Accreditation]
    in_assessment: list[Accreditation]
    awaiting_issue: list[Accreditation]
    reviews_due: list[AnnualReview]
    expiring: list[Award]
    recent: list[Accreditation]


def _rounds(body_id: int, assessor: Any | None) -> QuerySet[Accreditation]:
    rounds = Accreditation.objects.filter(awarding_body_id=body_id).select_related("provider", "assessor")
    if assessor is not None:
        rounds = rounds.filter(assessor=assessor)
    return rounds


def body_dashboard(
    body_id: int, *, today: dt.date, assessor: Any | None = None, horizon_days: int = 90
) -> BodyDashboard:
    """The Awarding Body's (or one assessor's) work: what waits for whom, reviews due and awards
    expiring within `horizon_days` (a fixed number of queries)."""
    open_rounds = list(_rounds(body_id, assessor).exclude(stage=Stage.ISSUED).order_by("requested_at"))
    by_stage: dict[str, list[Accreditation]] = defaultdict(list)
    for accreditation in open_rounds:
        by_stage[accreditation.stage].append(accreditation)
    reviews = AnnualReview.objects.filter(
        accreditation__awarding_body_id=body_id,
        held_on__isnull=True,
        due_on__lte=today + dt.timedelta(days=horizon_days),
        accreditation__awards__superseded=False,
        accreditation__awards__expires_on__gte=today,
    ).select_related("accreditation__provider")
    if assessor is not None:
        reviews = reviews.filter(accreditation__assessor=assessor)
    awards = Award.objects.filter(
        awarding_body_id=body_id,
        superseded=False,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=horizon_days),
    ).select_related("provider", "accreditation")
    if assessor is not None:
        awards = awards.filter(accreditation__assessor=assessor)
    return BodyDashboard(
        requested=by_stage[Stage.COMMITMENT_REQUESTED],
        submitted=by_stage[Stage.SUBMITTED],
        in_assessment=by_stage[Stage.ASSESSOR_ASSIGNED] + by_stage[Stage.VISIT_SCHEDULED],
        awaiting_issue=by_stage[Stage.JUDGED],
        reviews_due=list(reviews.distinct().order_by("due_on")),
        expiring=list(awards.order_by("expires_on")),
        recent=list(_rounds(body_id, assessor).filter(stage=Stage.ISSUED).order_by("-issued_at")[:10]),
    )


def current_award(provider_id: int, today: dt.date) -> Award | None:
    """The provider's award on the register today, if any: not superseded, not expired."""
    return (
        Award.objects.filter(provider_id=provider_id, superseded=False, awarded_on__lte=today, expires_on__gte=today)
        .order_by("-awarded_on")
        .first()
    )
