"""Demo Provider Access record for the demo secondary school, written through the real actions.

In the current academic year the school is behind in the first key phase (the Year 9s had one
encounter in Year 8 and one this autumn, and some missed one of them, with the 28 February
deadline ahead) and complete in the second (every Year 11 has had two, after a catch-up
session). The sixth form has held two encounters for Year 13 and one so far for Year 12. One
college stand at a parents' evening is marked but does not count, so the activity page shows why.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from qic.core.actors import DEMO_DATASET
from qic.domain.academic import academic_year_of
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.programme import actions
from qic.programme.models import Activity

ACTOR = DEMO_DATASET
FULL: dict[str, Any] = {
    "provider_access": True,
    "in_school_day": True,
    "access_covers_provider": True,
    "access_covers_careers": True,
    "access_covers_learning": True,
    "access_covers_questions": True,
    "shared_purpose": True,
    "preparation": True,
    "two_way": True,
    "reflection": True,
}


def _encounter(provider: Provider, title: str, day: dt.date, year_group: int, **fields: Any) -> Activity:
    values = {
        "subtype": "apprenticeship",
        "access_provider_type": "training_provider",
        "partner": "Black Country Training (demo)",
    } | FULL
    values.update(fields)
    activity = Activity(
        provider=provider,
        title=title,
        activity_type="provider_encounter",
        date=day,
        year_groups=[year_group],
        description="Demo provider-access encounter.",
        **values,
    )
    return actions.save_activity(activity=activity, criteria=None, actor=ACTOR)


def _cohort(learners: list[Learner], year_group: int, year: int, day: dt.date) -> list[Learner]:
    return [x for x in learners if x.year_group_in(year) == year_group and x.on_roll(day)]


def build_provider_access(provider: Provider, *, today: dt.date, seed: int = 7) -> None:
    """Record the demo school's provider-access encounters, registers and policy statement.
    Does nothing if the school already has provider-access encounters."""
    if Activity.objects.filter(provider=provider, provider_access=True).exists():
        return
    rng = random.Random(seed)
    current = academic_year_of(today)
    learners = list(Learner.objects.filter(provider=provider).order_by("pk"))

    def held(title: str, day: dt.date, year_group: int, rate: float, **fields: Any) -> list[Learner]:
        """Hold an encounter for `year_group` (in that day's academic year); return who attended."""
        if day > today:
            return []
        activity = _encounter(provider, title, day, year_group, **fields)
        cohort = _cohort(learners, year_group, academic_year_of(day), day)
        present = [x for x in cohort if rng.random() < rate]
        actions.record_participation(activity=activity, attended=[x.pk for x in present], absent=[], actor=ACTOR)
        return present

    # First key phase (now Year 9): once in Year 8 last year, once this autumn; some missed one.
    held(
        "UTC open morning",
        dt.date(current, 3, 12),
        8,
        0.85,
        access_provider_type="utc",
        subtype="fe_college",
        partner="Walsall Engineering UTC (demo)",
    )
    held("Apprenticeships in our region", dt.date(current, 10, 14), 9, 0.8)
    # Second key phase (now Year 11): two for everyone, with a catch-up for those who missed one.
    first = held(
        "College taster day",
        dt.date(current, 1, 21),
        10,
        0.9,
        access_provider_type="fe_college",
        subtype="fe_college",
        partner="Walsall College (demo)",
    )
    second = held("Apprenticeship providers' workshop", dt.date(current, 10, 7), 11, 0.9)
    day = dt.date(current, 11, 18)
    attended = {x.pk for x in first} | {x.pk for x in second}
    both = {x.pk for x in first} & {x.pk for x in second}
    if day <= today:
        catch_up = _encounter(
            provider,
            "Catch-up: college and apprenticeship routes",
            day,
            11,
            access_provider_type="fe_college",
            subtype="fe_college",
            partner="Walsall College (demo)",
        )
        cohort = _cohort(learners, 11, current, day)
        missing = [x.pk for x in cohort if x.pk not in both]
        actions.record_participation(activity=catch_up, attended=missing, absent=[], actor=ACTOR)
        # Anyone who missed both has a second catch-up with a training provider.
        none = [x.pk for x in cohort if x.pk not in attended]
        if none:
            again = _encounter(provider, "Catch-up: apprenticeship routes", day + dt.timedelta(days=1), 11)
            actions.record_participation(activity=again, attended=none, absent=[], actor=ACTOR)
    # Third key phase: pupils choose; the school holds the encounters.
    held(
        "Degree apprenticeships: what they are",
        dt.date(current, 4, 22),
        12,
        0.4,
        access_provider_type="university",
        subtype="university",
        partner="University of Wolverhampton (demo)",
    )
    held(
        "Higher technical qualifications fair",
        dt.date(current, 11, 4),
        13,
        0.45,
        access_provider_type="fe_college",
        subtype="fe_college",
        partner="Walsall College (demo)",
    )
    held("Apprenticeships after A levels", dt.date(current, 11, 25), 12, 0.5)
    # Marked, but held at a parents' evening: the activity page says why it does not count.
    held(
        "College stands at Year 9 parents' evening",
        dt.date(current, 11, 12),
        9,
        0.5,
        in_school_day=False,
        access_provider_type="fe_college",
        subtype="fe_college",
        partner="Walsall College (demo)",
    )
    actions.record_access_statement(
        provider=provider, url=f"https://example.org/demo/{provider.urn}/provider-access-policy", actor=ACTOR
    )
