"""Every form refuses dates that make no sense, with a message naming the field, and saves nothing.

The rules are in qic/domain/dates.py (tested there at every boundary); these tests prove the
forms, the register and the attendance imports (page and API) apply them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qic.accreditation.models import Accreditation, AdditionalRecognition, AssessmentConversation
from qic.core.models import AuditEvent
from qic.national.models import ActionPlanItem
from qic.organisations.models import AwardingBody
from qic.programme.actions import create_api_token
from qic.programme.models import Activity, Adviser, Interview, Participation
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_primary_award, make_round, make_workbook, pdf_upload
from tests.programme.test_activities import activity_post
from tests.programme.test_pages import interview_post, learner_post

TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)
YESTERDAY = TODAY - dt.timedelta(days=1)


def page_of(response: Any) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page  # the error summary
    return page


def test_an_activity_in_1900_is_refused(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post(date="1900-11-05"))
    assert response.context["form"].errors == {"date": ["The date of the activity must be on or after 1 January 2000"]}
    assert "The date of the activity must be on or after 1 January 2000" in page_of(response)
    assert not Activity.objects.exists()


def test_an_activity_more_than_a_year_ahead_is_refused_but_next_month_is_planned(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    too_far = TODAY + dt.timedelta(days=400)
    response = client.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post(date=too_far.isoformat()))
    assert "The date of the activity must be no later than" in page_of(response)
    assert not Activity.objects.exists()
    soon = TODAY + dt.timedelta(days=30)
    assert (
        client.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post(date=soon.isoformat())).status_code
        == 302
    )
    assert Activity.objects.get().date == soon


def test_editing_a_past_activity_to_1900_is_refused(client: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1)
    client.force_login(cast.p1_staff)
    response = client.post(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/", activity_post(date="1900-11-05"))
    assert "The date of the activity must be on or after 1 January 2000" in page_of(response)
    activity.refresh_from_db()
    assert activity.date == dt.date(2025, 11, 5)


def test_an_activity_with_a_register_cannot_move_into_the_future(client: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1)
    Participation.objects.create(activity=activity, learner=make_learner(cast.p1))
    client.force_login(cast.p1_staff)
    response = client.post(
        f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/", activity_post(date=TOMORROW.isoformat())
    )
    assert "The date of an activity with a register must be today or in the past" in page_of(response)
    activity.refresh_from_db()
    assert activity.date == dt.date(2025, 11, 5)


def test_an_interview_in_2030_is_refused(client: Client, cast: Cast) -> None:
    amy = make_learner(cast.p1)
    adviser = Adviser.objects.create(provider=cast.p1, name="Ada Adviser", qualification_level=7)
    client.force_login(cast.p1_staff)
    response = client.post(
        f"/providers/{cast.p1.urn}/interviews/new/", interview_post(amy.upn, adviser, date="2030-01-10")
    )
    assert response.context["form"].errors == {"date": ["The date of the interview must be today or in the past"]}
    assert "The date of the interview must be today or in the past" in page_of(response)
    assert not Interview.objects.exists()


def test_a_register_for_an_activity_that_has_not_happened_is_refused(client: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, date=TOMORROW)  # planning ahead is fine
    amy = make_learner(cast.p1)
    client.force_login(cast.p1_staff)
    response = client.post(f"/providers/{cast.p1.urn}/activities/{activity.pk}/", {"attended": [amy.pk]})
    page = page_of(response)
    assert "You cannot record who took part before the activity has happened" in page
    assert f"it is on {TOMORROW.day} {TOMORROW:%B} {TOMORROW.year}" in page
    assert not Participation.objects.exists()
    assert not AuditEvent.objects.filter(action="activity.register_updated").exists()


def test_a_register_for_todays_activity_is_saved(client: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, date=TODAY)
    amy = make_learner(cast.p1)
    client.force_login(cast.p1_staff)
    response = client.post(f"/providers/{cast.p1.urn}/activities/{activity.pk}/", {"attended": [amy.pk]})
    assert response.status_code == 302
    assert Participation.objects.get().learner == amy


REGISTER_CSV = b"UPN,Attended\r\nR201100018042,Y\r\n"


def test_an_attendance_csv_for_a_future_activity_is_refused(client: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, date=TOMORROW)
    make_learner(cast.p1)
    client.force_login(cast.p1_staff)
    response = client.post(
        f"/providers/{cast.p1.urn}/activities/{activity.pk}/attendance/",
        {"file": SimpleUploadedFile("register.csv", REGISTER_CSV, content_type="text/csv")},
    )
    page = page_of(response)
    assert "You cannot record who took part before the activity has happened" in page
    assert "Nothing was saved." in page
    assert not Participation.objects.exists()


def test_the_api_refuses_attendance_for_a_future_activity(client: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, date=TOMORROW)
    make_learner(cast.p1)
    _, plain = create_api_token(provider_id=cast.p1.pk, name="MIS", scope="read_write", actor=cast.p1_leader)
    response = client.post(
        f"/api/v1/providers/{cast.p1.urn}/activities/{activity.pk}/attendance",
        {"file": SimpleUploadedFile("register.csv", REGISTER_CSV)},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["id"], body["status"]) == (None, "refused")  # refused at once: no job
    assert body["message"].startswith("You cannot record who took part before the activity has happened")
    assert not Participation.objects.exists()


def test_a_visit_in_the_past_is_refused(client: Client, cast: Cast, edition: Any) -> None:
    accreditation = make_round(cast, "assigned")
    client.force_login(cast.ab1_admin)
    url = f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/"
    response = client.post(
        url + "steps/schedule_visit/", {"version": accreditation.version, "visit_on": YESTERDAY.isoformat()}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The date of the visit must be today or in the future." in page
    before = accreditation.stage
    accreditation.refresh_from_db()
    assert (accreditation.stage, accreditation.visit_on) == (before, None)
    client.post(url + "steps/schedule_visit/", {"version": accreditation.version, "visit_on": TODAY.isoformat()})
    accreditation.refresh_from_db()
    assert accreditation.visit_on == TODAY


def test_a_learner_of_two_or_of_a_hundred_is_refused(client: Client, cast: Cast) -> None:
    amy = make_learner(cast.p1, forename="Amy", surname="Archer")
    client.force_login(cast.p1_leader)
    url = f"/providers/{cast.p1.urn}/learners/{amy.pk}/edit/"
    toddler = TODAY.replace(year=TODAY.year - 2)
    response = client.post(url, learner_post(amy, date_of_birth=toddler.isoformat()))
    assert response.context["form"].errors == {
        "date_of_birth": ["The date of birth makes the learner 2 years old; a learner must be at least 3"]
    }
    response = client.post(url, learner_post(amy, date_of_birth="1926-01-15"))
    assert "a learner must be 25 or younger" in page_of(response)
    amy.refresh_from_db()
    assert amy.date_of_birth == dt.date(2011, 1, 15)


def test_a_learner_who_left_years_ago_can_still_be_edited(client: Client, cast: Cast) -> None:
    # Born 1995, left in 2013 aged 18: now over 25, but was a learner when they were on roll.
    old = make_learner(cast.p1, date_of_birth=dt.date(1995, 3, 1), left_on=dt.date(2013, 7, 20))
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/providers/{cast.p1.urn}/learners/{old.pk}/edit/",
        learner_post(old, forename="Renamed", left_on="2013-07-20", date_of_birth="1995-03-01"),
    )
    assert response.status_code == 302, response.context["form"].errors
    old.refresh_from_db()
    assert old.forename == "Renamed"


def test_joining_before_birth_and_a_programme_ending_in_2090_are_refused(client: Client, cast: Cast) -> None:
    amy = make_learner(cast.p1)
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/providers/{cast.p1.urn}/learners/{amy.pk}/edit/",
        learner_post(amy, joined_on="2010-09-01", programme_end="2090-07-31"),
    )
    errors = response.context["form"].errors
    assert errors["joined_on"] == ["The joining date must be after the date of birth"]
    assert errors["programme_end"][0].startswith("The programme end date must be no later than")


def test_a_compass_completed_in_the_future_is_refused(client: Client, cast: Cast, edition: Any) -> None:
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/providers/{cast.p1.urn}/accreditation/commitment/",
        {
            "commitment_url": "https://example.org/commitment",
            "compass_tool": "compass",
            "compass_completed_on": TOMORROW.isoformat(),
            "compass_report": SimpleUploadedFile("compass.pdf", pdf_upload().data),
        },
    )
    assert response.context["form"].errors == {
        "compass_completed_on": ["The date the self-assessment was completed must be today or in the past"]
    }
    assert not Accreditation.objects.exists()


def test_an_annual_review_in_the_future_is_refused(client: Client, cast: Cast, edition: Any) -> None:
    accreditation = make_round(cast, "issued")
    client.force_login(cast.assessor_assigned)
    response = client.post(
        f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/reviews/1/",
        {"held_on": TOMORROW.isoformat(), "progress": "Good progress."},
    )
    assert "The date of the review must be today or in the past" in page_of(response)
    assert accreditation.reviews.get(number=1).held_on is None


def test_a_learner_voice_conversation_in_the_future_is_refused(client: Client, cast: Cast, edition: Any) -> None:
    accreditation = make_round(cast, "scheduled")
    client.force_login(cast.assessor_assigned)
    response = client.post(
        f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/conversations/",
        {"kind": "learner_voice", "held_on": "2031-01-01", "participants": "8 pupils", "notes": "Heard."},
    )
    assert "The date of the conversation must be today or in the past" in page_of(response)
    assert not AssessmentConversation.objects.exists()


def test_recognition_given_in_the_future_is_refused(client: Client, cast: Cast) -> None:
    client.force_login(cast.ab1_admin)
    response = client.post(
        f"/providers/{cast.p1.urn}/recognition/new/",
        {"title": "Careers Fellow", "reason": "Outstanding work.", "given_on": "2031-01-01"},
    )
    assert "The date it was given must be today or in the past" in page_of(response)
    assert not AdditionalRecognition.objects.exists()


def test_an_action_due_in_the_past_is_refused(client: Client, cast: Cast) -> None:
    make_workbook(cast.p1, make_primary_award(cast.ab1))
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/providers/{cast.p1.urn}/primary/",
        {"act-action": "Invite a nurse", "act-owner": "Mrs Khan", "act-due_on": YESTERDAY.isoformat()},
    )
    assert "The due date must be today or in the future" in page_of(response)
    assert ActionPlanItem.objects.count() == 1  # the workbook's own


def test_a_licence_starting_in_1900_is_refused(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.post(
        f"/awarding-bodies/{cast.ab1.pk}/edit/",
        {
            "name": cast.ab1.name,
            "licence_status": cast.ab1.licence_status,
            "licence_start": "1900-01-01",
            "licence_end": "2028-12-31",
            "award_validity_months": 36,
        },
    )
    assert response.context["form"].errors == {
        "licence_start": ["The licence start date must be on or after 1 January 2000"]
    }
    assert AwardingBody.objects.get(pk=cast.ab1.pk).licence_start == dt.date(2024, 1, 1)
