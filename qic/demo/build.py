"""The demo dataset: fictional organisations and people, one of each role.

Everything here is synthetic and labelled "(demo)"; URNs are in the 990000 range, which GIAS
does not use for real establishments in England. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from qic.accounts.actions import give_demo_device
from qic.core import audit
from qic.core.actors import DEMO_DATASET
from qic.demo.accreditation import build_accreditations
from qic.demo.careers import build_careers_programme
from qic.demo.destinations import build_destinations, build_synthetic_destination_figures
from qic.demo.employers import build_employer_directory
from qic.demo.learner_access import build_learner_access
from qic.demo.national import build_national, build_primary_demo
from qic.demo.partners import build_partners
from qic.demo.provider_access import build_provider_access
from qic.demo.work_experience import build_work_experience
from qic.domain.academic import academic_year_of
from qic.domain.provider_types import ProviderType
from qic.national.actions import compute_national_destinations, compute_national_figures, current_and_past_years
from qic.organisations import actions
from qic.organisations.models import (
    AwardingBody,
    LicenceStatus,
    Membership,
    Provider,
    Role,
    User,
)

DEMO_PASSWORD = "qic-demo-password"
SYNTHETIC_PROVIDERS = 360


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    organisation: str


BODIES = [
    # name, award validity (months), licence start
    ("Northern Careers Quality Awards (demo)", 36, dt.date(2023, 9, 1)),
    ("Two-Year Careers Mark (demo)", 24, dt.date(2024, 1, 1)),
]

PROVIDERS = [
    # urn, name, type, GIAS type, phase, LA code, LA, region, postcode, low, high, sixth form, pupils, body index
    (
        990001,
        "Riverside Academy (demo)",
        ProviderType.SECONDARY,
        "Academy converter",
        "Secondary",
        "335",
        "Walsall",
        "West Midlands",
        "WS1 1AA",
        11,
        18,
        True,
        1480,
        0,
    ),
    (
        990002,
        "Hillcrest College (demo)",
        ProviderType.FE_COLLEGE,
        "Further education",
        "16 plus",
        "331",
        "Coventry",
        "West Midlands",
        "CV1 2BB",
        16,
        99,
        False,
        5200,
        1,
    ),
    (
        990003,
        "Oakfield Special School (demo)",
        ProviderType.SPECIAL,
        "Community special school",
        "Not applicable",
        "330",
        "Birmingham",
        "West Midlands",
        "B1 3CC",
        11,
        19,
        True,
        140,
        0,
    ),
    (
        990004,
        "Beacon Learning Centre (demo)",
        ProviderType.ALTERNATIVE_PROVISION,
        "Pupil referral unit",
        "Not applicable",
        "330",
        "Birmingham",
        "West Midlands",
        "B2 4DD",
        11,
        16,
        False,
        60,
        None,
    ),
    (
        990005,
        "St Aidan's Sixth Form College (demo)",
        ProviderType.SIXTH_FORM_COLLEGE,
        "Further education",
        "16 plus",
        "392",
        "North Tyneside",
        "North East",
        "NE29 5EE",
        16,
        19,
        True,
        1900,
        1,
    ),
    (
        990006,
        "Meadow Lane Primary School (demo)",
        ProviderType.PRIMARY,
        "Community school",
        "Primary",
        "335",
        "Walsall",
        "West Midlands",
        "WS2 6FF",
        4,
        11,
        False,
        410,
        0,
    ),
    (
        990007,
        "Castle Hill School (demo)",
        ProviderType.SECONDARY,
        "Community school",
        "Secondary",
        "392",
        "North Tyneside",
        "North East",
        "NE30 7GG",
        11,
        16,
        False,
        980,
        0,
    ),
    (
        990008,
        "Kingsmead Independent School (demo)",
        ProviderType.INDEPENDENT,
        "Other independent school",
        "All-through",
        "873",
        "Cambridgeshire",
        "East of England",
        "CB1 8HH",
        3,
        18,
        True,
        720,
        None,
    ),
    # More clients, so that the Awarding Bodies have a provider at every stage of accreditation.
    (
        990009,
        "Brookside High School (demo)",
        ProviderType.SECONDARY,
        "Academy sponsor led",
        "Secondary",
        "330",
        "Birmingham",
        "West Midlands",
        "B12 9QQ",
        11,
        16,
        False,
        1100,
        0,
    ),
    (
        990010,
        "Elm Park Academy (demo)",
        ProviderType.SECONDARY,
        "Academy converter",
        "Secondary",
        "373",
        "Sheffield",
        "Yorkshire and the Humber",
        "S10 2HH",
        11,
        18,
        True,
        1350,
        0,
    ),
    (
        990011,
        "Harbour View School (demo)",
        ProviderType.SECONDARY,
        "Community school",
        "Secondary",
        "391",
        "Newcastle upon Tyne",
        "North East",
        "NE6 1LL",
        11,
        18,
        True,
        990,
        0,
    ),
    (
        990012,
        "Westgate Academy (demo)",
        ProviderType.SECONDARY,
        "Academy converter",
        "Secondary",
        "383",
        "Leeds",
        "Yorkshire and the Humber",
        "LS12 3PP",
        11,
        16,
        False,
        870,
        0,
    ),
    (
        990013,
        "Fairfield School (demo)",
        ProviderType.SECONDARY,
        "Foundation school",
        "Secondary",
        "855",
        "Leicestershire",
        "East Midlands",
        "LE11 3TT",
        11,
        18,
        True,
        1210,
        0,
    ),
]

PEOPLE = [
    # email, first, last, role, body index, provider urn
    ("consortium@demo.qic.test", "Cara", "Nolan", Role.CONSORTIUM_ADMIN, None, None),
    ("admin@northern.demo.qic.test", "Amir", "Hussain", Role.AWARDING_BODY_ADMIN, 0, None),
    ("assessor@northern.demo.qic.test", "Beth", "Okafor", Role.ASSESSOR, 0, None),
    ("assessor2@northern.demo.qic.test", "Dev", "Patel", Role.ASSESSOR, 0, None),
    ("admin@twoyear.demo.qic.test", "Grace", "Lin", Role.AWARDING_BODY_ADMIN, 1, None),
    ("assessor@twoyear.demo.qic.test", "Ian", "Moss", Role.ASSESSOR, 1, None),
    ("leader@riverside.demo.qic.test", "Jo", "Reynolds", Role.CAREERS_LEADER, None, 990001),
    ("staff@riverside.demo.qic.test", "Kemi", "Adeyemi", Role.PROVIDER_STAFF, None, 990001),
    ("governor@riverside.demo.qic.test", "Lesley", "Grant", Role.GOVERNOR, None, 990001),
    ("leader@hillcrest.demo.qic.test", "Marek", "Nowak", Role.CAREERS_LEADER, None, 990002),
    ("leader@oakfield.demo.qic.test", "Nia", "Evans", Role.CAREERS_LEADER, None, 990003),
    ("leader@meadowlane.demo.qic.test", "Owen", "Hart", Role.CAREERS_LEADER, None, 990006),
]

ASSIGNMENTS = [
    ("assessor@northern.demo.qic.test", 990001),
    ("assessor@northern.demo.qic.test", 990011),
    ("assessor@northern.demo.qic.test", 990012),
    ("assessor@northern.demo.qic.test", 990013),
    ("assessor@twoyear.demo.qic.test", 990005),
    ("assessor2@northern.demo.qic.test", 990003),
    ("assessor@twoyear.demo.qic.test", 990002),
]


@transaction.atomic
def build_demo() -> list[DemoLogin]:
    """Create the demo organisations and people if missing; return the demo log-ins."""
    actor = DEMO_DATASET
    bodies: list[AwardingBody] = []
    for name, months, start in BODIES:
        body, created = AwardingBody.objects.get_or_create(
            name=name,
            defaults={
                "licence_status": LicenceStatus.LICENSED,
                "licence_start": start,
                "licence_end": start.replace(year=start.year + 5),
                "award_validity_months": months,
                "contact_email": "office@" + name.split()[0].lower() + ".demo.qic.test",
            },
        )
        if created:
            audit.record(
                actor=actor,
                action="awarding_body.created",
                obj=body,
                after=audit.snapshot(body),
                awarding_body_id=body.pk,
            )
        bodies.append(body)
    for (
        urn,
        name,
        kind,
        gias_type,
        phase,
        la_code,
        la,
        region,
        postcode,
        low,
        high,
        sixth,
        pupils,
        body_index,
    ) in PROVIDERS:
        provider, created = Provider.objects.get_or_create(
            urn=urn,
            defaults={
                "name": name,
                "provider_type": kind.value,
                "establishment_type": gias_type,
                "phase": phase,
                "status": "Open",
                "la_code": la_code,
                "la_name": la,
                "region": region,
                "postcode": postcode,
                "statutory_low_age": low,
                "statutory_high_age": high,
                "has_sixth_form": sixth,
                "number_of_pupils": pupils,
                "awarding_body": bodies[body_index] if body_index is not None else None,
            },
        )
        if created:
            audit.record(
                actor=actor,
                action="provider.created",
                obj=provider,
                after=audit.snapshot(provider),
                provider_id=provider.pk,
            )
        elif body_index is not None and provider.awarding_body_id is None:
            actions.add_client(body=bodies[body_index], provider=provider, actor=actor)
    logins: list[DemoLogin] = []
    for email, first, last, role, person_body, person_urn in PEOPLE:
        user = User.objects.filter(email=email).first()
        person_body_obj = bodies[person_body] if person_body is not None else None
        member_of = Provider.objects.get(urn=person_urn) if person_urn else None
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first, last_name=last)
            Membership.objects.create(user=user, role=role, awarding_body=person_body_obj, provider=member_of)
            audit.record(
                actor=actor,
                action="user.joined",
                obj=user,
                after={"email": email, "role": role.value},
                awarding_body_id=person_body_obj.pk if person_body_obj else None,
                provider_id=member_of.pk if member_of else None,
            )
        # Every demo person shares the published demo authenticator key (never in production).
        give_demo_device(user=user)
        organisation = (
            person_body_obj.name
            if person_body_obj
            else member_of.name
            if member_of
            else "Quality in Careers Consortium"
        )
        logins.append(DemoLogin(role.label, email, organisation))
    _careers_records()
    school = Provider.objects.get(urn=990001)
    learner_name = build_learner_access(school, password=DEMO_PASSWORD, actor=actor)
    if learner_name:
        # A learner signs in at /learner/sign-in/ with this name and the demo password.
        logins.append(DemoLogin(Role.LEARNER.label, learner_name, school.name))
    # Placements at every step, an employer's confirmation, feedback and parents (after the learner's
    # account: that learner reflects on the completed placement).
    build_partners(school, today=timezone.localdate())
    for email, urn in ASSIGNMENTS:
        actions.assign_assessor(
            provider=Provider.objects.get(urn=urn), assessor=User.objects.get(email=email), actor=actor
        )
    today = timezone.localdate()
    build_accreditations(today=today)
    # Leavers' destinations for three cohorts, and this year's intentions (criterion 3.4).
    build_destinations(school, today=today)
    # The national pages: per-provider aggregates for the demo schools with learners, synthetic
    # providers for the analytics (with their destinations), and primary awards.
    compute_national_figures(years=current_and_past_years(today), today=today)
    compute_national_destinations(today=today)
    build_national(count=SYNTHETIC_PROVIDERS, today=today)
    build_synthetic_destination_figures(today=today)
    build_primary_demo(today=today)
    return logins


def _careers_records() -> None:
    """Five years of learners and activities at the demo secondary school and college."""
    today = timezone.localdate()
    current = academic_year_of(today)
    years = list(range(current - 4, current + 1))
    for urn, cohort_size, college in ((990001, 150, False), (990002, 220, True)):
        provider = Provider.objects.get(urn=urn)
        if not provider.learners.exists():
            build_careers_programme(
                provider, years=years, cohort_size=cohort_size, today=today, seed=urn, college=college
            )
            if not college:
                # The work-experience guarantee: Key Stage 3 placements, with gaps (DOMAIN.md §3c).
                build_work_experience(provider, years=years, today=today, seed=urn)
        if not college:
            build_provider_access(provider, today=today)
            # A small employer directory linked to this year's and last year's encounters.
            build_employer_directory(provider, years=years[-2:], actor=DEMO_DATASET)
