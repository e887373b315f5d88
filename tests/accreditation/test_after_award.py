"""After the award: annual reviews, re-issue that keeps the expiry, reaccreditation, reminders,
expiry, the Awarding Body's dashboard and additional recognition."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.accreditation import actions, queries, reminders
from qic.accreditation.models import Accreditation, AnnualReview, Award, DocumentKind
from qic.core.models import AuditEvent
from qic.domain.accreditation import ADDITIONAL_RECOGNITION_LABEL, Judgment, Stage, anniversary
from qic.domain.dates import long_date
from qic.national.queries import current_awards
from qic.organisations.models import Role
from tests.conftest import Cast
from tests.factories import ProviderFactory, assign, make_member, make_round, pdf_upload

pytestmark = pytest.mark.usefixtures("edition")


def round_url(accreditation: Accreditation) -> str:
    return f"/providers/{accreditation.provider.urn}/accreditation/{accreditation.pk}/"


def test_a_36_month_award_has_two_reviews_and_the_second_prepares_reaccreditation(cast: Cast) -> None:
    accreditation = make_round(cast, "issued")
    award = accreditation.awards.get()
    reviews = list(accreditation.reviews.order_by("number"))
    assert [(r.number, r.due_on, r.prepares_reaccreditation) for r in reviews] == [
        (1, anniversary(award.awarded_on, 1), False),
        (2, anniversary(award.awarded_on, 2), True),
    ]


def test_a_24_month_body_prepares_reaccreditation_at_its_only_review(cast: Cast) -> None:
    cast.ab1.award_validity_months = 24
    cast.ab1.save()
    accreditation = make_round(cast, "issued")
    award = accreditation.awards.get()
    assert award.expires_on == anniversary(award.awarded_on, 2) - dt.timedelta(days=1)
    assert [(r.number, r.prepares_reaccreditation) for r in accreditation.reviews.all()] == [(1, True)]


def test_the_first_review_of_a_2a_may_recommend_reissue_and_the_expiry_does_not_move(
    cast: Cast, client: Client
) -> None:
    accreditation = make_round(cast, "issued")
    award = accreditation.awards.get()
    assessor = Client()
    assessor.force_login(cast.assessor_assigned)
    response = assessor.post(
        round_url(accreditation) + "reviews/1/",
        {
            "held_on": timezone.localdate().isoformat(),
            "progress": "Year 8 encounters now planned.",
            "recommend_reissue": "on",
        },
    )
    assert response.status_code == 302
    admin = Client()
    admin.force_login(cast.ab1_admin)
    assert "Re-issue as fully meeting" in admin.get(round_url(accreditation)).content.decode()
    later = award.awarded_on + dt.timedelta(days=370)
    new = actions.reissue_award(award=award, today=later, actor=cast.ab1_admin)
    award.refresh_from_db()
    assert award.superseded
    assert (new.outcome, new.awarded_on, new.expires_on, new.replaces) == ("2b", later, award.expires_on, award)
    certificates = list(accreditation.issued_documents.filter(kind=DocumentKind.CERTIFICATE).order_by("number"))
    assert [c.content["outcome"] for c in certificates] == ["2a", "2b"]
    assert certificates[1].replaces == certificates[0]
    assert certificates[1].content["expires_on"] == award.expires_on.isoformat()
    event = AuditEvent.objects.get(action="award.reissued")
    assert event.before["expires_on"] == event.after["expires_on"] == award.expires_on.isoformat()
    assert queries.current_award(cast.p1.pk, later) == new


def test_reissue_needs_the_first_reviews_recommendation(cast: Cast) -> None:
    accreditation = make_round(cast, "issued")
    award = accreditation.awards.get()
    with pytest.raises(actions.StepRefused, match="has not recommended"):
        actions.reissue_award(award=award, today=timezone.localdate(), actor=cast.ab1_admin)
    second = accreditation.reviews.get(number=2)
    with pytest.raises(actions.StepRefused, match="only at the first review"):
        actions.record_review(
            review=second,
            held_on=timezone.localdate(),
            progress="Fine.",
            recommend_reissue=True,
            actor=cast.assessor_assigned,
        )


def test_a_2b_award_cannot_be_reissued(cast: Cast) -> None:
    accreditation = make_round(cast, "issued", judgment=Judgment.FULLY_MEETING)
    first = accreditation.reviews.get(number=1)
    with pytest.raises(actions.StepRefused, match="2a award"):
        actions.record_review(
            review=first,
            held_on=timezone.localdate(),
            progress="Fine.",
            recommend_reissue=True,
            actor=cast.assessor_assigned,
        )


def test_only_the_assigned_assessor_records_a_review(cast: Cast, client: Client) -> None:
    accreditation = make_round(cast, "issued")
    client.force_login(cast.ab1_admin)
    response = client.post(round_url(accreditation) + "reviews/1/", {"held_on": "2026-01-01", "progress": "x"})
    assert response.status_code == 403
    assert not AnnualReview.objects.filter(held_on__isnull=False).exists()


def test_reaccreditation_starts_from_the_previous_assessment(cast: Cast, client: Client) -> None:
    previous = make_round(cast, "issued")
    record = previous.criterion_records.get(criterion__code="5.1")
    record.commentary = "Employer talks every half term."
    record.save()
    client.force_login(cast.p1_leader)
    response = client.post(round_url(previous) + "reaccreditation/")
    new = Accreditation.objects.exclude(pk=previous.pk).get()
    assert response["Location"] == round_url(new)
    assert (new.stage, new.previous) == (Stage.COMMITTED, previous)
    assert new.criterion_records.get(criterion__code="5.1").commentary == "Employer talks every half term."
    # The previous report counts as evidence; the rest must be provided again.
    assert "previous_report" not in {k.code for k in queries.missing_evidence(new)}
    page = client.get(round_url(new) + "criteria/5.1/").content.decode()
    assert "At the previous assessment" in page
    assert "Comment on" in page  # the previous judgment's comment
    # Only one reaccreditation at a time.
    response = client.post(round_url(previous) + "reaccreditation/", follow=True)
    assert "already started" in response.content.decode()


def test_a_new_award_from_reaccreditation_replaces_the_old_one(cast: Cast) -> None:
    previous = make_round(cast, "issued")
    old = previous.awards.get()
    new_round = actions.start_reaccreditation(accreditation=previous, actor=cast.ab1_admin)
    assert new_round.stage == Stage.COMMITTED
    Award.objects.filter(pk=old.pk).update(superseded=False)
    # Take the new round to an award through the same steps.
    for kind in ("inspection", "destinations", "ceiag_policy", "provider_access", "compass"):
        actions.upload_evidence(
            accreditation=new_round, upload=pdf_upload(), kind=kind, title="", criterion=None, actor=cast.p1_leader
        )
    new_round.compass_completed_on = timezone.localdate()
    new_round.save()
    actions.submit_portfolio(accreditation=new_round, version=None, actor=cast.p1_leader)
    actions.assign_assessor(
        accreditation=new_round, assessor=cast.assessor_assigned, version=None, actor=cast.ab1_admin
    )
    actions.schedule_visit(accreditation=new_round, visit_on=timezone.localdate(), version=None, actor=cast.ab1_admin)
    actions.save_judgments(
        accreditation=new_round,
        judgments={r.pk: ("fully_meeting", "Seen.") for r in new_round.criterion_records.all()},
        version=None,
        actor=cast.assessor_assigned,
    )
    actions.save_summary(
        accreditation=new_round,
        key_principles_met=True,
        strengths="Sustained.",
        areas_for_development="",
        recommendations="",
        version=None,
        actor=cast.assessor_assigned,
    )
    actions.submit_judgments(accreditation=new_round, version=None, actor=cast.assessor_assigned)
    award = actions.issue_outcome(
        accreditation=new_round, version=None, today=timezone.localdate(), actor=cast.ab1_admin
    )
    old.refresh_from_db()
    assert old.superseded
    assert queries.current_award(cast.p1.pk, timezone.localdate()) == award


def test_an_expired_award_leaves_the_register_by_itself(cast: Cast) -> None:
    accreditation = make_round(cast, "issued")
    award = accreditation.awards.get()
    assert queries.current_award(cast.p1.pk, award.expires_on) == award
    assert queries.current_award(cast.p1.pk, award.expires_on + dt.timedelta(days=1)) is None


def test_reminders_are_sent_once_for_reviews_due_and_awards_expiring(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    accreditation = make_round(cast, "issued")
    award = accreditation.awards.get()
    day = anniversary(award.awarded_on, 1) - dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders.send_reminders(today=day)
    assert (sent.reviews, sent.expiries) == (1, 0)
    assert len(mail.outbox) == 1
    assert "Annual review 1" in mail.outbox[0].subject
    assert set(mail.outbox[0].to) == {"admin1@example.org", "leader1@example.org", "assessor.a@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(today=day) == reminders.RemindersSent(0, 0)
    near_expiry = award.expires_on - dt.timedelta(days=60)
    AnnualReview.objects.update(held_on=day)  # all reviews done
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", near_expiry.isoformat(), stdout=io.StringIO())
    assert f"is valid until the end of {long_date(award.expires_on)}" in mail.outbox[-1].subject
    assert len(mail.outbox) == 2


def test_the_expiry_reminder_says_what_the_register_does_on_the_expiry_day(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """The award's expiry date is its last valid day: the public register lists it all that day
    and not the day after, and the reminder says exactly that."""
    today = timezone.localdate()
    accreditation = make_round(cast, "issued")
    AnnualReview.objects.update(held_on=today)
    award = accreditation.awards.get()
    Award.objects.filter(pk=award.pk).update(expires_on=today)  # today is its expiry date
    award.refresh_from_db()
    # What the register does: on the page today, off it tomorrow.
    register = client.get("/register/").content.decode()
    assert cast.p1.name in register
    assert award in current_awards(today)
    assert award not in current_awards(today + dt.timedelta(days=1))
    last_day_listed = today
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(today=today) == reminders.RemindersSent(0, 1)
    reminder = mail.outbox[-1]
    assert reminder.subject == (
        f"The Quality in Careers award of {cast.p1.name} is valid until the end of {long_date(last_day_listed)}"
    )
    assert reminder.body == (
        f"The award of {cast.p1.name} (URN {cast.p1.urn}) is valid until the end of {long_date(last_day_listed)}. "
        f"{cast.p1.name} stays on the public register of award holders through that day and leaves it on "
        f"{long_date(last_day_listed + dt.timedelta(days=1))} unless its reaccreditation is complete by then.\n"
    )
    assert "expires on" not in reminder.subject + reminder.body
    # The day after: off the register, as the reminder said.
    Award.objects.filter(pk=award.pk).update(expires_on=today - dt.timedelta(days=1))
    assert cast.p1.name not in client.get("/register/").content.decode()


def test_an_award_made_on_29_february_is_valid_through_28_february(cast: Cast) -> None:
    """29 February 2028 for 36 months: the anniversary in 2031 is 1 March, so the award's last day
    is 28 February 2031; its reviews fall on the anniversaries, 1 March 2029 and 2030."""
    accreditation = make_round(cast, "issued", today=dt.date(2028, 2, 29))
    award = accreditation.awards.get()
    assert (award.awarded_on, award.expires_on) == (dt.date(2028, 2, 29), dt.date(2031, 2, 28))
    assert [r.due_on for r in accreditation.reviews.order_by("number")] == [dt.date(2029, 3, 1), dt.date(2030, 3, 1)]
    certificate = accreditation.issued_documents.get(kind=DocumentKind.CERTIFICATE)
    assert certificate.content["expires_on"] == "2031-02-28"
    assert award in current_awards(dt.date(2031, 2, 28))
    assert award not in current_awards(dt.date(2031, 3, 1))
    subject, _ = reminders.expiry_reminder(award)
    assert subject.endswith("is valid until the end of 28 February 2031")


def test_the_body_dashboard_shows_what_waits_in_a_fixed_number_of_queries(cast: Cast, client: Client) -> None:
    accreditation = make_round(cast, "issued")
    award = accreditation.awards.get()
    client.force_login(cast.ab1_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/accreditation/")
            assert response.status_code == 200
        return len(captured)

    few = count()
    for _ in range(4):
        provider = ProviderFactory(awarding_body=cast.ab1)
        assign(cast.assessor_assigned, provider)
        actions.request_commitment(
            provider=provider,
            commitment_url="https://example.org/c",
            compass_tool="compass",
            compass_completed_on=timezone.localdate(),
            compass_report=pdf_upload(),
            # The provider's careers leader asks (the workflow table refuses anyone else).
            actor=make_member(Role.CAREERS_LEADER, provider=provider),
        )
    assert count() == few
    # Reviews due and expiring awards appear when they fall within 90 days.
    Award.objects.filter(pk=award.pk).update(expires_on=timezone.localdate() + dt.timedelta(days=30))
    AnnualReview.objects.filter(accreditation=accreditation, number=1).update(
        due_on=timezone.localdate() + dt.timedelta(days=20)
    )
    page = client.get("/accreditation/").content.decode()
    assert page.count(cast.p1.name) >= 3  # recently issued, review due, expiring
    assert "Commitments to grant" in page


def test_additional_recognition_is_always_labelled(cast: Cast, client: Client) -> None:
    client.force_login(cast.ab1_admin)
    response = client.post(
        f"/providers/{cast.p1.urn}/recognition/new/",
        {"title": "Careers Excellence 2026", "reason": "Six years fully meeting.", "given_on": "2026-11-01"},
    )
    assert response.status_code == 302
    client.force_login(cast.p1_governor)
    page = client.get(f"/providers/{cast.p1.urn}/accreditation/").content.decode()
    assert "Careers Excellence 2026" in page
    assert ADDITIONAL_RECOGNITION_LABEL in page
    assert AuditEvent.objects.filter(action="recognition.given").exists()
