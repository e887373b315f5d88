"""Issue 15's loose ends: the learner page's placements in a fixed number of queries, bounces
audited, feedback links resent or withdrawn from the activity's feedback page, removed employers
purged, and the demo's employers and parents."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.organisations.models import Provider
from qic.partners import links
from qic.partners.models import Employer, PartnerLink, Placement
from tests.conftest import Cast
from tests.factories import ProviderFactory, leader_of, make_activity, make_learner

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def school() -> Provider:
    return ProviderFactory(name="Oak Hill Academy")


def _add_placements(school: Provider, learner: object, n: int) -> None:
    for i in range(n):
        employer = Employer.objects.create(provider=school, name=f"Employer {i}")
        Placement.objects.create(
            provider=school,
            learner=learner,
            employer=employer,
            start_date=TODAY + dt.timedelta(days=i),
            end_date=TODAY + dt.timedelta(days=i),
            hours=5,
        )


def test_the_learner_page_names_placements_employers_in_a_fixed_number_of_queries(
    client: Client, school: Provider
) -> None:
    client.force_login(leader_of(school))
    learner = make_learner(school)
    page = reverse("programme:learner_detail", kwargs={"urn": school.urn, "pk": learner.pk})
    _add_placements(school, learner, 1)
    with CaptureQueriesContext(connection) as one:
        assert "Employer 0" in client.get(page).content.decode()
    _add_placements(school, learner, 3)
    with CaptureQueriesContext(connection) as four:
        content = client.get(page).content.decode()
    assert all(f"Employer {i}" in content for i in range(3))
    assert len(four) == len(one)


# --- Bounces recorded from the mail service's notice are audited ---------------------------------


def _sent(school: Provider, email: str, **scope: object) -> PartnerLink:
    from qic.domain.partner_links import LinkPurpose

    purpose = LinkPurpose.PARENT if "learner" in scope else LinkPurpose.EMPLOYER_CONFIRMATION
    link, _ = links.issue(
        provider=school,
        purpose=purpose,
        recipient_name="Dana",
        by_email=False,
        actor=leader_of(school),
        **scope,  # type: ignore[arg-type]
    )
    PartnerLink.objects.filter(pk=link.pk).update(recipient_email=email, delivery=PartnerLink.Delivery.SENT)
    return link


def test_each_link_marked_bounced_has_its_audit_event(school: Provider) -> None:
    pupil = make_learner(school)
    to_parent = _sent(school, "dana@example.com", learner=pupil)
    to_employer = _sent(school, "DANA@example.com", activity=make_activity(school))
    elsewhere = _sent(school, "sam@example.com", learner=pupil)
    call_command("record_mail_bounce", "dana@example.com", "--detail", "550 mailbox unavailable", stdout=io.StringIO())
    events = AuditEvent.objects.filter(action="partner_link.bounced").order_by("pk")
    assert [(e.object_id, e.actor_label, e.learner_id_ref, e.provider_id_ref) for e in events] == [
        (str(to_parent.pk), "mail bounce notice", pupil.pk, school.pk),
        (str(to_employer.pk), "mail bounce notice", None, school.pk),
    ]
    assert events[0].after == {"delivery": "bounced", "detail": "550 mailbox unavailable"}
    assert events[0].before == {"delivery": "sent"}
    elsewhere.refresh_from_db()
    assert elsewhere.delivery == PartnerLink.Delivery.SENT
    # Recorded again: nothing is still "sent" to the address, so no second event.
    call_command("record_mail_bounce", "dana@example.com", stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="partner_link.bounced").count() == 2


def test_a_bounce_and_its_event_go_together_or_not_at_all(school: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    from qic.partners.management.commands import record_mail_bounce as command

    first = _sent(school, "a@example.com", learner=make_learner(school))
    real = command.record_bounce

    def fails_on_the_second(address: str, detail: str = "", **kwargs: object) -> int:
        if address == "b@example.com":
            raise RuntimeError("the database went away")
        return real(address, detail, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(command, "record_bounce", fails_on_the_second)
    with pytest.raises(RuntimeError):
        call_command("record_mail_bounce", "a@example.com", "b@example.com", stdout=io.StringIO())
    first.refresh_from_db()
    assert first.delivery == PartnerLink.Delivery.SENT
    assert not AuditEvent.objects.filter(action="partner_link.bounced").exists()


# --- Feedback links not yet answered: resend or withdraw from the activity's feedback page -------


def test_the_feedback_page_resends_and_withdraws_the_links_not_answered(cast: Cast, client: Client) -> None:
    from qic.domain.feedback import Respondent
    from qic.partners.feedback_actions import Recipient, request_feedback, submit_feedback

    activity = make_activity(cast.p1, title="Harbour careers talk", date=TODAY - dt.timedelta(days=3))
    waiting, answered = request_feedback(
        activity=activity,
        recipients=[
            Recipient("Sam Jones", "sam@example.com", Respondent.PARENT),
            Recipient("Ali Khan", "ali@example.com", Respondent.PARENT),
        ],
        actor=cast.p1_leader,
    )
    submit_feedback(link=answered, rating=4, went_well="Good", could_be_better="", take_part_again=None)
    page_url = reverse("partners:activity_feedback", kwargs={"urn": cast.p1.urn, "pk": activity.pk})
    resend_url = reverse("partners:link_resend", kwargs={"urn": cast.p1.urn, "pk": waiting.pk})
    withdraw_url = reverse("partners:link_withdraw", kwargs={"urn": cast.p1.urn, "pk": waiting.pk})
    client.force_login(cast.p1_leader)
    page = client.get(page_url).content.decode()
    assert resend_url in page
    assert withdraw_url in page
    # Only the link not answered has them.
    assert reverse("partners:link_withdraw", kwargs={"urn": cast.p1.urn, "pk": answered.pk}) not in page
    assert reverse("partners:link_resend", kwargs={"urn": cast.p1.urn, "pk": answered.pk}) not in page

    resent = client.post(resend_url, {"next": page_url})
    assert resent.status_code == 302
    assert resent["Location"] == page_url
    assert AuditEvent.objects.filter(action="partner_link.resent", object_id=str(waiting.pk)).count() == 1

    # Withdrawing asks first, then goes back to the feedback page.
    asked = client.get(withdraw_url, {"next": page_url}).content.decode()
    assert "Withdraw the link for Sam Jones?" in asked
    assert f'value="{page_url}"' in asked
    waiting.refresh_from_db()
    assert waiting.revoked_at is None
    done = client.post(withdraw_url, {"next": page_url})
    assert done["Location"] == page_url
    waiting.refresh_from_db()
    assert waiting.revoked_at is not None
    after = client.get(page_url).content.decode()
    assert "Not answered: the link was withdrawn" in after
    assert withdraw_url not in after
    assert resend_url not in after

    # Another school's staff cannot resend or withdraw this school's link.
    client.force_login(cast.p2_leader)
    assert client.post(resend_url.replace(str(cast.p1.urn), str(cast.p2.urn)), {"next": page_url}).status_code == 404


# --- Removed employers and contacts are purged after the period ----------------------------------


def test_removed_employers_and_contacts_are_purged_after_the_period_unless_referred_to(
    school: Provider, settings: Any
) -> None:
    from qic.core import schedule
    from qic.partners.models import ActivityEmployer, EmployerContact, ParentContact
    from qic.partners.purge import purge_removed_partners
    from qic.partners.tasks import purge_removed_partners as task

    settings.QIC_RESTORE_REMOVED_DAYS = 30
    long_ago, lately = timezone.now() - dt.timedelta(days=31), timezone.now() - dt.timedelta(days=5)
    pupil = make_learner(school)

    def employer(name: str, removed: dt.datetime | None) -> Employer:
        return Employer.objects.create(provider=school, name=name, removed_at=removed)

    gone = employer("Gone Ltd", long_ago)
    EmployerContact.objects.create(employer=gone, name="Kept with it")  # live, deleted with its employer
    with_placement = employer("Placed Ltd", long_ago)
    Placement.objects.create(
        provider=school, learner=pupil, employer=with_placement, start_date=TODAY, end_date=TODAY, hours=5
    )
    at_activity = employer("Fair Ltd", long_ago)
    ActivityEmployer.objects.create(activity=make_activity(school), employer=at_activity)
    recent = employer("Recent Ltd", lately)
    live = employer("Live Ltd", None)
    old_contact = EmployerContact.objects.create(employer=live, name="Old", removed_at=long_ago)
    new_contact = EmployerContact.objects.create(employer=live, name="New", removed_at=lately)
    old_parent = ParentContact.objects.create(learner=pupil, name="Old parent", removed_at=long_ago)
    new_parent = ParentContact.objects.create(learner=pupil, name="New parent", removed_at=lately)

    counts = purge_removed_partners(now=timezone.now(), actor=SystemActor("test purge"))
    assert counts == {"employer_contacts": 1, "parent_contacts": 1, "employers": 1, "employers_kept": 2}
    remaining = set(Employer.all_objects.values_list("name", flat=True))
    assert remaining == {"Placed Ltd", "Fair Ltd", "Recent Ltd", "Live Ltd"}
    assert not EmployerContact.all_objects.filter(employer_id=gone.pk).exists()
    assert set(EmployerContact.all_objects.values_list("pk", flat=True)) == {new_contact.pk}
    assert set(ParentContact.all_objects.values_list("pk", flat=True)) == {new_parent.pk}
    assert {recent.pk, with_placement.pk, at_activity.pk} <= set(Employer.all_objects.values_list("pk", flat=True))
    events = AuditEvent.objects.filter(action__endswith="purged").order_by("pk")
    assert [(e.action, e.object_id) for e in events] == [
        ("employer.contact_purged", str(old_contact.pk)),
        ("parent_contact.purged", str(old_parent.pk)),
        ("employer.purged", str(gone.pk)),
    ]
    assert events[1].learner_id_ref == pupil.pk
    assert events[2].after == {"contacts_deleted": 1}
    assert all("Gone" not in str(e.after) and "Old" not in str(e.after) for e in events)  # no names
    # Again: nothing left to delete; the scheduled task does the same.
    assert task.call() == {"employer_contacts": 0, "parent_contacts": 0, "employers": 0, "employers_kept": 2}
    assert schedule.job_named("purge_removed_partners").task is task


def test_an_employer_referred_to_meanwhile_is_kept_not_a_crash(
    school: Provider, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db.models import ProtectedError

    from qic.partners.purge import purge_removed_partners

    settings.QIC_RESTORE_REMOVED_DAYS = 30
    old = Employer.objects.create(provider=school, name="Raced Ltd", removed_at=timezone.now() - dt.timedelta(days=40))

    def protected(self: Employer, *args: object, **kwargs: object) -> None:
        raise ProtectedError("referred to", set())

    monkeypatch.setattr(Employer, "delete", protected)
    counts = purge_removed_partners(now=timezone.now(), actor=SystemActor("test purge"))
    assert (counts["employers"], counts["employers_kept"]) == (0, 1)
    assert Employer.all_objects.filter(pk=old.pk).exists()
    assert not AuditEvent.objects.filter(action="employer.purged").exists()  # rolled back with the delete


# --- The demo: employers and parents taking part -------------------------------------------------


def test_the_demo_school_has_placements_at_every_step_confirmation_feedback_and_parents(school: Provider) -> None:
    from qic.core.actors import DEMO_DATASET
    from qic.demo.careers import build_careers_programme
    from qic.demo.employers import build_employer_directory
    from qic.demo.learner_access import build_learner_access
    from qic.demo.partners import LEADER_EMAIL, build_partners
    from qic.domain.academic import academic_year_of
    from qic.organisations.models import Role
    from qic.partners.delivery import state_of
    from qic.partners.models import (
        EmployerConfirmation,
        FeedbackResponse,
        ParentAttendance,
        ParentContact,
        ParentPageSetting,
    )
    from qic.partners.parent_queries import parent_engagement
    from qic.programme.models import Participation, Reflection
    from tests.factories import make_member

    year = academic_year_of(TODAY)
    make_member(Role.CAREERS_LEADER, provider=school, email=LEADER_EMAIL)
    build_careers_programme(school, years=[year - 1, year], cohort_size=12, today=TODAY, seed=7)
    build_employer_directory(school, years=[year - 1, year], actor=DEMO_DATASET)
    build_learner_access(school, password="qic-demo-password", actor=DEMO_DATASET)

    build_partners(school, today=TODAY)

    placements = {p.status: p for p in Placement.objects.filter(provider=school)}
    assert set(placements) == {"proposed", "checks", "consent", "approved", "completed"}
    waiting = placements["checks"]
    assert [state_of(link).value for link in waiting.links.all()] == ["usable"]  # the employer's link, made
    assert placements["consent"].details_given_at is not None
    assert placements["approved"].consent_given is True
    assert placements["approved"].consent_link is not None  # through the parent's link
    done = placements["completed"]
    assert done.feedback_at is not None
    assert done.feedback_by.endswith(f"link #{done.links.get().pk}")
    assert done.activity is not None
    assert Participation.objects.filter(activity=done.activity, learner=done.learner, attended=True).exists()
    reflection = Reflection.objects.get(activity=done.activity, learner=done.learner)
    assert reflection.learner.account.sign_in_name.endswith(".demo")  # the demo learner, who can sign in
    assert done.activity.employer_task
    assert done.activity.employer_feedback

    confirmed = EmployerConfirmation.objects.get(activity__provider=school)
    assert confirmed.took_place
    assert confirmed.employer is not None
    responses = FeedbackResponse.objects.filter(provider=school)
    assert sorted(responses.values_list("respondent", flat=True)) == [
        "employer",
        "employer",
        "parent",
        "parent",
        "staff",
    ]
    (activity_id,) = set(responses.values_list("activity_id", flat=True))
    unanswered = PartnerLink.objects.filter(activity_id=activity_id, purpose="feedback", used_at=None)
    assert [state_of(link).value for link in unanswered] == ["usable"]

    assert ParentContact.objects.filter(learner__provider=school).count() == 6
    figures = parent_engagement(school, year, today=TODAY).total
    assert (figures.with_contact, figures.link_sent, figures.opened, figures.consented) == (6, 6, 4, 2)
    assert ParentAttendance.objects.filter(learner__provider=school).exists()
    assert ParentPageSetting.objects.get(provider=school).booking_text

    # Every step is in the audit trail; what came through a link names the link's owner.
    actions = list(AuditEvent.objects.filter(provider_id_ref=school.pk).values_list("action", "actor_label"))
    assert sum(1 for action, _ in actions if action == "placement.proposed") == 5
    submitted = [label for action, label in actions if action == "feedback.submitted"]
    assert len(submitted) == 5
    assert all("by feedback form link #" in label for label in submitted)
    assert any(action == "employer_confirmation.received" and "link #" in label for action, label in actions)
    assert any(action == "placement.consent_recorded" and "parent" in label.lower() for action, label in actions)

    # Loaded again: nothing is added.
    before = (PartnerLink.objects.count(), AuditEvent.objects.count(), ParentAttendance.objects.count())
    build_partners(school, today=TODAY)
    assert (PartnerLink.objects.count(), AuditEvent.objects.count(), ParentAttendance.objects.count()) == before
