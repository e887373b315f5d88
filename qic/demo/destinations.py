"""Destinations at the demo school, and synthetic destination figures for the national pages.

`build_destinations` gives the demo school's last three leaving cohorts (Key stage 4 and 16–18)
actual destinations, mixed as a real school's are: the sixth form (learners still on roll in Year
12 are counted there without a record, as the DfE counts them), sixth-form and FE colleges,
apprenticeships, employment, university after Year 13, a few NEET or unknown, some not sustained
and some not recorded at all; later years' destinations for the older cohorts; and intended
destinations recorded in Year 11 (and Year 13), including this year's, so the analysis can compare
intended with actual. Disadvantaged learners are a little less often in sustained destinations, so
the gap shows. Whether a destination was sustained is only known once its six months are over
(31 March): the newest cohort's mostly say "not yet known".

`build_synthetic_destination_figures` adds per-provider destination aggregates for the synthetic
national providers (`qic.demo.national`), labelled synthetic, so the Consortium's "destinations of
award holders and others" has figures. No DfE national or local-authority figures are loaded: made
up, they would look real (the comparison says "not loaded" until the Consortium loads a DfE file).

Generated data written in bulk, as the demo's careers records are (`qic.demo.careers`): seeded, so
the same day gives the same data; nothing is added to a school that has destinations already.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db import transaction

from qic.destinations import queries as destination_queries
from qic.destinations.models import Destination
from qic.domain import destinations as rules
from qic.domain.academic import KeyStage, academic_year_of
from qic.domain.destinations import Category, Kind
from qic.domain.provider_types import ProviderType
from qic.national.models import ProviderDestinationFigures, ProviderYearFigures
from qic.organisations.models import Provider, User

LEADER_EMAIL = "leader@riverside.demo.qic.test"

# Where leavers go in the first year after leaving: (category, weight, where). Weights are for
# learners who are not disadvantaged; disadvantaged learners are NEET or unknown a little more often.
AFTER_KS4 = [
    (Category.SIXTH_FORM_COLLEGE, 22, "St Aidan's Sixth Form College (demo)"),
    (Category.FE_COLLEGE, 40, "Hillcrest College (demo)"),
    (Category.APPRENTICESHIP, 10, "Engineering apprenticeship, Walsall Manufacturing (demo)"),
    (Category.OTHER_EDUCATION, 6, "Study programme, Walsall Training Centre (demo)"),
    (Category.EMPLOYMENT, 4, "Retail assistant with training (demo)"),
    (Category.TRAINING, 3, "Traineeship (demo)"),
    (Category.NEET, 5, ""),
    (Category.UNKNOWN, 4, ""),
]
AFTER_KS5 = [
    (Category.HIGHER_EDUCATION, 48, "University (demo)"),
    (Category.APPRENTICESHIP, 14, "Degree apprenticeship, Midlands Bank (demo)"),
    (Category.EMPLOYMENT, 16, "Employment (demo)"),
    (Category.FE_COLLEGE, 6, "Hillcrest College (demo)"),
    (Category.OTHER_EDUCATION, 3, "Foundation course (demo)"),
    (Category.NEET, 6, ""),
    (Category.UNKNOWN, 4, ""),
]
NOT_RECORDED = 0.04  # leavers with nothing recorded (counted as unknown)
NOT_SUSTAINED = 0.08  # a destination that did not last six months
STAGE_PLAN = {KeyStage.KS4: AFTER_KS4, KeyStage.KS5: AFTER_KS5}


def _pick(rng: random.Random, plan: Sequence[tuple[Category, int, str]], disadvantaged: bool) -> tuple[Category, str]:
    weights = [w * (2 if disadvantaged and c in (Category.NEET, Category.UNKNOWN) else 1) for c, w, _ in plan]
    category, _, where = rng.choices(plan, weights)[0]
    return category, where


def _sustained(rng: random.Random, category: Category, known_from: dt.date, today: dt.date) -> bool | None:
    """Whether the destination lasted its six months (DfE: October to March): None until then,
    except for a few known to have ended early."""
    if category in (Category.NEET, Category.UNKNOWN):
        return None
    ended_early = rng.random() < NOT_SUSTAINED
    if today < known_from:
        return False if ended_early and rng.random() < 0.4 else None
    return not ended_early


@transaction.atomic
def build_destinations(provider: Provider, *, today: dt.date, seed: int = 16) -> int:
    """Give the provider's last three leaving cohorts and this year's leavers destinations (once;
    nothing if it has any). Returns how many were added."""
    if Destination.objects.filter(provider=provider).exists():
        return 0
    rng = random.Random(seed)
    leader = User.objects.filter(email=LEADER_EMAIL).first()
    current = academic_year_of(today)
    past = rules.cohort_years(today)  # newest first
    made: list[Destination] = []

    def add(learner_id: int, kind: Kind, category: Category, on: dt.date, sustained: bool | None, where: str) -> None:
        on = min(on, today)
        try:
            rules.check_destination(kind=kind, category=category, recorded_on=on, today=today, left_on=None)
        except rules.DestinationRefused:
            return
        made.append(
            Destination(
                provider=provider,
                learner_id=learner_id,
                kind=kind.value,
                category=category.value,
                recorded_on=on,
                sustained=sustained if kind is Kind.ACTUAL else None,
                detail=where,
                source=Destination.Source.IMPORT if kind is Kind.ACTUAL else Destination.Source.ENTRY,
                created_by=leader,
            )
        )

    for stage, plan in STAGE_PLAN.items():
        cohorts = destination_queries.cohorts(provider, stage, [*past, current], today=today)
        for year, members in cohorts.items():
            for member in members:
                # Intended destinations, recorded in the spring of the final year (this year's in
                # the autumn term, so far); a learner staying on intends the sixth form.
                if rng.random() < 0.85:
                    intended, where = (
                        (Category.SCHOOL_SIXTH_FORM, "")
                        if member.stayed
                        else _pick(rng, [p for p in plan if p[0] is not Category.UNKNOWN], member.disadvantaged)
                    )
                    if intended is Category.NEET and rng.random() < 0.7:
                        intended, where = plan[0][0], plan[0][2]  # few plan to be NEET
                    on = dt.date(year + 1, 2, 10) if year < current else dt.date(year, 11, 15)
                    add(member.learner_id, Kind.INTENDED, intended, on, None, where)
                if year == current or member.stayed:
                    continue  # still at school, or in the sixth form (counted there without a record)
                if rng.random() < NOT_RECORDED:
                    continue
                category, where = _pick(rng, plan, member.disadvantaged)
                # Year 1: recorded in the autumn after leaving (the September Guarantee, then the
                # local authority's tracking); the intention was often kept.
                known_from = dt.date(year + 2, 3, 31)
                first = rng.choice([dt.date(year + 1, 10, 1), dt.date(year + 1, 10, 20), dt.date(year + 1, 11, 12)])
                sustained = _sustained(rng, category, known_from, today)
                add(member.learner_id, Kind.ACTUAL, category, first, sustained, where)
                # Later years, for those whose destination changed or was checked again.
                for n in range(2, rules.YEARS_KEPT + 1):
                    if year + n > current or rng.random() < 0.55:
                        continue
                    later, later_where = (
                        (Category.EMPLOYMENT, "Employment (demo)")
                        if category in (Category.NEET, Category.UNKNOWN) and rng.random() < 0.5
                        else (category, where)
                    )
                    if stage is KeyStage.KS4 and n == 3 and later in rules.EDUCATION and rng.random() < 0.3:
                        later, later_where = Category.HIGHER_EDUCATION, "University (demo)"
                    add(
                        member.learner_id,
                        Kind.ACTUAL,
                        later,
                        dt.date(year + n, 10, 15),
                        _sustained(rng, later, dt.date(year + n + 1, 3, 31), today),
                        later_where,
                    )
    Destination.objects.bulk_create(made, batch_size=1000)
    return len(made)


# --- Synthetic national figures ------------------------------------------------------------------

# Each type of provider's leaving cohorts: (stage, share of such providers that have it, size range).
SYNTHETIC_STAGES: dict[str, list[tuple[KeyStage, float, tuple[int, int]]]] = {
    ProviderType.SECONDARY.value: [(KeyStage.KS4, 1.0, (110, 240)), (KeyStage.KS5, 0.5, (50, 160))],
    ProviderType.SPECIAL.value: [(KeyStage.KS4, 1.0, (6, 20)), (KeyStage.KS5, 0.3, (5, 15))],
    ProviderType.ALTERNATIVE_PROVISION.value: [(KeyStage.KS4, 1.0, (5, 30))],
    ProviderType.INDEPENDENT.value: [(KeyStage.KS4, 1.0, (40, 120)), (KeyStage.KS5, 0.8, (30, 100))],
    ProviderType.FE_COLLEGE.value: [(KeyStage.KS5, 1.0, (500, 1500))],
    ProviderType.SIXTH_FORM_COLLEGE.value: [(KeyStage.KS5, 1.0, (350, 900))],
}
# Shares of a stage's leavers: sustained EET, and of those in education and in an apprenticeship.
SYNTHETIC_RATES = {KeyStage.KS4: (0.92, 0.88, 0.04), KeyStage.KS5: (0.80, 0.62, 0.12)}


@transaction.atomic
def build_synthetic_destination_figures(*, today: dt.date, seed: int = 2026) -> int:
    """Destination aggregates for the synthetic national providers' last three cohorts (once;
    nothing if any synthetic row exists). Returns how many rows were added."""
    from qic.demo.national import FIRST_URN, LAST_URN

    if ProviderDestinationFigures.objects.filter(synthetic=True).exists():
        return 0
    rng = random.Random(seed)
    years = sorted(rules.cohort_years(today))
    synthetic = Provider.objects.filter(urn__gte=FIRST_URN, urn__lte=LAST_URN)
    providers = list(synthetic.order_by("urn").values_list("pk", "provider_type"))
    held = {
        (provider_id, year): holder
        for provider_id, year, holder in ProviderYearFigures.objects.filter(
            provider__urn__gte=FIRST_URN, provider__urn__lte=LAST_URN, academic_year__in=years
        ).values_list("provider_id", "academic_year", "award_holder")
    }
    rows = []
    for provider_id, provider_type in providers:
        strength = rng.uniform(-0.06, 0.05)  # how well this provider's leavers do, whatever the year
        for stage, chance, (low, high) in SYNTHETIC_STAGES.get(provider_type, []):
            if rng.random() >= chance:
                continue
            size = rng.randint(low, high)
            for year in years:
                holder = held.get((provider_id, year), False)
                cohort = max(1, size + rng.randint(-size // 10, size // 10))
                rate, education_share, apprenticeship_share = SYNTHETIC_RATES[stage]
                rate = min(0.99, max(0.5, rate + strength + (0.02 if holder else 0.0) + rng.uniform(-0.03, 0.03)))
                unknown = round(cohort * rng.uniform(0.01, 0.04))
                in_eet = min(cohort - unknown, round(cohort * rate))
                # Until 31 March after leaving nobody's six months are over: not yet known.
                not_yet = in_eet if today < dt.date(year + 2, 3, 31) else 0
                sustained = in_eet - not_yet
                education = round(sustained * education_share)
                apprenticeship = min(sustained - education, round(sustained * apprenticeship_share))
                rows.append(
                    ProviderDestinationFigures(
                        provider_id=provider_id,
                        stage=stage.value,
                        cohort_year=year,
                        cohort=cohort,
                        sustained=sustained,
                        education=education,
                        apprenticeship=apprenticeship,
                        employment=sustained - education - apprenticeship,
                        not_sustained=cohort - unknown - in_eet,
                        unknown=unknown,
                        not_yet_known=not_yet,
                        award_holder=holder,
                        synthetic=True,
                    )
                )
    ProviderDestinationFigures.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
