"""Feedback after an activity (criterion 1.6): staff ask employers' contacts, staff and parents;
each gets a one-time link by email; the answer changes the activity's and the year's summaries
and the portfolio's line for criterion 1.6; the link's owner is the audit trail's actor."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qic.core.models import AuditEvent
from qic.domain.partner_links import LinkPurpose
from qic.organisations.models import Role
from qic.partners import links
from qic.partners.models import ActivityEmployer, Employer, EmployerContact, FeedbackResponse, PartnerLink
from qic.programme.actions import record_participation
from qic.programme.sign_in import save_reflection
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_member

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 11, 5)  # 2025/26


def employer_at(activity: Any, name: str = "Harbour Engineering", contact: str = "Dana Park") -> EmployerContact:
    employer = Employer.objects.create(provider=activity.provider, name=name)
    ActivityEmployer.objects.create(activity=activity, employer=employer)
    email = contact.lower().replace(" ", ".") + "@harbour.example.com"
    return EmployerContact.objects.create(employer=employer, name=contact, email=email)


def request_url(activity: Any) -> str:
    return reverse("partners:feedback_request", kwargs={"urn": activity.provider.urn, "pk": activity.pk})


def tokens_from_mail() -> dict[str, str]:
    """The token each recipient was sent, by address."""
    found = {}
    for message in mail.outbox:
        match = re.search(r"/link/feedback/([A-Za-z0-9_-]+)/", message.body)
        assert match is not None
        found[message.to[0]] = match.group(1)
    return found


def ask(client: Client, activity: Any, data: dict[str, Any], captured: Any) -> Any:
    """The check page, then the send, the mails going out as the task queue would send them."""
    check = client.post(request_url(activity), data)
    assert check.status_code == 200
    assert "Check whom to ask" in check.content.decode()
    with captured(execute=True):
        return client.post(request_url(activity), {**data, "confirm": "yes"})


def test_ask_open_answer_and_the_summaries_change(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    activity = make_activity(cast.p1, title="Harbour careers talk", date=DAY)
    contact = employer_at(activity)
    learner = make_learner(cast.p1, forename="Zephyrine", surname="Quillfeather")
    record_participation(activity=activity, attended=[learner.pk], absent=[], actor=cast.p1_leader)
    save_reflection(
        activity=activity, learner=learner, learnt="Lots", next_step="Apply", rating=5, actor=cast.p1_leader
    )
    client.force_login(cast.p1_leader)

    page = client.get(request_url(activity)).content.decode()
    assert "Dana Park, Harbour Engineering" in page
    assert cast.p1_staff.email in page
    assert cast.p2_leader.email not in page
    data = {
        "contacts": [contact.pk],
        "staff": [cast.p1_staff.pk],
        "parents": "Sam Jones <sam.jones@example.com>\nAli Khan <ali@example.com>",
    }
    response = ask(client, activity, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:activity_feedback", kwargs={"urn": cast.p1.urn, "pk": activity.pk})
    sent = PartnerLink.objects.filter(activity=activity, purpose=LinkPurpose.FEEDBACK.value)
    assert sorted(sent.values_list("respondent", flat=True)) == ["employer", "parent", "parent", "staff"]
    assert sent.get(respondent="employer").contact == contact
    assert len(mail.outbox) == 4
    tokens = tokens_from_mail()
    assert AuditEvent.objects.filter(action="feedback.requested", object_id=str(activity.pk)).count() == 1

    # The employer opens the form: the school, the activity and its date; no learner; the "again" question.
    client.logout()
    form_url = reverse("partners:feedback_form", kwargs={"token": tokens[contact.email]})
    form = client.get(form_url).content.decode()
    assert cast.p1.name in form
    assert "Harbour careers talk" in form
    assert "5 November 2025" in form
    assert "Zephyrine" not in form
    assert "Quillfeather" not in form
    assert "Would you take part in an activity like this again?" in form
    # Validation: no rating, a comment too long.
    bad = client.post(form_url, {"went_well": "x" * 2001})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "There is a problem" in body
    assert "Choose how useful the activity was for the learners" in body
    assert "Write 2000 characters or fewer" in body
    assert "Choose whether you would take part again" in body
    assert not FeedbackResponse.objects.exists()
    done = client.post(
        form_url,
        {
            "rating": "4",
            "went_well": "Zephyrine asked great questions",
            "could_be_better": "",
            "take_part_again": "yes",
        },
    )
    assert done.status_code == 200
    assert "Thank you" in done.content.decode()
    answer = FeedbackResponse.objects.get()
    assert (answer.respondent, answer.rating, answer.take_part_again) == ("employer", 4, "yes")
    assert answer.link.used_at is not None
    event = AuditEvent.objects.get(action="feedback.submitted")
    assert "Dana Park <dana.park@harbour.example.com>" in event.actor_label
    assert event.actor_id is None

    # A parent is not asked whether they would take part again; a posted answer is ignored.
    parent_url = reverse("partners:feedback_form", kwargs={"token": tokens["sam.jones@example.com"]})
    assert "take part in an activity like this again" not in client.get(parent_url).content.decode()
    client.post(parent_url, {"rating": "5", "take_part_again": "no"})
    assert FeedbackResponse.objects.get(respondent="parent").take_part_again == ""
    # Staff answer too: now three responses, enough for an average.
    client.post(
        reverse("partners:feedback_form", kwargs={"token": tokens[cast.p1_staff.email]}),
        {"rating": "3", "could_be_better": "More time for questions"},
    )

    # The activity's page: counts by kind, comments, and who has not answered (Ali Khan).
    client.force_login(cast.p1_staff)
    page = client.get(
        reverse("partners:activity_feedback", kwargs={"urn": cast.p1.urn, "pk": activity.pk})
    ).content.decode()
    assert "Zephyrine asked great questions" in page
    assert "More time for questions" in page
    assert "1 of 4 has not answered" in page
    assert "Ali Khan" in page
    assert ">4.0<" in page  # (4 + 5 + 3) / 3

    # The year's summary: aggregates, learners' reflections, no comments.
    summary = client.get(reverse("partners:feedback_summary", kwargs={"urn": cast.p1.urn}) + "?year=2025")
    text = summary.content.decode()
    assert "Feedback on 1 activity in 2025/26: 1 from employers, 1 from parents and carers, 1 from staff" in text
    assert "Learners: 1 reflection" in text
    assert "Zephyrine" not in text
    assert "More time" not in text
    export = client.get(reverse("partners:feedback_export", kwargs={"urn": cast.p1.urn}) + "?year=2025")
    assert export["Content-Type"].startswith("text/csv")
    rows = export.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Academic year,Activity type,Who,Asked,Responses")
    assert "2025/26,Employer encounter,Employers,1,1,," in rows
    assert "2025/26,All activities,Learners' own reflections,,1,," in rows


def test_a_used_link_shows_the_410_page_on_a_second_send(cast: Cast, client: Client) -> None:
    activity = make_activity(cast.p1, date=DAY)
    _link, token = links.issue(
        provider=cast.p1,
        purpose=LinkPurpose.FEEDBACK,
        recipient_name="Sam Jones",
        activity=activity,
        respondent="parent",
        by_email=False,
        actor=cast.p1_leader,
    )
    url = reverse("partners:feedback_form", kwargs={"token": token})
    assert client.post(url, {"rating": "5"}).status_code == 200
    again = client.post(url, {"rating": "1"})
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert client.get(url).status_code == 410
    assert FeedbackResponse.objects.get().rating == 5


def test_a_foreign_providers_activity_and_a_token_for_another_purpose_are_not_found(cast: Cast, client: Client) -> None:
    ours = make_activity(cast.p1, title="Alpha talk", date=DAY)
    theirs = make_activity(cast.p2, title="Beta secret visit", date=DAY)
    employer_at(theirs, name="Beta Widgets", contact="Pat Beta")
    client.force_login(cast.p1_leader)
    for name in ("partners:feedback_request", "partners:activity_feedback"):
        response = client.get(reverse(name, kwargs={"urn": cast.p1.urn, "pk": theirs.pk}))
        assert response.status_code == 404
        assert "Beta secret visit" not in response.content.decode()
        assert "Pat Beta" not in response.content.decode()
        # p2's own address, from p1's leader: 404 too.
        assert client.get(reverse(name, kwargs={"urn": cast.p2.urn, "pk": theirs.pk})).status_code == 404
    # A POST naming p2's contact to p1's activity sends nothing.
    contact = EmployerContact.objects.get(name="Pat Beta")
    response = client.post(request_url(ours), {"contacts": [contact.pk], "confirm": "yes"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PartnerLink.objects.exists()
    # A link for p2's activity opens p2's activity only; a confirmation token does not open the feedback form.
    _, token = links.issue(
        provider=cast.p2,
        purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
        recipient_name="Pat Beta",
        activity=theirs,
        by_email=False,
        actor=cast.p2_leader,
    )
    client.logout()
    wrong = client.get(reverse("partners:feedback_form", kwargs={"token": token}))
    assert wrong.status_code == 404
    assert "Beta secret visit" not in wrong.content.decode()


def test_bad_parent_lines_are_each_reported_and_nothing_is_sent(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    activity = make_activity(cast.p1, date=DAY)
    client.force_login(cast.p1_leader)
    text = "Sam Jones <sam@example.com>\nno name here\nPat <pat@nowhere>\nSam Again <SAM@example.com>"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(activity), {"parents": text, "staff": [cast.p1_staff.pk], "confirm": "yes"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Line 2 (no name here): write it as: Name &lt;email address&gt;" in body
    assert "Line 3 (Pat &lt;pat@nowhere&gt;): the email address is not valid" in body
    assert "Line 4 (Sam Again &lt;SAM@example.com&gt;): the same address is on line 1" in body
    assert not PartnerLink.objects.exists()
    assert mail.outbox == []
    # Nobody chosen at all.
    empty = client.post(request_url(activity), {"parents": "  \n"})
    assert "Choose or enter at least one person to ask for feedback" in empty.content.decode()


def test_someone_already_asked_is_not_asked_twice(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    activity = make_activity(cast.p1, date=DAY)
    client.force_login(cast.p1_leader)
    ask(client, activity, {"staff": [cast.p1_staff.pk]}, django_capture_on_commit_callbacks)
    again = client.post(
        request_url(activity), {"staff": [cast.p1_staff.pk], "parents": "Sam <sam@example.com>", "confirm": "yes"}
    )
    assert "already has a link that works for this activity" in again.content.decode()
    assert PartnerLink.objects.count() == 1


def test_feedback_is_not_asked_for_before_the_activity(cast: Cast, client: Client) -> None:
    from django.utils import timezone

    activity = make_activity(cast.p1, date=timezone.localdate() + dt.timedelta(days=7))
    client.force_login(cast.p1_leader)
    page = client.get(request_url(activity)).content.decode()
    assert "You can ask for feedback from that day" in page
    client.post(request_url(activity), {"staff": [cast.p1_staff.pk], "confirm": "yes"})
    assert not PartnerLink.objects.exists()


def test_governors_read_the_yearly_figures_but_not_the_comments(cast: Cast, client: Client) -> None:
    activity = make_activity(cast.p1, date=DAY)
    client.force_login(cast.p1_governor)
    assert client.get(reverse("partners:feedback_summary", kwargs={"urn": cast.p1.urn})).status_code == 200
    assert (
        client.get(reverse("partners:activity_feedback", kwargs={"urn": cast.p1.urn, "pk": activity.pk})).status_code
        == 403
    )
    assert client.get(request_url(activity)).status_code == 403


def _answer(provider: Any, activity: Any, respondent: str, rating: int, actor: Any, n: int) -> None:
    from qic.partners.feedback_actions import submit_feedback

    link, _ = links.issue(
        provider=provider,
        purpose=LinkPurpose.FEEDBACK,
        recipient_name=f"Person {n}",
        activity=activity,
        respondent=respondent,
        by_email=False,
        actor=actor,
    )
    submit_feedback(link=link, rating=rating, went_well="", could_be_better="", take_part_again=None)


def test_the_summary_pages_take_a_fixed_number_of_queries(cast: Cast, client: Client) -> None:
    client.force_login(cast.p1_leader)

    def counts() -> tuple[int, int, int]:
        first = activities[0]
        with CaptureQueriesContext(connection) as one:
            assert (
                client.get(reverse("partners:feedback_summary", kwargs={"urn": cast.p1.urn}) + "?year=2025").status_code
                == 200
            )
        with CaptureQueriesContext(connection) as two:
            assert (
                client.get(
                    reverse("partners:activity_feedback", kwargs={"urn": cast.p1.urn, "pk": first.pk})
                ).status_code
                == 200
            )
        with CaptureQueriesContext(connection) as three:
            client.get(request_url(first))
        return len(one), len(two), len(three)

    activities = [make_activity(cast.p1, title="Talk 0", date=DAY)]
    employer_at(activities[0], name="Employer 0", contact="Contact Zero")
    _answer(cast.p1, activities[0], "staff", 4, cast.p1_leader, 0)
    before = counts()
    for n in range(1, 5):
        activity = make_activity(
            cast.p1, title=f"Talk {n}", date=DAY, activity_type="careers_information" if n % 2 else "employer_encounter"
        )
        activities.append(activity)
        employer_at(activities[0], name=f"Employer {n}", contact=f"Contact {n}")
        make_member(Role.PROVIDER_STAFF, provider=cast.p1)
        for kind in ("employer", "parent", "staff"):
            _answer(cast.p1, activity, kind, 1 + n % 5, cast.p1_leader, n)
            _answer(cast.p1, activities[0], kind, 1 + n % 5, cast.p1_leader, n)
    assert counts() == before


def test_an_empty_send_shows_the_errors_and_a_removed_activitys_link_is_not_found(cast: Cast, client: Client) -> None:
    from qic.programme.actions import remove_activity

    activity = make_activity(cast.p1, date=DAY)
    _, token = links.issue(
        provider=cast.p1,
        purpose=LinkPurpose.FEEDBACK,
        recipient_name="Sam Jones",
        activity=activity,
        respondent="staff",
        by_email=False,
        actor=cast.p1_leader,
    )
    url = reverse("partners:feedback_form", kwargs={"token": token})
    empty = client.post(url, {})
    assert empty.status_code == 200
    assert "Choose how useful the activity was for the learners" in empty.content.decode()
    remove_activity(activity=activity, actor=cast.p1_leader)
    assert client.get(url).status_code == 404
    assert not FeedbackResponse.objects.exists()


def test_the_check_page_can_go_back_to_change_the_list(cast: Cast, client: Client) -> None:
    activity = make_activity(cast.p1, date=DAY)
    client.force_login(cast.p1_leader)
    data = {"parents": "Sam Jones <sam@example.com>\r\nAli Khan <ali@example.com>"}
    check = client.post(request_url(activity), data).content.decode()
    assert "Send 2 links" in check
    assert "Ali Khan" in check
    back = client.post(request_url(activity), {**data, "change": "yes"}).content.decode()
    assert "Ask for feedback" in back
    assert "Ali Khan &lt;ali@example.com&gt;" in back
    assert not PartnerLink.objects.exists()
