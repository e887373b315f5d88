"""Workplace experiences in Key Stage 3 at the demo secondary school, for the work-experience
guarantee page (DOMAIN.md §3c).

The careers plan (`qic.demo.careers`) gives Year 10 a work-experience week (25 hours) and the
sixth form a placement. This adds the Key Stage 3 experiences a school working towards the
guarantee would run — 25 hours over Years 7 to 9 — and a Year 11 virtual placement, in every
demo year up to today. Disadvantaged, SEND and looked-after pupils take part less often, as
national data suggests they do, so the tally for 2026/27 has gaps in exactly those groups.
Seeded: the same call gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from qic.domain.activities import ALL_ELEMENTS, ActivityType, MeaningfulElements, categories_for
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.programme import tallies
from qic.programme.models import Activity, ActivityCategory, Participation


@dataclass(frozen=True)
class Placement:
    title: str
    subtype: str
    year_group: int
    month: int
    day: int
    hours: Decimal
    partner: str


KS3_AND_Y11 = [
    Placement("Year 7 workplace discovery days", "visit", 7, 6, 17, Decimal(9), "Walsall Manor Hospital (demo)"),
    Placement("Year 8 work taster days", "visit", 8, 3, 11, Decimal(9), "Midlands Logistics Park (demo)"),
    Placement("Year 9 work shadowing day", "shadowing", 9, 11, 10, Decimal(7), "Local employers (demo)"),
    Placement("Year 11 virtual work experience", "virtual", 11, 10, 14, Decimal(8), "Engineering firm online (demo)"),
]
# Every element of either year's checklist: the demo's placements are meaningful on both definitions.
MEANINGFUL = MeaningfulElements(**{element.field: True for element in ALL_ELEMENTS})


def _attendance_rate(learner: Learner) -> float:
    rate = 0.92
    if learner.pupil_premium or learner.free_school_meals:
        rate -= 0.22
    if learner.sen_support or learner.ehc_plan:
        rate -= 0.2
    if learner.looked_after:
        rate -= 0.3
    return rate


def build_work_experience(provider: Provider, *, years: list[int], today: dt.date, seed: int = 1) -> int:
    """Add the placements for `years` (none dated after today) and their registers; return how
    many places were attended. Refreshes the provider's tallies."""
    rng = random.Random(seed)
    learners = list(Learner.objects.filter(provider=provider).order_by("pk"))
    categories = sorted(
        c.value
        for c in categories_for(
            activity_type=ActivityType.WORKPLACE_EXPERIENCE, subtype="visit", meaningful=MEANINGFUL, year=max(years)
        )
    )
    activities: list[tuple[Activity, Placement]] = []
    for year in years:
        for item in KS3_AND_Y11:
            day = dt.date(year if item.month >= 9 else year + 1, item.month, item.day)
            if day > today:
                continue  # still to come this year
            activity = Activity(
                provider=provider,
                title=item.title,
                activity_type=ActivityType.WORKPLACE_EXPERIENCE.value,
                subtype=item.subtype,
                date=day,
                academic_year=year,
                partner=item.partner,
                hours=item.hours,
                year_groups=[item.year_group],
                **{element.field: True for element in ALL_ELEMENTS},
                categories=categories,
            )
            activities.append((activity, item))
    Activity.objects.bulk_create([a for a, _ in activities])
    ActivityCategory.objects.bulk_create(
        [ActivityCategory(activity=a, category=c) for a, _ in activities for c in a.categories]
    )
    places: list[Participation] = []
    for activity, item in activities:
        for learner in learners:
            if not learner.on_roll(activity.date) or learner.year_group_in(activity.academic_year) != item.year_group:
                continue
            attended = rng.random() < _attendance_rate(learner)
            if attended or rng.random() < 0.5:
                places.append(Participation(activity=activity, learner=learner, attended=attended))
    Participation.objects.bulk_create(places, batch_size=5000)
    tallies.refresh_provider(provider.pk)
    return sum(1 for p in places if p.attended)
