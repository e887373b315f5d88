"""Reads for the accreditation pages, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from qic.accreditation.models import (
    Accreditation,
    AnnualReview,
    Award,
    CriterionRecord,
    DocumentKind,
    IssuedDocument,
)
from qic.destinations import queries as destination_queries
from qic.domain import accreditation as rules
from qic.domain import benchmarks as bm
from qic.domain import destinations as destination_rules
from qic.domain import destinations_evidence, employer_confirmation
from qic.domain import employers as rules_employers
from qic.domain.academic import academic_year_of, year_label
from qic.domain.accreditation import OPEN_STAGES, Stage
from qic.organisations.models import Provider, Role, User
from qic.partners import confirmation_queries
from qic.partners.directory_queries import employer_variety
from qic.partners.parent_queries import parent_engagement
from qic.portal import queries as portal_queries
from qic.portal.participation_queries import ENCOUNTER_BENCHMARKS, participation_figures
from qic.programme.models import Activity, Adviser, Interview


@dataclass
class SystemEvidence:
    """What QiC Platform already holds for one criterion, gathered for the portfolio."""

    activities: list[Activity] = field(default_factory=list)  # newest first; each has `attended` (learners)
    activity_count: int = 0
    learner_count: int = 0  # different learners present at any of them: each counts once
    figure: bm.BenchmarkResult | None = None
    figure_year: str = ""
    extra: list[str] = field(default_factory=list)  # other facts in words
    pages: list[tuple[str, str]] = field(default_factory=list)  # (words, address) of figures pages
    # The edition's destinations criterion (3.4): each stage's last three leaving cohorts (None
    # for every other criterion; empty when the provider has no leavers in them).
    destinations: list[destinations_evidence.StageSummary] | None = None
    destinations_note: str = destinations_evidence.SUMMARY_NOTE


def evidence_years(today: dt.date) -> list[int]:
    """The academic years the evidence can be shown for: this one and the two before, newest first."""
    year = academic_year_of(today)
    return [year, year - 1, year - 2]


def system_evidence(
    accreditation: Accreditation, *, today: dt.date, year: int | None = None
) -> dict[str, SystemEvidence]:
    """Evidence by criterion code for an academic year (this one unless asked; a fixed number of
    queries): the provider's figure for the criterion's benchmark (as it stands today while the year is in
    progress), every activity of the year that evidences the criterion — tagged with it by hand, or
    evidence for its benchmark by what the activity is (`bm.BENCHMARK_OF_CATEGORY`) — and how many
    different learners were present at them, for Benchmark 8 the interviews and the advisers'
    qualifications, and for criteria 3.2 and 3.3 how many learners on roll today can see their
    record and have recorded their own experiences (`qic.portal.queries`; counts only).

    Learners, not attendances: an activity that evidences two criteria, or a learner at two
    activities, is counted once for each criterion."""
    from qic.programme import queries as programme_queries
    from qic.programme.models import ActivityCategory, Participation

    provider = accreditation.provider
    year = academic_year_of(today) if year is None else year
    figures = programme_queries.figures_for(provider, year, today=today, edition=accreditation.edition)
    by_benchmark = {result.benchmark: result for result in figures.benchmarks}
    result: dict[str, SystemEvidence] = defaultdict(SystemEvidence)
    records = list(accreditation.criterion_records.select_related("criterion__section"))
    codes_by_section: dict[int, list[str]] = defaultdict(list)
    for record in records:
        evidence = result[record.criterion.code]
        evidence.figure = by_benchmark.get(record.criterion.section.number)
        evidence.figure_year = year_label(year)
        codes_by_section[record.criterion.section.number].append(record.criterion.code)
    codes = [r.criterion.code for r in records]
    categories = [c.value for n in codes_by_section for c in bm.categories_of_benchmark(n)]
    tagged = Activity.criteria.through.objects.filter(criterion__code__in=codes).values("activity_id")
    derived = ActivityCategory.objects.filter(category__in=categories).values("activity_id")
    # Filtered through subqueries, not joins, so that the count of learners present is not
    # multiplied by the criteria or categories an activity has.
    activities = list(
        Activity.objects.filter(provider=provider, academic_year=year)
        .filter(Q(pk__in=tagged) | Q(pk__in=derived))
        .annotate(attended=Count("participations__learner", filter=Q(participations__attended=True), distinct=True))
        # Shown as "confirmed by the employer" beside it (qic.partners: an employer's answer by link).
        .annotate(employer_confirmed=confirmation_queries.confirmed_by_employer())
        .prefetch_related("criteria")
        .order_by("-date", "title")
    )
    activities_of: dict[str, list[int]] = defaultdict(list)
    for activity in activities:
        evidenced = {c.code for c in activity.criteria.all() if c.code in result}
        for category in activity.categories:
            number = bm.BENCHMARK_OF_CATEGORY.get(bm.Category(category))
            evidenced.update(codes_by_section.get(number, []) if number else [])
        for code in sorted(evidenced):
            evidence = result[code]
            evidence.activity_count += 1
            evidence.activities.append(activity)
            activities_of[code].append(activity.pk)
    present: dict[int, set[int]] = defaultdict(set)
    if activities:
        for activity_id, learner_id in Participation.objects.filter(
            activity_id__in=[a.pk for a in activities], attended=True
        ).values_list("activity_id", "learner_id"):
            present[activity_id].add(learner_id)
    for code, ids in activities_of.items():
        result[code].learner_count = len(set().union(*(present[pk] for pk in ids)))
    interviews = Interview.objects.filter(provider=provider, academic_year=year).count()
    advisers = Adviser.objects.filter(provider=provider, active=True).aggregate(
        total=Count("pk"),
        level6=Count("pk", filter=Q(qualification_level__gte=6)),
        registered=Count("pk", filter=Q(on_uk_register=True)),
    )
    # Criteria 3.2 and 3.3: what learners can see and keep of their own record, as counts only
    # (the Awarding Body and assessor read these figures; never a name).
    codes_here = set(codes)
    if "3.2" in codes_here:
        able, on_roll = portal_queries.learners_with_access(provider, today=today)
        result["3.2"].extra.append(
            f"{able} of {on_roll} learner{'s' if on_roll != 1 else ''} on roll can sign in to see their "
            "guidance records"
        )
    if "3.3" in codes_here:
        result["3.3"].extra.append(portal_queries.entry_figures(provider, today=today).words())
    # Reflection on meaningful encounters (Benchmarks 5, 6, 7), and whether learners with an
    # interview have signed in to read it (3.2): the same figures as the staff's home page.
    encounter_codes = [code for n in ENCOUNTER_BENCHMARKS for code in codes_by_section.get(n, [])]
    if "3.2" in codes_here or encounter_codes:
        taking_part = participation_figures(provider, year, today=today)
        if "3.2" in codes_here and taking_part.with_interview:
            result["3.2"].extra.append(taking_part.interview_words())
        for number in ENCOUNTER_BENCHMARKS:
            for code in codes_by_section.get(number, []):
                result[code].extra.append(taking_part.by_benchmark[number].words(year_label(year)))
    # Criterion 1.6: feedback from employers, parents and carers, staff and learners (counts and
    # averages only: the comments may name learners and stay on the activity's staff page).
    if "1.6" in codes_here:
        from qic.partners import feedback_queries

        result["1.6"].extra.append(feedback_queries.year_feedback(provider, year).words())
        result["1.6"].pages.append(
            (
                f"Feedback on activities in {year_label(year)}",
                reverse("partners:feedback_summary", kwargs={"urn": provider.urn}) + f"?year={year}",
            )
        )
    # The edition's criterion on analysing destinations (3.4): the last three leaving cohorts of
    # each stage the provider has, as of today whatever the year shown (figures only, issue 16).
    destinations_code = destinations_evidence.destinations_criterion(accreditation.edition.code)
    if destinations_code in codes_here:
        result[destinations_code].destinations = destinations_summary(provider, today=today)
        result[destinations_code].pages.append(
            ("Destinations analysis beside the national figures", destinations_analysis_url(provider.urn))
        )
    # Criterion 2.2: parents' and carers' engagement, counts of learners only (issue 15).
    if "2.2" in codes_here:
        result["2.2"].extra.append(parent_engagement(provider, year, today=today).words(year_label(year)))
    # Benchmarks 5 and 6: how many of the employer activities the employers confirmed themselves.
    for number in (5, 6):
        for code in codes_by_section.get(number, []):
            facing = [a for a in result[code].activities if a.type_enum in employer_confirmation.EMPLOYER_FACING]
            if facing:
                confirmed = sum(1 for a in facing if getattr(a, "employer_confirmed", False))
                result[code].extra.append(
                    employer_confirmation.confirmed_words(confirmed, len(facing), year_label(year))
                )
    # The refreshed Benchmark 5 asks for employers of different sizes and sectors, the self-employed
    # included: the variety of those learners met in the year (figures only).
    if codes_by_section.get(5):
        met = rules_employers.variety_words(employer_variety(provider, year), year_label(year))
        for code in codes_by_section[5]:
            result[code].extra.append(met)
    for record in records:
        if record.criterion.section.number == 8:
            result[record.criterion.code].extra = [
                f"{interviews} guidance interview{'s' if interviews != 1 else ''} recorded in {year_label(year)}",
                f"{advisers['level6']} of {advisers['total']} active advisers qualified to Level 6 or above; "
                f"{advisers['registered']} on the UK Register",
            ]
    return dict(result)


def destinations_summary(provider: Provider, *, today: dt.date) -> list[destinations_evidence.StageSummary]:
    """The destinations of the provider's last three leaving cohorts, for each stage it has leavers
    at (KS4, 16–18): counts and shares, no names (two queries a stage)."""
    found = []
    for stage in destination_rules.STAGES:
        analysis = destination_queries.analysis_for(provider, stage, today=today)
        summary = destinations_evidence.summarise(analysis, today=today)
        if summary is not None:
            found.append(summary)
    return found


def destinations_analysis_url(urn: int) -> str:
    """The provider's destinations analysis page, beside the DfE's figures."""
    return reverse("destinations:analysis", kwargs={"urn": urn})


def destinations_recorded(provider: Provider, *, today: dt.date) -> int:
    """How many of the last three leaving cohorts (of KS4 and 16–18 together) have destinations
    recorded here (`destinations_evidence.cohort_recorded`; two queries a stage)."""
    years = destination_rules.cohort_years(today)
    return sum(
        len(destinations_evidence.recorded_cohorts(destination_queries.cohorts(provider, stage, years, today=today)))
        for stage in destination_rules.STAGES
    )


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
    open_rounds = list(_rounds(body_id, assessor).filter(stage__in=OPEN_STAGES).order_by("requested_at"))
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


# --- The round's state, as the rules see it -------------------------------------------------------


def evidence_held_here(accreditation: Accreditation, *, today: dt.date | None = None) -> dict[str, str]:
    """The kinds of evidence the platform already holds for the round, so nobody uploads them
    (kind -> what is held, in words)."""
    held: dict[str, str] = {}
    # A reaccreditation's previous report is already here: the one issued in the previous round.
    if (
        accreditation.previous_id
        and IssuedDocument.objects.filter(accreditation_id=accreditation.previous_id, kind=DocumentKind.REPORT).exists()
    ):
        held["previous_report"] = "Held here: the report issued in the previous round"
    # Destinations recorded for the last three leaving cohorts stand in for the destinations data.
    recorded = destinations_recorded(accreditation.provider, today=today or timezone.localdate())
    if destinations_evidence.destinations_held(recorded):
        held["destinations"] = destinations_evidence.held_words(recorded)
    return held


def missing_evidence(
    accreditation: Accreditation, present: set[str] | None = None, held: dict[str, str] | None = None
) -> list[rules.EvidenceKind]:
    """The required evidence neither uploaded nor held here; `present` (the kinds uploaded) and
    `held` (`evidence_held_here`) when already known."""
    present = set(accreditation.documents.values_list("kind", flat=True)) if present is None else set(present)
    held = evidence_held_here(accreditation) if held is None else held
    return rules.missing_evidence(present | set(held), reaccreditation=accreditation.is_reaccreditation)


def compass_up_to_date(accreditation: Accreditation, present: set[str] | None = None) -> bool:
    """Whether a Compass report is uploaded and recent enough for the visit; `present` as above."""
    has_report = accreditation.documents.filter(kind="compass").exists() if present is None else "compass" in present
    assessed_on = accreditation.visit_on or timezone.localdate()
    return has_report and rules.compass_is_up_to_date(accreditation.compass_completed_on, assessed_on)


def decision_for(
    accreditation: Accreditation,
    records: list[CriterionRecord] | None = None,
    *,
    compass_current: bool | None = None,
) -> rules.OutcomeDecision | None:
    """The outcome the rules give for the judgments so far; None until every criterion is judged.
    `records` (with their criteria) and `compass_current` save queries when the caller has them."""
    if records is None:
        records = list(accreditation.criterion_records.select_related("criterion"))
    criteria = {r.criterion.code: r.judgment_enum for r in records}
    if not criteria or any(j is None for j in criteria.values()):
        return None
    return rules.decide_outcome(
        criteria=criteria,
        key_principles_met=bool(accreditation.key_principles_met),
        compass_up_to_date=compass_up_to_date(accreditation) if compass_current is None else compass_current,
    )


def leader_emails(provider_id: int) -> list[str]:
    return list(
        User.objects.filter(
            membership__provider_id=provider_id, membership__role=Role.CAREERS_LEADER, is_active=True
        ).values_list("email", flat=True)
    )


def body_admin_emails(body_id: int) -> list[str]:
    return list(
        User.objects.filter(
            membership__awarding_body_id=body_id, membership__role=Role.AWARDING_BODY_ADMIN, is_active=True
        ).values_list("email", flat=True)
    )
