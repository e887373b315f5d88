"""A provider's home page: this year's eight benchmarks at a glance and what needs doing next.

Nothing here decides a rule: the figures are `queries.figures_for`, Provider Access is
`provider_access_summary` (its statuses from `qic.domain.provider_access`), the accreditation
steps are the workflow's own moves (`qic.domain.accreditation.allowed_moves`) and the national average
is the published aggregate (`qic.national.queries.benchmark_averages`, suppressed under six
providers). This module only gathers them, in a fixed number of queries whatever the number of
learners, and turns them into cards and to-do items for the roles that may see them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse

from qic.accreditation.models import AnnualReview
from qic.accreditation.queries import current_award
from qic.domain import benchmarks as bm
from qic.domain import national as national_rules
from qic.domain import provider_access as access_rules
from qic.domain.academic import academic_year_of, year_end, year_label
from qic.domain.accreditation import OPEN_STAGES, Stage, Step, WorkflowActor, allowed_moves
from qic.frameworks.editions import edition_for_year
from qic.national.queries import benchmark_averages
from qic.organisations.access import Capability
from qic.organisations.models import Provider
from qic.portal.participation_queries import ParticipationFigures, participation_figures
from qic.programme import queries, reports
from qic.programme.models import Activity
from qic.programme.provider_access_queries import provider_access_summary

# Steps of an assessment round that wait for the provider (the careers leader), by stage.
PROVIDER_STEPS = {
    stage: m.step
    for stage in OPEN_STAGES
    for m in allowed_moves(stage, WorkflowActor.CAREERS_LEADER, reaccreditation=True)
    if m.forward
}
STEP_WORDS = {Step.SUBMIT_PORTFOLIO: "Submit your portfolio for assessment"}
HORIZON_DAYS = 90  # annual reviews and award expiry within this many days are listed
AWARD_RENEWAL_DAYS = 180  # an award expiring this soon: start the reaccreditation
REGISTERS_SHOWN = 5  # past activities without a register, listed one by one (the rest counted)
MEASURES_SHOWN = 6  # measures with learners missing, the largest gaps (the rest are on the dashboard)


@dataclass(frozen=True)
class BenchmarkCard:
    number: int
    title: str
    percent: float | None
    text: str  # "63%", or "–" when there is nothing to measure
    status: str  # "fully", "progress" or "none"
    href: str
    detail: str  # the headline figure in words ("41 of 65 learners met BM5")
    national: national_rules.Figure | None

    @property
    def status_label(self) -> str:
        return {"fully": "Fully achieved", "progress": "In progress", "none": "Nothing to measure"}[self.status]

    @property
    def tag_class(self) -> str:
        return {"fully": "govuk-tag--green", "progress": "govuk-tag--yellow", "none": "govuk-tag--grey"}[self.status]

    @property
    def national_text(self) -> str:
        if self.national is None or self.national.providers == 0:
            return ""
        if self.national.value is None:
            return "National average not shown (fewer than 6 providers)"
        return f"National average {reports.pct(self.national.value)}"


@dataclass(frozen=True)
class ToDo:
    kind: str  # "measure", "interview", "provider_access", "register", "accreditation"
    text: str
    href: str
    due: dt.date | None = None
    urgent: bool = False
    count: int = 0  # learners concerned, where it is about learners


@dataclass
class ProviderHome:
    year: int
    year_label: str
    cards: list[BenchmarkCard] = field(default_factory=list)
    fully_count: int = 0
    todo: list[ToDo] = field(default_factory=list)
    today: dt.date = dt.date.min
    registers_missing: int = 0  # past activities with no register at all
    registers_shown: int = REGISTERS_SHOWN
    measures_more: int = 0  # measures with learners missing beyond those listed
    measured: bool = False  # the provider is measured on the secondary benchmarks
    participation: ParticipationFigures | None = None  # learners taking part (figures only)


def _card(provider: Provider, result: bm.BenchmarkResult, national: national_rules.Figure | None) -> BenchmarkCard:
    urn = provider.urn
    if result.benchmark in queries.PROGRAMME_BENCHMARKS:
        href = reverse("programme:programme_answers", args=[urn])
        detail = f"{result.answered} of {result.indicators} indicators met"
    else:
        counted = [m for m in result.measures if m.applies and m.measure.required]
        first = counted[0] if counted else next(iter(result.measures), None)
        href = (
            reverse("programme:measure_detail", args=[urn, first.measure.code])
            if first
            else reverse("dashboards:benchmark_dashboard", args=[urn])
        )
        met = sum(m.total.met for m in counted)
        eligible = sum(m.total.eligible for m in counted)
        detail = f"{met} of {eligible} learner places met" if len(counted) > 1 else f"{met} of {eligible} learners met"
        if not counted:
            detail = "No learners to measure this year"
    status = "fully" if result.fully_achieved else ("none" if result.percent is None else "progress")
    return BenchmarkCard(
        number=result.benchmark,
        title=reports.BENCHMARK_TITLES[result.benchmark],
        percent=result.percent,
        text=reports.pct(result.percent),
        status=status,
        href=href,
        detail=detail,
        national=national,
    )


def _measure_todos(provider: Provider, figures: bm.ProviderFigures) -> list[ToDo]:
    """Learners still missing a required measure this year; each is due by the year's end, when the
    year is measured (`bm.measure_date_for`). Guidance interviews (Benchmark 8) are "interviews due"."""
    deadline = year_end(figures.year)
    items = []
    for result in figures.benchmarks:
        for measured in result.measures:
            missing = len(measured.not_met)
            if not missing or not measured.measure.required:
                continue
            code = measured.measure.code
            href = reverse("programme:measure_detail", args=[provider.urn, code]) + "#missing"
            if result.benchmark == 8:
                text = f"{missing} learner{'s' if missing != 1 else ''} due a guidance interview ({code})"
                kind = "interview"
            else:
                text = f"{missing} learner{'s' if missing != 1 else ''} still missing {code}: {measured.measure.title}"
                kind = "measure"
            items.append(ToDo(kind, text, href, deadline, count=missing))
    # The largest gaps first: they take the most planning.
    return sorted(items, key=lambda item: -item.count)


def _access_todos(provider: Provider, today: dt.date) -> list[ToDo]:
    """Cohorts whose key phase is open and not complete: their Provider Access deadline."""
    if provider.is_college or not access_rules.duty_applies(provider.provider_type):
        return []
    summary = provider_access_summary(provider, today=today)
    href = reverse("programme:provider_access", args=[provider.urn])
    items = []
    for cohort in summary.cohorts:
        if cohort.status not in (access_rules.AccessStatus.BEHIND, access_rules.AccessStatus.ON_TRACK):
            continue
        held = f"{cohort.held} of {access_rules.ENCOUNTERS_PER_PHASE} provider encounters held"
        lacking = len(cohort.short) if cohort.mandatory else 0
        short = f", {lacking} pupil{' has' if lacking == 1 else 's have'} not attended two" if lacking else ""
        items.append(
            ToDo(
                "provider_access",
                f"Provider Access, Year {cohort.year_group}: {held}{short}",
                href,
                cohort.window.deadline,
                urgent=cohort.status == access_rules.AccessStatus.BEHIND,
            )
        )
    return items


def _register_todos(provider: Provider, year: int, today: dt.date) -> tuple[list[ToDo], int]:
    """Activities of this year, already held, with nobody on the register (one query)."""
    activities = list(
        Activity.objects.filter(provider=provider, academic_year=year, date__lte=today, participations__isnull=True)
        .only("pk", "title", "date")
        .order_by("date", "pk")
    )
    items = [
        ToDo(
            "register",
            f"Take the register for “{activity.title}”",
            reverse("programme:activity_detail", args=[provider.urn, activity.pk]),
            activity.date,
        )
        for activity in activities[:REGISTERS_SHOWN]
    ]
    return items, len(activities)


def _accreditation_todos(provider: Provider, today: dt.date, *, can_prepare: bool) -> list[ToDo]:
    """Steps of an open round that wait for the provider, annual reviews coming up and an award
    that expires soon (three queries)."""
    items = []
    open_rounds = provider.accreditations.filter(stage__in=OPEN_STAGES).order_by("requested_at")
    for accreditation in open_rounds.only("pk", "stage", "provider_id"):
        step = PROVIDER_STEPS.get(Stage(accreditation.stage))
        if step and can_prepare:
            items.append(
                ToDo(
                    "accreditation",
                    STEP_WORDS.get(step, step.words.capitalize()),
                    reverse("accreditation:accreditation_round", args=[provider.urn, accreditation.pk]),
                )
            )
    reviews = AnnualReview.objects.filter(
        accreditation__provider=provider,
        held_on__isnull=True,
        due_on__lte=today + dt.timedelta(days=HORIZON_DAYS),
        accreditation__awards__superseded=False,
        accreditation__awards__expires_on__gte=today,
    ).distinct()
    for review in reviews.only("pk", "number", "due_on", "accreditation_id").order_by("due_on"):
        items.append(
            ToDo(
                "accreditation",
                f"Annual review {review.number} of your award",
                reverse("accreditation:annual_review", args=[provider.urn, review.accreditation_id, review.number]),
                review.due_on,
                urgent=review.due_on < today,
            )
        )
    award = current_award(provider.pk, today)
    if award is not None and award.expires_on <= today + dt.timedelta(days=AWARD_RENEWAL_DAYS):
        items.append(
            ToDo(
                "accreditation",
                "Your award expires: start the reaccreditation",
                reverse("accreditation:accreditation_round", args=[provider.urn, award.accreditation_id]),
                award.expires_on,
            )
        )
    return items


def provider_home(provider: Provider, caps: frozenset[Capability], *, today: dt.date) -> ProviderHome:
    """The home page's cards and to-do list for a role with `caps` on the provider (a fixed number
    of queries: the figures' five, Provider Access's three, one for the registers, three for the
    accreditation steps, one for the national averages and the learners' participation figures)."""
    year = academic_year_of(today)
    home = ProviderHome(year=year, year_label=year_label(year), today=today)
    measured = Capability.VIEW_FIGURES in caps and not provider.is_primary
    home.measured = measured
    todo: list[ToDo] = []
    if measured:
        figures = queries.figures_for(provider, year, today=today, edition=edition_for_year(year))
        national = benchmark_averages(year, rule_set=figures.rule_set.code)
        home.cards = [_card(provider, result, national.get(result.benchmark)) for result in figures.benchmarks]
        home.fully_count = figures.fully_achieved_count
        # Counts of learners only (no names): every role that sees the figures sees these.
        todo += _access_todos(provider, today)
        found = _measure_todos(provider, figures)
        # Interviews due are always listed; other measures only the largest gaps.
        measures = [item for item in found if item.kind == "measure"]
        todo += [item for item in found if item.kind == "interview"] + measures[:MEASURES_SHOWN]
        home.measures_more = len(measures[MEASURES_SHOWN:])
        home.participation = participation_figures(provider, year, today=today)
    if Capability.RECORD_PROGRAMME in caps:
        registers, home.registers_missing = _register_todos(provider, year, today)
        todo += registers
    if Capability.VIEW_ACCREDITATION in caps and not provider.is_primary:
        todo += _accreditation_todos(provider, today, can_prepare=Capability.PREPARE_ACCREDITATION in caps)
    # Soonest deadline first; undated steps (waiting now) before everything.
    home.todo = sorted(todo, key=lambda item: (item.due or dt.date.min, not item.urgent))
    return home
