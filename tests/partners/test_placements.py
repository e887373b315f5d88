"""Work-experience placements through their pages: proposed by staff, checked through the
employer's link, agreed through a parent's link, approved, started and completed with the
employer's feedback; the learner's reflection then makes it count for Benchmark 6, and its hours
count for the work-experience guarantee."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain import work_experience
from qic.domain.academic import academic_year_of
from qic.domain.placements import Status
from qic.organisations.models import Provider, User
from qic.partners.models import Employer, EmployerContact, Placement, PlacementDocument
from qic.programme import queries
from qic.programme.models import Activity, Participation
from tests.factories import PDF_BYTES, ProviderFactory, leader_of, make_learner, make_learner_account

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day_parts(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def url(name: str, provider: Provider, **kwargs: Any) -> str:
    return reverse(f"partners:{name}", kwargs={"urn": provider.urn, **kwargs})


@pytest.fixture
def school() -> Provider:
    return ProviderFactory(name="Oak Hill Academy")


@pytest.fixture
def leader(school: Provider) -> User:
    return leader_of(school)


@pytest.fixture
def staff(client: Client, leader: User) -> Client:
    client.force_login(leader)
    return client


@pytest.fixture
def employer(school: Provider) -> Employer:
    return Employer.objects.create(provider=school, name="Brightside Engineering", size_band="small")


@pytest.fixture
def contact(employer: Employer) -> EmployerContact:
    return EmployerContact.objects.create(employer=employer, name="Dana Park", email="dana@brightside.example")


def year_11(school: Provider, **fields: Any) -> Any:
    """A pupil in Year 11 this year, aged 16 by its end (Benchmark 6 by 16 applies to them)."""
    year = academic_year_of(TODAY)
    values = {
        "upn": "A123456789012",
        "forename": "Zara",
        "surname": "Okafor",
        "date_of_birth": dt.date(year - 16, 12, 1),
        "year_group": 11,
        "year_group_recorded_in": year,
    }
    values.update(fields)
    return make_learner(school, **values)


def propose(
    staff: Client, school: Provider, learner: Any, employer: Employer, contact: EmployerContact | None
) -> Placement:
    start, end = TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=6)
    response = staff.post(
        url("placement_new", school),
        {
            "q": "zara",
            "learner": learner.pk,
            "employer": employer.pk,
            "contact": contact.pk if contact else "",
            "role": "Design office",
            **day_parts("start_date", start),
            **day_parts("end_date", end),
            "hours": "30",
        },
    )
    assert response.status_code == 302, [str(e) for e in response.context["form"].errors.items()]
    return Placement.objects.get(learner=learner)


def employer_token(staff: Client, school: Provider, placement: Placement) -> str:
    response = staff.post(
        url("placement_employer_link", school, pk=placement.pk),
        {"recipient_name": "Dana Park", "recipient_email": "", "how": "copy"},
    )
    assert response.status_code == 200
    address = response.context["address"]
    return str(address.rstrip("/").split("/")[-1])


def parent_token(staff: Client, school: Provider, placement: Placement) -> str:
    response = staff.post(
        url("placement_consent_link", school, pk=placement.pk),
        {"recipient_name": "Grace Okafor", "recipient_email": "", "how": "copy"},
    )
    assert response.status_code == 200
    address = response.context["address"]
    assert (
        reverse("partners:placement_consent", kwargs={"token": "T" * 43, "pk": placement.pk}).split("T" * 43)[1]
        in address
    )
    return str(address.split("/link/family/")[1].split("/")[0])


def upload(client: Client, token: str, kind: str, data: bytes = PDF_BYTES, name: str = "doc.pdf", **extra: str) -> Any:
    return client.post(
        reverse("partners:placement_employer", kwargs={"token": token}),
        {
            "form": "document",
            "document-kind": kind,
            "document-file": SimpleUploadedFile(name, data, content_type="application/pdf"),
            **extra,
        },
    )


def bm6_met(school: Provider) -> int:
    figures = queries.figures_for(school, academic_year_of(TODAY), today=TODAY, edition=None)
    return figures.measure("BM6-16").total.met


def guarantee_hours(school: Provider, learner: Any) -> Decimal:
    tally = work_experience.tally(
        queries.domain_learners_on_roll(school, academic_year_of(TODAY), TODAY),
        queries.work_experience_hours(school, TODAY),
        measure_date=TODAY,
        target=work_experience.target_from(settings.QIC_WORK_EXPERIENCE_TARGET_HOURS),
    )
    return next(s.total for s in tally.standings if s.learner_id == learner.pk)


def test_the_whole_workflow_makes_benchmark_6_and_the_guarantee_hours_change(
    staff: Client, school: Provider, employer: Employer, contact: EmployerContact, settings: Any
) -> None:
    settings.QIC_BM6_EXPERIENCES_BY_16 = 1
    learner = year_11(school)
    assert bm6_met(school) == 0
    assert guarantee_hours(school, learner) == 0

    # The learner picker finds her by name.
    found = staff.get(url("placement_new", school), {"q": "okafor"})
    assert "Okafor, Zara" in found.content.decode()
    placement = propose(staff, school, learner, employer, contact)
    assert placement.status == Status.PROPOSED.value
    page = staff.get(url("placement_detail", school, pk=placement.pk)).content.decode()
    assert "the employer&#x27;s health and safety policy" in page

    # The employer's link: the placement moves on to the checks.
    token = employer_token(staff, school, placement)
    placement.refresh_from_db()
    assert placement.status == Status.CHECKS.value
    guest = Client()
    link_page = guest.get(reverse("partners:placement_employer", kwargs={"token": token}))
    assert link_page.status_code == 200
    assert "Zara Okafor" in link_page.content.decode()
    details = guest.post(
        reverse("partners:placement_employer", kwargs={"token": token}),
        {
            "form": "details",
            "details-role": "Design office",
            "details-role_confirmed": "on",
            "details-supervisor_name": "Sam Reid",
            "details-supervisor_phone": "0121 496 0000",
            "details-working_hours": "9am to 3pm",
            "details-workplace_address": "1 Forge Lane\nWalsall",
        },
    )
    assert details.status_code == 302
    for kind in ("health_and_safety", "risk_assessment"):
        assert upload(guest, token, kind).status_code == 302
    expiry = TODAY + dt.timedelta(days=200)
    assert upload(guest, token, "insurance", **day_parts("document-insurance_expires", expiry)).status_code == 302
    placement.refresh_from_db()
    assert placement.supervisor_name == "Sam Reid"
    assert placement.insurance_expires == expiry
    assert PlacementDocument.objects.filter(placement=placement).count() == 3
    uploaded = AuditEvent.objects.filter(action="placement.document_added").first()
    assert uploaded is not None
    assert "Dana Park" in uploaded.actor_label

    # Staff download a document; the checks are complete; move to consent.
    document = PlacementDocument.objects.filter(placement=placement).first()
    assert document is not None
    download = staff.get(url("placement_document", school, pk=placement.pk, doc=document.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert staff.post(url("placement_move", school, pk=placement.pk), {"to": "consent"}).status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.CONSENT.value

    # The parent's link opens the consent page of her child's placement.
    family = parent_token(staff, school, placement)
    consent_url = reverse("partners:placement_consent", kwargs={"token": family, "pk": placement.pk})
    parent = Client()
    consent_page = parent.get(consent_url).content.decode()
    assert "Brightside Engineering" in consent_page
    assert "1 Forge Lane" in consent_page
    assert "health and safety policy, insurance and risk assessment" in consent_page
    assert "doc.pdf" not in consent_page
    assert "/documents/" not in consent_page
    answered = parent.post(
        consent_url,
        {
            "consent": "yes",
            "consent_name": "Grace Okafor",
            "consent_relationship": "Mother",
            "emergency_phone": "07700 900123",
            "medical_notes": "Asthma: carries an inhaler",
        },
    )
    assert answered.status_code == 302
    placement.refresh_from_db()
    assert placement.consent_given is True
    assert placement.consent_link is not None
    assert placement.consent_link.learner_id == learner.pk
    consent_event = AuditEvent.objects.get(action="placement.consent_recorded")
    assert "Grace Okafor" in consent_event.actor_label
    assert consent_event.learner_id_ref == learner.pk

    # Approve, start.
    for step in ("approved", "in_progress"):
        assert staff.post(url("placement_move", school, pk=placement.pk), {"to": step}).status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.IN_PROGRESS.value

    # After the last day, the employer's link shows the feedback form.
    feedback_page = guest.get(reverse("partners:placement_employer", kwargs={"token": token})).content.decode()
    assert "Your feedback to the learner" in feedback_page
    sent = guest.post(
        reverse("partners:placement_employer", kwargs={"token": token}),
        {
            "form": "feedback",
            "feedback-feedback_how": "Zara was punctual and curious.",
            "feedback-feedback_task": "Redesign a bracket in CAD.",
            "feedback-feedback_strengths": "Careful measurement",
            "feedback-feedback_build_on": "Asking for help sooner",
        },
    )
    assert sent.status_code == 302

    # Complete: the activity is made through the programme's actions.
    complete = staff.get(url("placement_complete", school, pk=placement.pk)).content.decode()
    assert "Zara was punctual and curious." in complete
    done = staff.post(
        url("placement_complete", school, pk=placement.pk),
        {
            "hours_done": "28.5",
            "shared_purpose": "on",
            "preparation": "on",
            "two_way": "on",
            "extensive_interaction": "on",
            "range_of_people": "on",
            "feedback_how": "Zara was punctual and curious.",
            "feedback_task": "Redesign a bracket in CAD.",
            "feedback_strengths": "Careful measurement",
            "feedback_build_on": "Asking for help sooner",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    placement.refresh_from_db()
    assert placement.status == Status.COMPLETED.value
    activity = Activity.objects.get(pk=placement.activity_id)
    assert activity.title == "Work experience: Brightside Engineering"
    assert activity.date == placement.start_date
    assert activity.hours == Decimal("28.5")
    assert activity.partner == "Brightside Engineering"
    assert activity.year_groups == [11]
    assert activity.needs_own_reflection
    assert activity.employer_task
    assert activity.employer_feedback
    assert activity.categories == ["workplace"]
    assert Participation.objects.get(activity=activity, learner=learner).attended
    assert AuditEvent.objects.filter(action="activity.created", object_id=str(activity.pk)).exists()

    # The guarantee counts the hours now; Benchmark 6 waits for the learner's reflection.
    assert guarantee_hours(school, learner) == Decimal("28.5")
    assert bm6_met(school) == 0

    pupil = Client()
    pupil.force_login(make_learner_account(learner))
    reflected = pupil.post(
        reverse("portal:reflection", kwargs={"activity_id": activity.pk}),
        {"learnt": "How engineers test designs", "next_step": "Apply for the engineering club", "rating": "5"},
    )
    assert reflected.status_code == 302
    assert bm6_met(school) == 1
    assert guarantee_hours(school, learner) == Decimal("28.5")

    # The dashboard and the learner's page show it.
    board = staff.get(url("placement_list", school)).content.decode()
    assert "Okafor, Zara" in board
    assert "Completed" in board


def test_each_move_the_rules_refuse_is_refused_with_its_reason(
    staff: Client, school: Provider, employer: Employer, leader: User
) -> None:
    learner = year_11(school)
    placement = propose(staff, school, learner, employer, None)
    move = url("placement_move", school, pk=placement.pk)

    def refused(to: str) -> str:
        response = staff.post(move, {"to": to}, follow=True)
        placement.refresh_from_db()
        return response.content.decode()

    # Not the next step.
    assert "cannot go from" in refused("approved")
    assert placement.status == Status.PROPOSED.value
    assert staff.post(move, {"to": "checks"}).status_code == 302
    # Checks missing.
    assert "The checks are not complete" in refused("consent")
    assert placement.status == Status.CHECKS.value
    # The school's own checks, with an insurance date before the last day: still refused.
    short = placement.end_date - dt.timedelta(days=1)
    staff.post(
        url("placement_school_checks", school, pk=placement.pk),
        {"kinds": ["health_and_safety", "insurance", "risk_assessment"], **day_parts("insurance_expires", short)},
    )
    assert "insurance that lasts until the placement ends" in refused("consent")
    staff.post(
        url("placement_school_checks", school, pk=placement.pk),
        {"kinds": ["insurance"], **day_parts("insurance_expires", TODAY + dt.timedelta(days=90))},
    )
    placement.refresh_from_db()
    assert placement.insurance_checked_by == leader
    assert staff.post(move, {"to": "consent"}).status_code == 302
    # No consent yet, then a refusal on paper.
    assert "No parent or carer has given consent yet" in refused("approved")
    paper = staff.post(
        url("placement_consent_paper", school, pk=placement.pk),
        {
            "consent": "no",
            "consent_name": "Grace Okafor",
            "consent_relationship": "Mother",
            **day_parts("signed_on", TODAY),
        },
    )
    assert paper.status_code == 302
    assert "did not give consent" in refused("approved")
    assert placement.status == Status.CONSENT.value
    # Completing is its own form; an unknown step is refused.
    assert "Complete a placement with its form" in refused("completed")
    assert placement.status == Status.CONSENT.value
    assert "Choose a step" in refused("flying")
    # Cancel: a confirmation page first, then no move is possible any more.
    confirm = staff.get(url("placement_cancel", school, pk=placement.pk))
    assert "Are you sure you want to cancel this placement?" in confirm.content.decode()
    assert staff.post(move, {"to": "cancelled"}).status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.CONSENT.value  # moving to cancelled only leads to the confirmation
    assert (
        staff.post(url("placement_cancel", school, pk=placement.pk), {"reason": "Employer closed"}).status_code == 302
    )
    placement.refresh_from_db()
    assert placement.status == Status.CANCELLED.value
    assert "it cannot change any more" in refused("approved")
    again = staff.post(url("placement_cancel", school, pk=placement.pk), {"reason": "Twice"})
    assert "it cannot change any more" in again.content.decode()
    assert AuditEvent.objects.filter(action="placement.cancelled").count() == 1


def test_a_placement_cannot_start_or_complete_before_its_first_day(
    staff: Client, school: Provider, employer: Employer
) -> None:
    learner = year_11(school)
    start = TODAY + dt.timedelta(days=20)
    placement = Placement.objects.create(
        provider=school,
        learner=learner,
        employer=employer,
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        hours=Decimal(30),
        status=Status.APPROVED.value,
        health_and_safety_checked_at=timezone.now(),
        insurance_checked_at=timezone.now(),
        insurance_expires=start + dt.timedelta(days=90),
        risk_assessment_checked_at=timezone.now(),
        consent_given=True,
    )
    response = staff.post(url("placement_move", school, pk=placement.pk), {"to": "in_progress"}, follow=True)
    assert "has not started yet" in response.content.decode()
    Placement.objects.filter(pk=placement.pk).update(status=Status.IN_PROGRESS.value)
    page = staff.get(url("placement_complete", school, pk=placement.pk)).content.decode()
    assert "has not started yet" in page
    posted = staff.post(url("placement_complete", school, pk=placement.pk), {"hours_done": "30"})
    assert posted.status_code == 200
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 not a document", "policy.pdf", "must be a PDF, Word (.docx) or Excel (.xlsx)"),
        (b"", "empty.pdf", "The selected file is empty"),
        (b"PK\x03\x04broken", "policy.docx", "damaged"),
    ],
)
def test_bad_uploads_are_refused_with_their_reasons(
    staff: Client, school: Provider, employer: Employer, data: bytes, name: str, message: str
) -> None:
    placement = propose(staff, school, year_11(school), employer, None)
    token = employer_token(staff, school, placement)
    response = upload(Client(), token, "health_and_safety", data=data, name=name)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not PlacementDocument.objects.exists()


def test_an_insurance_certificate_needs_a_sensible_expiry_date(
    staff: Client, school: Provider, employer: Employer, settings: Any
) -> None:
    placement = propose(staff, school, year_11(school), employer, None)
    token = employer_token(staff, school, placement)
    guest = Client()
    missing = upload(guest, token, "insurance").content.decode()
    assert "Enter the date the insurance certificate expires" in missing
    ancient = upload(guest, token, "insurance", **day_parts("document-insurance_expires", dt.date(2001, 1, 1)))
    assert "no more than a year ago" in ancient.content.decode()
    nonsense = upload(
        guest,
        token,
        "insurance",
        **{
            "document-insurance_expires_day": "31",
            "document-insurance_expires_month": "2",
            "document-insurance_expires_year": "2027",
        },
    )
    assert nonsense.status_code == 200
    assert "There is a problem" in nonsense.content.decode()
    settings.QIC_UPLOAD_MAX_BYTES = 10
    too_big = upload(guest, token, "risk_assessment").content.decode()
    assert "must be smaller than" in too_big
    assert not PlacementDocument.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "hours", "message"),
    [
        (TODAY, TODAY - dt.timedelta(days=1), "30", "The last day must be the same as or after the first day"),
        (TODAY, TODAY + dt.timedelta(days=400), "30", "must be no later than"),
        (dt.date(1999, 6, 1), dt.date(1999, 6, 5), "30", "must be on or after"),
        (TODAY, TODAY + dt.timedelta(days=4), "0", "The hours must be more than 0"),
        (TODAY, TODAY + dt.timedelta(days=4), "250", "The hours must be 200 or fewer"),
        (TODAY, TODAY + dt.timedelta(days=4), "2.25", "one decimal place"),
        (TODAY, TODAY + dt.timedelta(days=4), "lots", "Enter a number"),
    ],
)
def test_dates_and_hours_are_checked(
    staff: Client, school: Provider, employer: Employer, start: dt.date, end: dt.date, hours: str, message: str
) -> None:
    learner = year_11(school)
    response = staff.post(
        url("placement_new", school),
        {
            "q": "zara",
            "learner": learner.pk,
            "employer": employer.pk,
            **day_parts("start_date", start),
            **day_parts("end_date", end),
            "hours": hours,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not Placement.objects.exists()


def test_the_learner_picker_offers_only_this_schools_learners_on_roll(
    staff: Client, school: Provider, employer: Employer
) -> None:
    other = ProviderFactory()
    stranger = make_learner(other, upn="B123456789012", forename="Zara", surname="Elsewhere")
    left = make_learner(school, upn="C123456789012", forename="Zara", surname="Gone", left_on=TODAY)
    page = staff.get(url("placement_new", school), {"q": "zara"}).content.decode()
    assert "Elsewhere" not in page
    assert "Gone" not in page
    response = staff.post(
        url("placement_new", school),
        {
            "q": "zara",
            "learner": stranger.pk,
            "employer": employer.pk,
            **day_parts("start_date", TODAY),
            **day_parts("end_date", TODAY),
            "hours": "6",
        },
    )
    assert response.status_code == 200
    assert "Elsewhere" not in response.content.decode()
    assert not Placement.objects.exists()
    assert left.pk


def test_the_learners_page_and_the_provider_navigation_lead_to_placements(
    staff: Client, school: Provider, employer: Employer, contact: EmployerContact
) -> None:
    learner = year_11(school)
    placement = propose(staff, school, learner, employer, contact)
    page = staff.get(reverse("programme:learner_detail", kwargs={"urn": school.urn, "pk": learner.pk})).content.decode()
    assert url("placement_detail", school, pk=placement.pk) in page
    assert f"{url('placement_new', school)}?learner={learner.pk}" in page
    assert f'href="{url("placement_list", school)}"' in page
    # The link from the learner's page chooses the learner.
    chosen = staff.get(url("placement_new", school), {"learner": learner.pk}).content.decode()
    assert re.search(rf'<input[^>]*value="{learner.pk}"[^>]*checked', chosen)
