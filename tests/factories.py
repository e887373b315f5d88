"""factory_boy factories for the models tests need."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from qic.domain.provider_types import ProviderType
from qic.learners.models import Learner
from qic.organisations.models import (
    AssessorAssignment,
    AwardingBody,
    Invitation,
    LicenceStatus,
    Membership,
    Provider,
    Role,
    User,
)
from qic.programme.actions import save_activity
from qic.programme.models import Activity

TEST_PASSWORD = "correct-horse-battery-staple"


class AwardingBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardingBody

    name = factory.Sequence(lambda n: f"Awarding Body {n}")
    licence_status = LicenceStatus.LICENSED
    licence_start = dt.date(2024, 1, 1)
    licence_end = dt.date(2028, 12, 31)
    award_validity_months = 36


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    urn = factory.Sequence(lambda n: 100000 + n)
    name = factory.Sequence(lambda n: f"Test School {n}")
    provider_type = ProviderType.SECONDARY.value
    establishment_type = "Academy converter"
    phase = "Secondary"
    status = "Open"
    la_code = "335"
    la_name = "Walsall"
    region = "West Midlands"
    postcode = "WS1 1AA"
    statutory_low_age = 11
    statutory_high_age = 18


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    password = factory.django.Password(TEST_PASSWORD)


def make_member(
    role: Role, *, awarding_body: AwardingBody | None = None, provider: Provider | None = None, **user_fields: object
) -> User:
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, role=role, awarding_body=awarding_body, provider=provider)
    return user


def assign(assessor: User, provider: Provider) -> AssessorAssignment:
    assert provider.awarding_body_id is not None
    return AssessorAssignment.objects.create(
        assessor=assessor, provider=provider, awarding_body_id=provider.awarding_body_id
    )


def make_invitation(
    role: Role,
    *,
    awarding_body: AwardingBody | None = None,
    provider: Provider | None = None,
    token: str = "test-token",
    email: str = "invitee@example.org",
) -> Invitation:
    return Invitation.objects.create(
        email=email,
        first_name="Ina",
        last_name="Vitee",
        role=role,
        awarding_body=awarding_body,
        provider=provider,
        token_hash=Invitation.hash_token(token),
        expires_at=timezone.now() + dt.timedelta(days=14),
    )


# --- Learners and the careers programme -------------------------------------------------------

LEARNER_CSV = b"UPN,Forename,Surname,Date of birth,Sex,Year group\r\nR201100018042,Test,Pupil,15/01/2012,F,9\r\n"


def make_learner(provider: Provider, **fields: object) -> Learner:
    """A Year 9 pupil in 2025/26 unless told otherwise; UPN from the DfE example unless given."""
    values: dict[str, object] = {
        "upn": "R201100018042",
        "forename": "Test",
        "surname": "Pupil",
        "date_of_birth": dt.date(2011, 1, 15),
        "sex": "F",
        "year_group": 9,
        "year_group_recorded_in": 2025,
    }
    values.update(fields)
    existing = Learner.objects.filter(provider=provider, upn=values["upn"]).first() if values["upn"] else None
    return existing or Learner.objects.create(provider=provider, **values)


def make_activity(provider: Provider, **fields: object) -> Activity:
    values: dict[str, object] = {
        "title": "Employer talk",
        "activity_type": "employer_encounter",
        "subtype": "talk",
        "date": dt.date(2025, 11, 5),
        "shared_purpose": True,
        "two_way": True,
        "reflection": True,
    }
    values.update(fields)
    return save_activity(activity=Activity(provider=provider, **values), criteria=None, actor="tests")
