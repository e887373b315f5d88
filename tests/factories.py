"""factory_boy factories for the models tests need."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from qic.accreditation.actions import assign_assessor as assign_round
from qic.accreditation.actions import (
    grant_commitment,
    issue_outcome,
    request_commitment,
    save_judgments,
    save_summary,
    schedule_visit,
    submit_judgments,
    submit_portfolio,
    upload_evidence,
)
from qic.accreditation.models import Accreditation
from qic.accreditation.uploads import CheckedUpload, check_upload
from qic.core.actors import SystemActor
from qic.domain.academic import academic_year_of
from qic.domain.accreditation import Judgment
from qic.domain.activities import ActivityType, elements_for
from qic.domain.provider_types import ProviderType
from qic.learners.models import Learner
from qic.national.models import ActionPlanItem, PrimaryAward, PrimaryTask, PrimaryWorkbook, TaskMapping
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


def leader_of(provider: Provider) -> User:
    """The provider's careers leader (made if it has none): the person for actions only a person
    takes (`actor: User`) in tests that have no cast."""
    membership = Membership.objects.filter(provider=provider, role=Role.CAREERS_LEADER).select_related("user").first()
    return membership.user if membership else make_member(Role.CAREERS_LEADER, provider=provider)


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
    """A meaningful employer talk unless told otherwise: every element its type needs in the
    activity's academic year is ticked, except those given as False."""
    values: dict[str, object] = {
        "title": "Employer talk",
        "activity_type": "employer_encounter",
        "subtype": "talk",
        "date": dt.date(2025, 11, 5),
    }
    values.update(fields)
    kind = ActivityType(str(values["activity_type"]))
    on = values["date"]
    on = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
    values = {**{element.field: True for element in elements_for(kind, academic_year_of(on))}, **values}
    return save_activity(activity=Activity(provider=provider, **values), criteria=None, actor=SystemActor("tests"))


# --- Accreditation ---------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REQUIRED_KINDS = ("inspection", "destinations", "ceiag_policy", "provider_access")
ROUND_STAGES = ("requested", "committed", "submitted", "assigned", "scheduled", "judged", "issued")


def pdf_upload(name: str = "evidence.pdf") -> CheckedUpload:
    return check_upload(PDF_BYTES, name)


def make_round(
    cast: Any,
    until: str = "committed",
    *,
    judgment: Judgment = Judgment.GOOD_PROGRESS,
    today: dt.date | None = None,
) -> Accreditation:
    """Provider p1's accreditation with Awarding Body ab1, taken through the real actions up to
    the named stage; every criterion gets `judgment` when judged."""
    from django.utils import timezone

    today = today or timezone.localdate()
    steps = ROUND_STAGES[: ROUND_STAGES.index(until) + 1]
    accreditation = request_commitment(
        provider=cast.p1,
        commitment_url="https://example.org/careers-commitment",
        compass_tool="compass",
        compass_completed_on=today - dt.timedelta(days=30),
        compass_report=pdf_upload("compass.pdf"),
        actor=cast.p1_leader,
    )
    if "committed" in steps:
        grant_commitment(accreditation=accreditation, version=None, today=today, actor=cast.ab1_admin)
    if "submitted" in steps:
        for kind in REQUIRED_KINDS:
            upload_evidence(
                accreditation=accreditation,
                upload=pdf_upload(),
                kind=kind,
                title="",
                criterion=None,
                actor=cast.p1_leader,
            )
        submit_portfolio(accreditation=accreditation, version=None, actor=cast.p1_leader)
    if "assigned" in steps:
        assign_round(accreditation=accreditation, assessor=cast.assessor_assigned, version=None, actor=cast.ab1_admin)
    if "scheduled" in steps:
        schedule_visit(accreditation=accreditation, visit_on=today, version=None, actor=cast.ab1_admin, today=today)
    if "judged" in steps:
        save_judgments(
            accreditation=accreditation,
            judgments={r.pk: (judgment.value, f"Comment on {r.pk}") for r in accreditation.criterion_records.all()},
            version=None,
            actor=cast.assessor_assigned,
        )
        save_summary(
            accreditation=accreditation,
            key_principles_met=True,
            strengths="A strong programme.",
            areas_for_development="More employer encounters in Year 8.",
            recommendations="Plan encounters for Year 8.",
            version=None,
            actor=cast.assessor_assigned,
        )
        submit_judgments(accreditation=accreditation, version=None, actor=cast.assessor_assigned, today=today)
    if "issued" in steps:
        issue_outcome(accreditation=accreditation, version=None, today=today, actor=cast.ab1_admin)
    accreditation.refresh_from_db()
    return accreditation


# --- Primary awards ------------------------------------------------------------------------------


def make_primary_award(body: AwardingBody, *, status: str = "seeking", tasks: int = 3) -> PrimaryAward:
    award = PrimaryAward.objects.create(awarding_body=body, name=f"{body.name} Primary Award", status=status)
    stages = ["eyfs", "ks1", "ks2"]
    for n in range(tasks):
        PrimaryTask.objects.create(
            award=award, code=f"T{n + 1}", stage=stages[n % 3], position=n + 1, title=f"Task {n + 1}"
        )
    return award


def make_workbook(provider: Provider, award: PrimaryAward) -> PrimaryWorkbook:
    workbook = PrimaryWorkbook.objects.create(provider=provider, award=award, started_on=dt.date(2026, 9, 1))
    task = award.tasks.first()
    TaskMapping.objects.create(workbook=workbook, task=task, activity="Reception visit to the fire station")
    ActionPlanItem.objects.create(
        workbook=workbook, task=task, action="Invite a parent nurse", owner="Mrs Khan", due_on=dt.date(2027, 3, 1)
    )
    return workbook


def make_learner_account(
    learner: Learner, *, password: str = "a-learner-password-1", sign_in_name: str = "", year_groups: object = None
) -> User:
    """A learner user for `learner` (a sign-in name from their forename unless given) whose school
    has given their year group access (or the year groups given)."""
    from qic.learners.models import LearnerAccessPolicy, LearnerAccount
    from qic.organisations.models import sign_in_address

    name = sign_in_name or f"{learner.forename.lower()}.{learner.pk}"
    user = User.objects.create_user(
        sign_in_address(name), password, first_name=learner.forename, last_name=learner.surname
    )
    Membership.objects.create(user=user, role=Role.LEARNER, provider=learner.provider)
    LearnerAccount.objects.create(user=user, learner=learner, sign_in_name=name)
    policy, _ = LearnerAccessPolicy.objects.get_or_create(provider=learner.provider)
    today_year = academic_year_of(timezone.localdate())
    wanted = year_groups if year_groups is not None else [learner.year_group_in(today_year)]
    policy.year_groups = sorted({*policy.year_groups, *wanted})  # type: ignore[misc]
    policy.save()
    return user


def make_learner_entry(learner: Learner, **fields: object) -> Any:
    """A learner's own entry (criterion 3.3): a Saturday job unless told otherwise."""
    from qic.portal.models import LearnerEntry

    values: dict[str, object] = {"kind": "part_time_work", "title": "Saturday job at the bakery"}
    values.update(fields)
    return LearnerEntry.objects.create(learner=learner, **values)
