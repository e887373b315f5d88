"""Synthetic providers for the national pages: clearly labelled, never real.

`build_national` adds providers named "… (synthetic)" in URNs from 900000, each with five years
of benchmark aggregates, and gives about a third of them an accreditation issued by one of the
demo Awarding Bodies, with every criterion judged, so the register, the analytics and the
consistency tables all have something to show. One body ("Lenient") gives higher judgments
for the same figures, which the consistency page should reveal. The bench uses the same builder
with 5,000 providers.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from qic.accreditation.models import Accreditation, Award, CriterionRecord
from qic.domain.academic import academic_year_of
from qic.domain.accreditation import Judgment, award_dates, decide_outcome
from qic.domain.provider_types import ProviderType
from qic.domain.rulesets import rule_set_for_year
from qic.frameworks.editions import edition_on
from qic.frameworks.models import Criterion
from qic.national.models import ProviderYearFigures
from qic.organisations.models import AwardingBody, LicenceStatus, Provider

FIRST_URN = 900000
LAST_URN = 989999  # the demo's own providers start at 990000
REGIONS = [
    ("North East", "Newcastle upon Tyne"),
    ("North West", "Manchester"),
    ("Yorkshire and the Humber", "Leeds"),
    ("East Midlands", "Nottingham"),
    ("West Midlands", "Birmingham"),
    ("East of England", "Norfolk"),
    ("London", "Camden"),
    ("South East", "Kent"),
    ("South West", "Devon"),
]
TYPES = [
    (ProviderType.SECONDARY, 60),
    (ProviderType.SPECIAL, 10),
    (ProviderType.FE_COLLEGE, 8),
    (ProviderType.SIXTH_FORM_COLLEGE, 5),
    (ProviderType.INDEPENDENT, 9),
    (ProviderType.ALTERNATIVE_PROVISION, 8),
]
EXTRA_BODIES = [("Lenient Careers Award (synthetic)", 36), ("Evidence First Awards (synthetic)", 36)]
WORDS = ["Oak", "Willow", "Hazel", "Rowan", "Ash", "Beech", "Maple", "Holly", "Linden", "Poplar", "Alder", "Elm"]
KINDS = ["Academy", "High School", "School", "College", "Community School", "Grammar School"]


def _bodies() -> list[AwardingBody]:
    bodies = list(AwardingBody.objects.filter(name__endswith="(demo)").order_by("name"))
    for name, months in EXTRA_BODIES:
        body, _ = AwardingBody.objects.get_or_create(
            name=name,
            defaults={
                "licence_status": LicenceStatus.LICENSED,
                "licence_start": dt.date(2022, 9, 1),
                "licence_end": dt.date(2027, 8, 31),
                "award_validity_months": months,
            },
        )
        bodies.append(body)
    return bodies


@transaction.atomic
def build_national(*, count: int, today: dt.date | None = None, seed: int = 2026) -> int:
    """Add `count` synthetic providers (idempotent: does nothing if they exist). Returns how many were added."""
    if Provider.objects.filter(urn__gte=FIRST_URN, urn__lte=LAST_URN).exists():
        return 0
    if count > LAST_URN - FIRST_URN:
        raise ValueError("Too many synthetic providers for the URN range")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    current = academic_year_of(today)
    years = list(range(current - 4, current + 1))
    bodies = _bodies()
    lenient = next(b for b in bodies if b.name.startswith("Lenient"))
    edition = edition_on(today)
    criteria = list(Criterion.objects.filter(edition=edition).select_related("section")) if edition else []
    kinds, weights = zip(*TYPES, strict=True)
    providers = []
    for n in range(count):
        region, la = REGIONS[n % len(REGIONS)]
        kind = rng.choices(kinds, weights)[0]
        providers.append(
            Provider(
                urn=FIRST_URN + n,
                name=f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} (synthetic)",
                provider_type=kind.value,
                status="Open",
                la_name=la,
                region=region,
                postcode=f"ZZ{n % 99} {n % 9}AA",
                awarding_body=rng.choice(bodies) if n % 3 == 0 else None,
            )
        )
    Provider.objects.bulk_create(providers, batch_size=1000)
    providers = list(Provider.objects.filter(urn__gte=FIRST_URN, urn__lt=FIRST_URN + count).order_by("urn"))
    figures: list[ProviderYearFigures] = []
    awards: list[tuple[Provider, AwardingBody, int, dt.date]] = []
    for provider in providers:
        strength = rng.random()  # how good the provider's careers programme is
        holder = provider.awarding_body_id is not None and strength > 0.25
        awarded_on = None
        body = next((b for b in bodies if b.pk == provider.awarding_body_id), None)
        if holder and body is not None:
            awarded_on = today - dt.timedelta(days=rng.randint(30, body.award_validity_months * 30 - 10))
        for i, year in enumerate(years):
            held = awarded_on is not None and academic_year_of(awarded_on) <= year
            # Each benchmark is fully achieved with a chance that grows with the programme's
            # strength, each year, and while the provider holds the award.
            level = min(0.97, 0.15 + 0.7 * strength + 0.03 * i + (0.08 if held else 0.0))
            percents = [100.0 if rng.random() < level else round(rng.uniform(35.0, 99.0), 1) for _ in range(8)]
            figures.append(
                ProviderYearFigures(
                    provider=provider,
                    academic_year=year,
                    benchmarks_achieved=sum(1 for p in percents if p >= 100.0),
                    award_holder=held,
                    outcome="",
                    awarding_body=body if held else None,
                    rule_set=rule_set_for_year(year).code,
                    synthetic=True,
                    **{f"bm{b + 1}": percents[b] for b in range(8)},
                )
            )
        if awarded_on is not None and body is not None:
            awards.append((provider, body, sum(1 for p in percents if p >= 100.0), awarded_on))
        elif body is not None and strength <= 0.25:
            awards.append((provider, body, -1, today - dt.timedelta(days=rng.randint(30, 300))))
    # Accreditations and their judgments: a provider's judgments follow its own figures, and the
    # lenient body judges one step higher.
    rounds: list[Accreditation] = []
    plans: list[tuple[int, list[Judgment], dt.date, AwardingBody]] = []
    for provider, body, achieved, on in awards:
        # Judgments follow the provider's own figures; the lenient body calls "fully meeting"
        # at five benchmarks where the others look for seven.
        threshold = 5 if body.pk == lenient.pk else 7
        judgments = []
        weak_section = rng.randint(2, 8)
        for criterion in criteria:
            if achieved < 0:
                j = Judgment.INSUFFICIENT if criterion.section.number == weak_section else Judgment.GOOD_PROGRESS
            elif achieved >= threshold:
                j = Judgment.GOOD_PROGRESS if rng.random() < 0.01 else Judgment.FULLY_MEETING
            else:
                j = Judgment.FULLY_MEETING if rng.random() < 0.35 else Judgment.GOOD_PROGRESS
            judgments.append(j)
        decision = decide_outcome(
            criteria={c.code: j for c, j in zip(criteria, judgments, strict=True)},
            key_principles_met=True,
            compass_up_to_date=True,
        )
        rounds.append(
            Accreditation(
                provider=provider,
                awarding_body=body,
                edition=edition,
                stage="issued",
                outcome=decision.outcome.value,
                recommended_outcome=decision.outcome.value,
                committed_on=on - dt.timedelta(days=200),
                visit_on=on - dt.timedelta(days=14),
                key_principles_met=True,
                strengths="Synthetic assessment for the demo.",
                issued_at=timezone.make_aware(dt.datetime.combine(on, dt.time(12))),
            )
        )
        plans.append((provider.pk, judgments, on, body))
    if edition is not None:
        Accreditation.objects.bulk_create(rounds, batch_size=500)
        saved = {
            a.provider_id: a
            for a in Accreditation.objects.filter(
                provider__urn__gte=FIRST_URN, provider__urn__lte=LAST_URN, stage="issued"
            )
        }
        records, made = [], []
        for provider_id, judgments, on, body in plans:
            accreditation = saved[provider_id]
            records += [
                CriterionRecord(accreditation=accreditation, criterion=c, judgment=j.value, comment="Synthetic.")
                for c, j in zip(criteria, judgments, strict=True)
            ]
            if accreditation.outcome in ("2a", "2b"):
                dates = award_dates(on, body.award_validity_months)
                made.append(
                    Award(
                        accreditation=accreditation,
                        provider_id=provider_id,
                        awarding_body=body,
                        outcome=accreditation.outcome,
                        awarded_on=dates.awarded_on,
                        expires_on=dates.expires_on,
                    )
                )
        CriterionRecord.objects.bulk_create(records, batch_size=2000)
        Award.objects.bulk_create(made, batch_size=1000)
        outcomes = {a.provider_id: (a.outcome, a.awarding_body_id, a.issued_at) for a in saved.values()}
        for row in figures:
            found = outcomes.get(row.provider_id)
            if found and found[2] is not None and academic_year_of(found[2].date()) <= row.academic_year:
                row.outcome, row.awarding_body_id = found[0], found[1]
                row.award_holder = found[0] in ("2a", "2b") and row.award_holder
    ProviderYearFigures.objects.bulk_create(figures, batch_size=2000)
    return len(providers)


PRIMARY_TASKS = [
    ("EY1", "eyfs", "People who help us", "Children meet people in different jobs through role-play and visitors."),
    ("EY2", "eyfs", "What I am good at", "Children talk about their interests and what they enjoy doing."),
    ("K1.1", "ks1", "Jobs in our community", "Visits or visitors from local workplaces, with a clear purpose."),
    ("K1.2", "ks1", "Challenging stereotypes", "Children meet people in roles that challenge gender stereotypes."),
    ("K2.1", "ks2", "Careers in every subject", "Teachers link topics to the jobs that use them."),
    ("K2.2", "ks2", "Enterprise project", "An employer-set challenge with feedback from the employer."),
    ("K2.3", "ks2", "Families and careers", "Parents and carers share their work and help plan activities."),
    ("W1", "whole", "A named lead and a plan", "A careers lead and a plan reviewed each year by governors."),
]


@transaction.atomic
def build_primary_demo(*, today: dt.date) -> None:
    """Two primary awards (one endorsed, one seeking) and a primary school's workbook (idempotent)."""
    from qic.national.models import (
        ActionPlanItem,
        EndorsementAnswer,
        EndorsementCriterion,
        PrimaryAward,
        PrimaryTask,
        PrimaryWorkbook,
        TaskMapping,
    )

    northern = AwardingBody.objects.filter(name__startswith="Northern").first()
    twoyear = AwardingBody.objects.filter(name__startswith="Two-Year").first()
    if northern is None or twoyear is None or PrimaryAward.objects.exists():
        return
    endorsed = PrimaryAward.objects.create(
        awarding_body=northern,
        name="Northern Primary Careers Award (demo)",
        description="Careers-related learning from Early Years to Key Stage 2.",
        status="endorsed",
        endorsed_on=today - dt.timedelta(days=400),
        applied_at=timezone.now() - dt.timedelta(days=430),
    )
    seeking = PrimaryAward.objects.create(
        awarding_body=twoyear,
        name="Two-Year Primary Mark (demo)",
        description="A two-year award for primary schools.",
        status="seeking",
        applied_at=timezone.now() - dt.timedelta(days=12),
    )
    for award in (endorsed, seeking):
        for position, (code, stage, title, text) in enumerate(PRIMARY_TASKS, start=1):
            PrimaryTask.objects.create(
                award=award, code=code, stage=stage, position=position, title=title, description=text
            )
        for criterion in EndorsementCriterion.objects.all():
            EndorsementAnswer.objects.create(
                award=award,
                criterion=criterion,
                answer=f"Our award asks schools to show this ({criterion.title.lower()}) with dated evidence.",
            )
    school = Provider.objects.filter(urn=990006).first()
    if school is None:
        return
    workbook = PrimaryWorkbook.objects.create(provider=school, award=endorsed, started_on=today - dt.timedelta(days=90))
    tasks = {t.code: t for t in endorsed.tasks.all()}
    for code, activity in [
        ("EY1", "Nursery visit from the fire service"),
        ("K1.1", "Year 2 trip to the local bakery"),
        ("K2.1", "Science week: meet a lab technician"),
        ("W1", "Careers lead named in the school development plan"),
    ]:
        TaskMapping.objects.create(workbook=workbook, task=tasks[code], activity=activity)
    for code, action, owner, days in [
        ("K1.2", "Invite a male nurse and a female engineer to Year 1", "Ms Patel", 40),
        ("K2.2", "Ask the business park for an enterprise challenge", "Mr Jones", 75),
        ("K2.3", "Parents' careers afternoon", "Mrs Okoro", -5),
    ]:
        ActionPlanItem.objects.create(
            workbook=workbook, task=tasks[code], action=action, owner=owner, due_on=today + dt.timedelta(days=days)
        )
