"""Employer confirmation by link: the school asks, the employer answers once on a page that names
no learner, and what they confirm is recorded through the programme's save, so the activity's
categories and the learners' benchmark figures follow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain.partner_links import LinkPurpose
from qic.partners import links
from qic.partners.models import ActivityEmployer, Employer, EmployerConfirmation, EmployerContact, PartnerLink
from qic.programme import queries as programme_queries
from qic.programme.actions import record_participation, remove_activity
from qic.programme.models import Activity, LearnerTally
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)
ANSWERS = {
    "took_place": "yes",
    "purpose": "To show what engineers do all day and how to get there.",
    "task": "Design a bridge from straws that holds a tin of beans.",
    "feedback": "Great questions; next time test your designs earlier.",
    "name": "Dana Park",
}


def token_in(message: Any) -> str:
    return next(word for word in message.body.split() if "/link/employer/" in word).rstrip("/").split("/")[-1]


def ask(client: Client, cast: Cast, activity: Activity, capture: Any, **data: str) -> PartnerLink:
    client.force_login(cast.p1_leader)
    with capture(execute=True):
        response = client.post(
            reverse("partners:confirmation_request", args=[cast.p1.urn, activity.pk]),
            {"name": "Dana Park", "email": "dana@example.com", "how": "email", **data},
        )
    assert response.status_code == 302, response.content.decode()
    return PartnerLink.objects.latest("pk")


def attended(activity: Activity, cast: Cast, **learner: Any) -> Any:
    pupil = make_learner(cast.p1, **learner)
    record_participation(activity=activity, attended=[pupil.pk], absent=[], actor=cast.p1_leader)
    return pupil


def test_the_whole_flow_fills_the_elements_recounts_the_figures_and_uses_the_link(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # A workplace experience that lacks what only the employer can say: it counts for nothing yet.
    activity = make_activity(
        cast.p1,
        title="Day at Harbour Engineering",
        activity_type="workplace_experience",
        subtype="",
        year_groups=[11],
        shared_purpose=False,
        employer_task=False,
        employer_feedback=False,
    )
    pupil = attended(activity, cast, forename="Zephyrine", surname="Quillfeather", year_group=11)
    assert activity.categories == []
    before = programme_queries.figures_for(cast.p1, 2025, today=TODAY, edition=None)
    assert not LearnerTally.objects.filter(learner=pupil, category="workplace").exists()
    assert before.benchmarks[5].benchmark == 6

    link = ask(client, cast, activity, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["dana@example.com"]
    token = token_in(message)
    link.refresh_from_db()
    assert link.delivery == PartnerLink.Delivery.SENT

    employer = Client()
    url = reverse("partners:employer_confirm", args=[token])
    page = employer.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Day at Harbour Engineering" in text
    assert cast.p1.name in text
    assert "1 learner took part" in text
    assert "Year 11" in text
    assert "Zephyrine" not in text
    assert "Quillfeather" not in text
    link.refresh_from_db()
    assert link.open_count == 1
    assert link.first_opened_at is not None

    thanks = employer.post(url, ANSWERS)
    assert thanks.status_code == 200
    assert "Thank you" in thanks.content.decode()

    activity.refresh_from_db()
    assert (activity.shared_purpose, activity.employer_task, activity.employer_feedback) == (True, True, True)
    assert activity.categories == ["workplace"]
    assert LearnerTally.objects.get(learner=pupil, category="workplace", academic_year=2025).count == 1
    after = programme_queries.figures_for(cast.p1, 2025, today=TODAY, edition=None)
    # Benchmark 6 asks for two experiences by 16: the one confirmed is counted towards them.
    assert [m.total.eligible for m in after.benchmarks[5].measures] == [
        m.total.eligible for m in before.benchmarks[5].measures
    ]
    confirmation = EmployerConfirmation.objects.get()
    assert confirmation.took_place
    assert confirmation.confirmed_by_name == "Dana Park"
    assert confirmation.activity_id == activity.pk
    link.refresh_from_db()
    assert link.used_at is not None

    # Audited with the link's owner as the actor: the answers and the activity's change.
    received = AuditEvent.objects.get(action="employer_confirmation.received")
    assert "Dana Park <dana@example.com>" in received.actor_label
    assert f"link #{link.pk}" in received.actor_label
    updated = AuditEvent.objects.filter(action="activity.updated").latest("pk")
    assert "Dana Park <dana@example.com>" in updated.actor_label

    # The link works once.
    again = employer.post(url, ANSWERS)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert EmployerConfirmation.objects.count() == 1

    # The school sees it on the activity page.
    page = client.get(reverse("programme:activity_detail", args=[cast.p1.urn, activity.pk]))
    shown = page.content.decode()
    assert "Confirmed by the employer" in shown
    assert "Design a bridge from straws" in shown


def test_an_encounter_confirmed_by_the_employer_counts_for_benchmark_5(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    activity = make_activity(cast.p1, shared_purpose=False)
    pupil = attended(activity, cast)
    assert activity.categories == []

    def bm5() -> float | None:
        figures = programme_queries.figures_for(cast.p1, 2025, today=TODAY, edition=None)
        return {r.benchmark: r.percent for r in figures.benchmarks}[5]

    assert bm5() == 0.0
    ask(client, cast, activity, django_capture_on_commit_callbacks)
    url = reverse("partners:employer_confirm", args=[token_in(mail.outbox[0])])
    Client().post(url, {"took_place": "yes", "purpose": "Meet an architect", "name": "Dana Park"})
    activity.refresh_from_db()
    assert activity.categories == ["employer"]
    assert (activity.employer_task, activity.employer_feedback) == (False, False)
    assert LearnerTally.objects.filter(learner=pupil, category="employer").exists()
    assert bm5() == 100.0


def test_did_not_take_place_changes_nothing_and_is_flagged_to_the_school(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    activity = make_activity(cast.p1, shared_purpose=False)
    ask(client, cast, activity, django_capture_on_commit_callbacks)
    url = reverse("partners:employer_confirm", args=[token_in(mail.outbox[0])])
    response = Client().post(
        url, {"took_place": "no", "not_held_reason": "Snow closed our office", "purpose": "ignored", "name": "Dana"}
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.categories == []
    assert not activity.shared_purpose
    confirmation = EmployerConfirmation.objects.get()
    assert not confirmation.took_place
    assert confirmation.purpose == ""
    assert not AuditEvent.objects.filter(action="activity.updated", object_id=str(activity.pk)).exists()
    page = client.get(reverse("programme:activity_detail", args=[cast.p1.urn, activity.pk])).content.decode()
    assert "did not take place: Snow closed our office" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Dana"}, "Say whether the activity took place"),
        ({"took_place": "no", "name": "Dana"}, "Say why the activity did not take place"),
        ({"took_place": "yes", "name": "Dana"}, "Say what the activity was for"),
        ({**ANSWERS, "name": ""}, "Enter your name"),
        ({**ANSWERS, "feedback": "x" * 2001}, "2000 characters"),
        ({"took_place": "maybe", "name": "Dana"}, "Select a valid choice"),
    ],
)
def test_the_employers_answers_are_checked_with_an_error_summary(
    cast: Cast, data: dict[str, str], message: str
) -> None:
    activity = make_activity(cast.p1, shared_purpose=False)
    _, token = links.issue(
        provider=cast.p1,
        purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
        recipient_name="Dana",
        activity=activity,
        by_email=False,
        actor=cast.p1_leader,
    )
    assert token
    response = Client().post(reverse("partners:employer_confirm", args=[token]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert message in text
    assert not EmployerConfirmation.objects.exists()
    assert PartnerLink.objects.get().used_at is None


def test_a_copied_link_is_shown_once_and_a_directory_contact_can_be_chosen(cast: Cast, client: Client) -> None:
    activity = make_activity(cast.p1)
    employer = Employer.objects.create(provider=cast.p1, name="Harbour Engineering")
    contact = EmployerContact.objects.create(employer=employer, name="Sam Lee", email="sam@harbour.example")
    ActivityEmployer.objects.create(activity=activity, employer=employer)
    other = Employer.objects.create(provider=cast.p2, name="Beta Bakery")
    foreign = EmployerContact.objects.create(employer=other, name="Bo Baker", email="bo@bakery.example")
    client.force_login(cast.p1_staff)
    url = reverse("partners:confirmation_request", args=[cast.p1.urn, activity.pk])
    form = client.get(url).content.decode()
    assert "Sam Lee, Harbour Engineering" in form
    assert "Bo Baker" not in form

    refused = client.post(url, {"contact": foreign.pk, "how": "copy"})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    assert not PartnerLink.objects.exists()

    shown = client.post(url, {"contact": contact.pk, "how": "copy"})
    assert shown.status_code == 200
    link = PartnerLink.objects.get()
    assert (link.employer, link.contact, link.recipient_name) == (employer, contact, "Sam Lee")
    assert link.delivery == PartnerLink.Delivery.NOT_SENT
    address = next(w for w in shown.content.decode().split('"') if "/link/employer/" in w)
    assert Client().get(address).status_code == 200
    # Only its hash is kept: the activity page cannot show it again.
    token = address.rstrip("/").split("/")[-1]
    page = client.get(reverse("programme:activity_detail", args=[cast.p1.urn, activity.pk])).content.decode()
    assert token not in page
    assert "made for Sam Lee to copy" in page
    assert not mail.outbox


def test_the_request_form_is_checked(cast: Cast, client: Client) -> None:
    activity = make_activity(cast.p1)
    client.force_login(cast.p1_leader)
    url = reverse("partners:confirmation_request", args=[cast.p1.urn, activity.pk])
    for data, message in [
        ({"how": "email"}, "enter the person&#x27;s name"),
        ({"name": "Dana", "how": "email"}, "Enter their email address"),
        ({"name": "Dana", "email": "not an address", "how": "email"}, "correct format"),
        ({"name": "Dana"}, "Choose how the link should reach them"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not PartnerLink.objects.exists()


def test_resend_and_withdraw_from_the_activity_page(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    activity = make_activity(cast.p1)
    link = ask(client, cast, activity, django_capture_on_commit_callbacks)
    first = token_in(mail.outbox[0])
    detail = reverse("programme:activity_detail", args=[cast.p1.urn, activity.pk])
    page = client.get(detail).content.decode()
    assert "sent to Dana Park (dana@example.com)" in page
    assert "Resend" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partners:link_resend", args=[cast.p1.urn, link.pk]), {"next": detail})
    assert response.status_code == 302
    assert response["Location"] == detail
    assert len(mail.outbox) == 2
    assert Client().get(reverse("partners:employer_confirm", args=[first])).status_code == 404
    second = token_in(mail.outbox[1])

    withdraw = reverse("partners:link_withdraw", args=[cast.p1.urn, link.pk])
    confirm_page = client.get(withdraw, {"next": detail})
    assert confirm_page.status_code == 200
    assert "Yes, withdraw this link" in confirm_page.content.decode()
    response = client.post(withdraw, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("partners:link_list", args=[cast.p1.urn])
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.revoked_by == cast.p1_leader
    assert Client().get(reverse("partners:employer_confirm", args=[second])).status_code == 410
    assert "Withdrawn" in client.get(detail).content.decode()


def test_a_link_to_a_removed_activity_says_so(cast: Cast) -> None:
    activity = make_activity(cast.p1)
    _, token = links.issue(
        provider=cast.p1,
        purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
        recipient_name="Dana",
        activity=activity,
        by_email=False,
        actor=cast.p1_leader,
    )
    remove_activity(activity=activity, actor=cast.p1_leader)
    response = Client().get(reverse("partners:employer_confirm", args=[token]))
    assert response.status_code == 410
    assert "Employer talk" not in response.content.decode()


def test_the_activity_page_keeps_a_fixed_number_of_queries(
    cast: Cast, client: Client, django_assert_max_num_queries: Any
) -> None:
    activity = make_activity(cast.p1)
    client.force_login(cast.p1_leader)
    url = reverse("programme:activity_detail", args=[cast.p1.urn, activity.pk])

    def issue(n: int) -> None:
        for i in range(n):
            link, _ = links.issue(
                provider=cast.p1,
                purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
                recipient_name=f"Employer {i}",
                activity=activity,
                by_email=False,
                actor=cast.p1_leader,
            )
            EmployerConfirmation.objects.create(
                link=link,
                activity=activity,
                took_place=True,
                purpose="p",
                confirmed_by_name=f"Employer {i}",
                confirmed_at=timezone.now(),
            )

    issue(1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    issue(5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("Confirmed by the employer</strong>") == 6
