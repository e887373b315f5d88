"""Reads for recording destinations: the careers leader's hub (each leaving cohort and what is
still to record), a cohort's learners with their destinations, and one learner's destinations.

Each read is a fixed number of queries whatever the cohort's size: the cohorts come from
`queries.cohorts` (two queries a stage), the names of a cohort's learners from one more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from qic.destinations import queries
from qic.destinations.models import Destination
from qic.domain import destinations as rules
from qic.domain.academic import KeyStage, academic_year_of, year_label
from qic.learners.models import Learner
from qic.organisations.models import Provider

STAGE_SLUGS = {"ks4": KeyStage.KS4, "16-18": KeyStage.KS5}
SLUG_OF = {stage: slug for slug, stage in STAGE_SLUGS.items()}
FINAL_YEAR = {KeyStage.KS4: 11, KeyStage.KS5: 13}
YEARS_AFTER = tuple(range(1, rules.YEARS_KEPT + 1))


def hub_years(today: dt.date) -> list[int]:
    """The cohorts the hub lists, newest first: the one in its final year now (its intended
    destinations) and the three that have left most recently."""
    return [academic_year_of(today), *rules.cohort_years(today)]


def cohort_title(stage: KeyStage, year: int, today: dt.date) -> str:
    """'Year 11 in 2024/25' (or 'Year 13 now, 2025/26'), the way the pages name a cohort."""
    if year == academic_year_of(today):
        return f"Year {FINAL_YEAR[stage]} now ({year_label(year)})"
    return f"Year {FINAL_YEAR[stage]} in {year_label(year)}"


@dataclass(frozen=True)
class CohortCounts:
    stage: KeyStage
    year: int
    title: str
    current: bool  # still in their final year: only intended destinations make sense yet
    learners: int
    with_actual: int  # an actual destination recorded for year 1 after leaving
    stayed_on: int  # KS4: no destination recorded, counted in the school's sixth form
    to_do: int  # left: nothing for year 1; current: no intended destination
    with_intended: int

    @property
    def slug(self) -> str:
        return SLUG_OF[self.stage]


def _counts(stage: KeyStage, year: int, members: list[rules.CohortMember], today: dt.date) -> CohortCounts:
    current = year == academic_year_of(today)
    with_actual = stayed = to_do = intended = 0
    for member in members:
        has_intended = rules.latest_intended(member.recorded) is not None
        intended += has_intended
        if current:
            to_do += not has_intended
            continue
        if rules.destination_in_year(year, member.recorded, 1) is not None:
            with_actual += 1
        elif member.stayed:
            stayed += 1
        else:
            to_do += 1
    return CohortCounts(
        stage=stage,
        year=year,
        title=cohort_title(stage, year, today),
        current=current,
        learners=len(members),
        with_actual=with_actual,
        stayed_on=stayed,
        to_do=to_do,
        with_intended=intended,
    )


def hub(provider: Provider, today: dt.date) -> dict[KeyStage, list[CohortCounts]]:
    """Each stage's cohorts (newest first) with what is recorded; a stage with no learner in any
    of them is left out (a college has no Year 11, a school without a sixth form no Year 13).
    Four queries."""
    years = hub_years(today)
    found: dict[KeyStage, list[CohortCounts]] = {}
    for stage in rules.STAGES:
        cohorts = queries.cohorts(provider, stage, years, today=today)
        rows = [_counts(stage, year, cohorts[year], today) for year in years]
        if any(row.learners for row in rows):
            found[stage] = rows
    return found


# --- One cohort's learners -------------------------------------------------------------------


@dataclass(frozen=True)
class YearCell:
    """A learner's destination that counts for one year after leaving."""

    category: rules.Category
    recorded_on: dt.date
    sustained: bool | None
    stayed_on: bool = False  # KS4: not recorded, counted in the school's sixth form

    @property
    def label(self) -> str:
        return rules.CATEGORY_LABELS[self.category]


@dataclass(frozen=True)
class CohortRow:
    learner: Learner
    intended: rules.Recorded | None
    years: tuple[YearCell | None, ...]  # years 1, 2 and 3 after leaving

    @property
    def intended_label(self) -> str:
        return rules.CATEGORY_LABELS[self.intended.category] if self.intended else ""


@dataclass(frozen=True)
class Cohort:
    stage: KeyStage
    year: int
    title: str
    current: bool
    rows: list[CohortRow]  # the learners shown (all, or those with nothing recorded)
    learners: int  # in the whole cohort
    missing: int  # with nothing recorded (left: for year 1; current: no intended destination)

    @property
    def slug(self) -> str:
        return SLUG_OF[self.stage]

    @property
    def years_shown(self) -> tuple[int, ...]:
        """The years after leaving that have begun (none for the cohort still in its final year)."""
        return () if self.current else YEARS_AFTER


def parse_cohort(stage_slug: str | None, year_text: str | None, today: dt.date) -> tuple[KeyStage, int]:
    """The stage and year a cohort page was asked for (not given: the Year 11 leavers of last
    year): one of the hub's, else 404."""
    stage = STAGE_SLUGS.get("ks4" if stage_slug is None else stage_slug)
    try:
        year = int(year_text) if year_text is not None else rules.cohort_years(today)[0]
    except ValueError:
        raise Http404("No such cohort") from None
    if stage is None or year not in hub_years(today):
        raise Http404("No such cohort")
    return stage, year


def _year_cells(year: int, member: rules.CohortMember, today: dt.date) -> tuple[YearCell | None, ...]:
    cells: list[YearCell | None] = []
    for n in YEARS_AFTER:
        chosen = rules.destination_in_year(year, member.recorded, n)
        if chosen is not None:
            cells.append(YearCell(chosen.category, chosen.recorded_on, chosen.sustained))
        elif n == 1 and member.stayed:
            cells.append(
                YearCell(
                    rules.Category.SCHOOL_SIXTH_FORM,
                    dt.date(year + 1, 10, 1),
                    member.stayed_sustained,
                    stayed_on=True,
                )
            )
        else:
            cells.append(None)
    return tuple(cells)


def cohort(provider: Provider, stage: KeyStage, year: int, *, today: dt.date, missing_only: bool) -> Cohort:
    """The cohort's learners, by surname, with their latest intended destination and the actual
    one that counts in each year after leaving. Three queries."""
    members = queries.cohorts(provider, stage, [year], today=today)[year]
    current = year == academic_year_of(today)
    names = {
        learner.pk: learner
        for learner in Learner.objects.filter(provider=provider, pk__in=[m.learner_id for m in members]).only(
            "pk", "forename", "surname", "upn", "uln", "anonymised_at", "left_on", "provider_id"
        )
    }
    rows: list[CohortRow] = []
    missing = 0
    for member in members:
        intended = rules.latest_intended(member.recorded)
        cells = () if current else _year_cells(year, member, today)
        nothing = intended is None if current else cells[0] is None
        missing += nothing
        if missing_only and not nothing:
            continue
        rows.append(CohortRow(names[member.learner_id], intended, cells))
    rows.sort(key=lambda row: (row.learner.anonymised_at is not None, row.learner.list_name.casefold(), row.learner.pk))
    return Cohort(
        stage=stage,
        year=year,
        title=cohort_title(stage, year, today),
        current=current,
        rows=rows,
        learners=len(members),
        missing=missing,
    )


# --- One learner ---------------------------------------------------------------------------------


def get_learner(provider: Provider, pk: int) -> Learner:
    """The provider's own learner, else 404 (another school's learner is not found)."""
    try:
        return Learner.objects.get(provider=provider, pk=pk)
    except Learner.DoesNotExist:
        raise Http404("No such learner") from None


def get_destination(learner: Learner, pk: int) -> Destination:
    """The learner's own destination, else 404."""
    try:
        return Destination.objects.get(provider_id=learner.provider_id, learner=learner, pk=pk)
    except Destination.DoesNotExist:
        raise Http404("No such destination") from None


def destinations_of(learner: Learner) -> QuerySet[Destination]:
    """The learner's destinations, newest first."""
    return Destination.objects.filter(provider_id=learner.provider_id, learner=learner).order_by("-recorded_on", "-pk")


def learner_cohorts(learner: Learner) -> list[tuple[KeyStage, int]]:
    """The leaving cohorts the learner belongs to, as the analysis counts them."""
    return rules.cohorts_of(
        rules.LearnerFacts(
            year_group=learner.year_group,
            recorded_in=learner.year_group_recorded_in,
            date_of_birth=learner.date_of_birth,
            joined_on=learner.joined_on,
            left_on=learner.left_on,
            programme_end=learner.programme_end,
        )
    )


def year_after_leaving(destination: Destination, cohorts: list[tuple[KeyStage, int]]) -> int | None:
    """For an actual destination: which year after leaving it falls in, counted from the learner's
    last leaving cohort before it (None for an intended one, or one dated before any cohort ended)."""
    if destination.kind != rules.Kind.ACTUAL.value:
        return None
    before = [year for _, year in cohorts if academic_year_of(destination.recorded_on) >= year]
    if not before:
        return None
    return rules.year_after(max(before), destination.recorded_on)
