"""Issue 15's loose ends: the learner page's placements in a fixed number of queries, bounces
audited, feedback links resent or withdrawn from the activity's feedback page, removed employers
purged, and the demo's employers and parents."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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
