"""Reads for destinations: a provider's leaving cohorts as the analysis sees them (flags and dated
destinations, no names), in a fixed number of queries whatever the cohort's size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Q

from qic.destinations.models import Destination
from qic.domain import destinations as rules
from qic.domain.academic import KeyStage, rolled_year_group
from qic.learners.models import Learner
from qic.organisations.models import Provider

FINAL_YEAR_GROUP = {KeyStage.KS4: 11, KeyStage.KS5: 13}
_FIELDS = (
    "pk",
    "year_group",
    "year_group_recorded_in",
    "date_of_birth",
    "joined_on",
    "left_on",
    "programme_end",
    "pupil_premium",
    "free_school_meals",
    "sen_support",
    "ehc_plan",
    "looked_after",
    "sex",
)


def cohort_learner_ids(provider: Provider, stage: KeyStage, years: Iterable[int]) -> dict[int, list[int]]:
    """Learner ids of each of the stage's leaving cohorts (academic year -> ids), one query."""
    return {
        year: [m.learner_id for m in members] for year, members in cohorts(provider, stage, years, today=None).items()
    }


def cohorts(
    provider: Provider, stage: KeyStage, years: Iterable[int], *, today: dt.date | None
) -> dict[int, list[rules.CohortMember]]:
    """Each asked leaving cohort of the stage (academic year -> its members), with their
    destinations when `today` is given (two queries), or without (one query)."""
    wanted = sorted(set(years))
    final = FINAL_YEAR_GROUP[stage]
    # The year the learner was in their final year: recorded_in + (final - year_group), in SQL.
    candidates = Q(year_group__isnull=False, year_group_recorded_in__isnull=False, final_year__in=wanted)
    if stage is KeyStage.KS5:
        # Colleges' learners have no year group: their programme's end decides (rules.cohorts_of).
        first, last = min(wanted, default=0), max(wanted, default=0)
        candidates |= Q(
            year_group__isnull=True,
            programme_end__gte=dt.date(first, 9, 1),
            programme_end__lte=dt.date(last + 1, 8, 31),
        )
    rows = (
        Learner.objects.filter(provider=provider)
        .annotate(final_year=F("year_group_recorded_in") + final - F("year_group"))
        .filter(candidates)
        .values(*_FIELDS)
        .order_by("pk")
    )
    members: dict[int, list[rules.CohortMember]] = {year: [] for year in wanted}
    found: list[tuple[int, dict]] = []  # type: ignore[type-arg]
    for row in rows:
        facts = rules.LearnerFacts(
            year_group=row["year_group"],
            recorded_in=row["year_group_recorded_in"],
            date_of_birth=row["date_of_birth"],
            joined_on=row["joined_on"],
            left_on=row["left_on"],
            programme_end=row["programme_end"],
        )
        for cohort_stage, year in rules.cohorts_of(facts):
            if cohort_stage is stage and year in members:
                found.append((year, row))
    recorded: dict[int, list[rules.Recorded]] = defaultdict(list)
    if today is not None and found:
        for kind, category, recorded_on, sustained, learner_id, pk in Destination.objects.filter(
            learner_id__in=[row["pk"] for _, row in found]
        ).values_list("kind", "category", "recorded_on", "sustained", "learner_id", "pk"):
            recorded[learner_id].append(
                rules.Recorded(rules.Kind(kind), rules.Category(category), recorded_on, sustained, order=pk)
            )
    for year, row in found:
        stayed, stayed_sustained = False, None
        if stage is KeyStage.KS4 and today is not None:
            next_group = (
                rolled_year_group(row["year_group"], row["year_group_recorded_in"], year + 1)
                if row["year_group"] is not None
                else None
            )
            stayed, stayed_sustained = rules.stayed_on_sustained(
                cohort_year=year, left_on=row["left_on"], year_group_next=next_group, today=today
            )
        members[year].append(
            rules.CohortMember(
                learner_id=row["pk"],
                disadvantaged=row["pupil_premium"] or row["free_school_meals"],
                sen_support=row["sen_support"],
                ehc_plan=row["ehc_plan"],
                looked_after=row["looked_after"],
                sex=row["sex"],
                recorded=tuple(recorded.get(row["pk"], ())),
                stayed=stayed,
                stayed_sustained=stayed_sustained,
            )
        )
    return members


def analysis_for(
    provider: Provider, stage: KeyStage, *, today: dt.date, years: list[int] | None = None
) -> rules.Analysis:
    """The provider's analysis of the stage's last three leaving cohorts (or the years asked)."""
    return rules.analyse(stage, cohorts(provider, stage, years or rules.cohort_years(today), today=today))
