"""Parents and carers by link: contacts, the careers link (one learner's page only), sending to a
group, attendance at parents' careers events, the engagement figures for criterion 2.2 (counts
only, fixed queries), and the parents' data in subject access and anonymisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain.academic import academic_year_of
from qic.domain.partner_links import LinkPurpose
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.partners import links, parent_actions, parent_queries
from qic.partners.models import Employer, ParentAttendance, ParentContact, ParentPageSetting, PartnerLink, Placement
from qic.programme import data_protection, subject_access
from qic.programme.models import Adviser, Interview, Participation
from tests.factories import ProviderFactory, leader_of, make_activity, make_learner

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = academic_year_of(TODAY)


def pupil(provider: Provider, forename: str, upn: str, year_group: int = 10, **fields: Any) -> Learner:
    return make_learner(
        provider, upn=upn, forename=forename, surname=f"{forename}son", year_group=year_group,
        year_group_recorded_in=YEAR, **fields,
    )  # fmt: skip


UPNS = iter(f"A{n:012d}" for n in range(100000, 999999))


def contact(learner: Learner, name: str, email: str = "") -> ParentContact:
    return parent_actions.save_contact(
        contact=ParentContact(learner=learner, name=name, email=email), actor=leader_of(learner.provider)
    )


def copied_link(learner: Learner, name: str = "A parent") -> tuple[PartnerLink, str]:
    link, token = links.issue(
        provider=learner.provider,
        purpose=LinkPurpose.PARENT,
        recipient_name=name,
        learner=learner,
        by_email=False,
        actor=leader_of(learner.provider),
    )
    assert token
    return link, token


def signed_in(client: Client, provider: Provider) -> Client:
    client.force_login(leader_of(provider))
    return client


# --- Contacts ----------------------------------------------------------------------------------------


def test_contacts_are_added_changed_and_removed_with_audit_events(client: Client) -> None:
    school = ProviderFactory()
    amy = pupil(school, "Amy", next(UPNS))
    signed_in(client, school)
    page = reverse("partners:learner_parents", args=[school.urn, amy.pk])
    refused = client.post(page, {"name": " ", "relationship": "parent", "email": "not-an-email"})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    assert "Enter the parent or carer&#x27;s name" in refused.content.decode()
    response = client.post(page, {"name": "Mo  Amyson", "relationship": "carer", "email": "mo@example.com"})
    assert response.status_code == 302
    mo = ParentContact.objects.get(learner=amy)
    assert mo.name == "Mo Amyson"
    added = AuditEvent.objects.get(action="parent_contact.added")
    assert added.learner_id_ref == amy.pk
    edit = reverse("partners:parent_contact_edit", args=[school.urn, amy.pk, mo.pk])
    assert (
        client.post(edit, {"name": "Mo Amyson", "relationship": "guardian", "phone": "0161 496 0000"}).status_code
        == 302
    )
    mo.refresh_from_db()
    assert (mo.relationship, mo.email, mo.phone) == ("guardian", "", "0161 496 0000")
    assert AuditEvent.objects.filter(action="parent_contact.changed", learner_id_ref=amy.pk).count() == 1
    listing = client.get(page).content.decode()
    assert "Mo Amyson" in listing
    assert "Guardian" in listing
    remove = reverse("partners:parent_contact_remove", args=[school.urn, amy.pk, mo.pk])
    assert "Yes, remove this contact" in client.get(remove).content.decode()
    assert ParentContact.objects.filter(pk=mo.pk).exists()
    assert client.post(remove).status_code == 302
    assert not ParentContact.objects.filter(pk=mo.pk).exists()
    assert ParentContact.all_objects.get(pk=mo.pk).removed_at is not None
    assert AuditEvent.objects.filter(action="parent_contact.removed", learner_id_ref=amy.pk).count() == 1


def test_another_schools_learner_and_contact_are_not_found(client: Client) -> None:
    school, other = ProviderFactory(), ProviderFactory()
    cara = pupil(other, "Cara", next(UPNS))
    cara_mum = contact(cara, "Cara's mum", "cara.mum@example.com")
    amy = pupil(school, "Amy", next(UPNS))
    signed_in(client, school)
    assert client.get(reverse("partners:learner_parents", args=[school.urn, cara.pk])).status_code == 404
    assert (
        client.get(reverse("partners:parent_contact_edit", args=[school.urn, amy.pk, cara_mum.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("partners:parent_link_send", args=[school.urn, amy.pk, cara_mum.pk]), {"how": "email"}
        ).status_code
        == 404
    )
    assert not PartnerLink.objects.exists()


# --- Sending the link ----------------------------------------------------------------------------------


def test_a_link_is_mailed_by_the_queue_or_shown_once_to_copy_and_can_be_resent_and_withdrawn(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    school = ProviderFactory()
    amy = pupil(school, "Amy", next(UPNS))
    mo = contact(amy, "Mo Amyson", "mo@example.com")
    signed_in(client, school)
    send = reverse("partners:parent_link_send", args=[school.urn, amy.pk, mo.pk])
    assert "Send it by email to mo@example.com" in client.get(send).content.decode()
    assert "There is a problem" in client.post(send, {}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(send, {"how": "email"}).status_code == 302
    [message] = mail.outbox
    assert message.to == ["mo@example.com"]
    emailed = PartnerLink.objects.get()
    assert (emailed.learner_id, emailed.delivery) == (amy.pk, PartnerLink.Delivery.SENT)
    copy = client.post(send, {"how": "copy"})
    assert copy.status_code == 200
    copied = PartnerLink.objects.exclude(pk=emailed.pk).get()
    assert copied.delivery == PartnerLink.Delivery.NOT_SENT
    url = next(word for word in copy.content.decode().split('"') if "/link/family/" in word)
    assert Client().get(url).status_code == 200
    listing = client.get(reverse("partners:learner_parents", args=[school.urn, amy.pk])).content.decode()
    assert "Sent" in listing
    assert "Opened 1 time" in listing
    resend = reverse("partners:parent_link_resend", args=[school.urn, amy.pk, emailed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend).status_code == 302
    assert len(mail.outbox) == 2
    withdraw = reverse("partners:parent_link_withdraw", args=[school.urn, amy.pk, copied.pk])
    assert "Yes, withdraw the link" in client.get(withdraw).content.decode()
    assert client.post(withdraw).status_code == 302
    assert Client().get(url).status_code == 410


def test_the_group_send_queues_one_link_per_contact_email_and_counts_learners_without_one(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    school = ProviderFactory()
    amy, ben, dan = (pupil(school, name, next(UPNS)) for name in ("Amy", "Ben", "Dan"))
    eve = pupil(school, "Eve", next(UPNS), year_group=11)
    contact(amy, "Mo Amyson", "mo@example.com")
    contact(amy, "Pat Amyson", "pat@example.com")
    contact(ben, "Ben's dad")  # no email
    contact(eve, "Eve's mum", "eve.mum@example.com")
    signed_in(client, school)
    confirm = client.get(reverse("partners:parent_group_send", args=[school.urn]), {"year_group": 10})
    page = confirm.content.decode()
    assert "Send 2 links" in page
    assert "2 learners: add their parents" in page
    assert client.get(reverse("partners:parent_group_send", args=[school.urn]), {}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partners:parent_group_send", args=[school.urn]), {"year_group": 10}, follow=True
        )
    text = response.content.decode()
    assert "2 links are being sent to the parents and carers of 1 learner." in text
    assert "2 learners in the group have no parent or carer email address." in text
    assert sorted(m.to[0] for m in mail.outbox) == ["mo@example.com", "pat@example.com"]
    assert set(PartnerLink.objects.values_list("learner_id", flat=True)) == {amy.pk}
    assert AuditEvent.objects.filter(action="parent_link.sent_to_group").count() == 1
    assert dan.pk
    assert eve.pk


# --- The parent's page ---------------------------------------------------------------------------------


def test_the_parents_page_shows_only_the_links_learner(client: Client) -> None:
    school, other = ProviderFactory(), ProviderFactory()
    amy = pupil(school, "Amy", next(UPNS))
    ben = pupil(school, "Ben", next(UPNS))
    cara = pupil(other, "Cara", next(UPNS))
    soon, later, past = TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=20), TODAY - dt.timedelta(days=3)
    amys_talk = make_activity(school, title="Amys mentoring session", date=soon)
    Participation.objects.create(activity=amys_talk, learner=amy)
    make_activity(
        school,
        title="Year 10 parents evening",
        date=later,
        activity_type="parent_engagement",
        subtype="",
        year_groups=[10],
    )
    make_activity(school, title="Year 11 college fair", date=later, year_groups=[11])
    bens_talk = make_activity(school, title="Bens own mentoring", date=soon)
    Participation.objects.create(activity=bens_talk, learner=ben)
    old = make_activity(school, title="Amys old talk", date=past, year_groups=[10])
    Participation.objects.create(activity=old, learner=amy)
    make_activity(other, title="Other school fair", date=soon, year_groups=[10])
    adviser = Adviser.objects.create(provider=school, name="Ada Adviser")
    Interview.objects.create(
        provider=school, learner=amy, adviser=adviser, date=past, academic_year=academic_year_of(past),
        duration_minutes=45, summary="Private notes about apprenticeships",
    )  # fmt: skip
    ParentPageSetting.objects.create(
        provider=school,
        programme_summary="Every year group has careers lessons.",
        programme_url="https://school.example/careers",
        booking_text="Ask Ms Lane, our careers adviser, on Tuesdays.",
        booking_email="careers@school.example",
    )
    contact(ben, "Ben's dad", "ben.dad@example.com")
    contact(cara, "Cara's mum", "cara.mum@example.com")
    _, token = copied_link(amy, "Mo Amyson")
    response = client.get(reverse("partners:parent_home", args=[token]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        "Amy",
        "Amys mentoring session",
        "Year 10 parents evening",
        "Parent and carer engagement",
        "1 careers guidance meeting",
        "Ask Ms Lane, our careers adviser, on Tuesdays.",
        "careers@school.example",
        "Every year group has careers lessons.",
        "https://school.example/careers",
    ):
        assert shown in page, shown
    for hidden in (
        "Amyson",  # the surname and the contact: forename only
        "Ben",
        "Bens own mentoring",
        "Cara",
        "Other school fair",
        "Year 11 college fair",
        "Amys old talk",
        "Private notes",
        "Ada Adviser",
    ):
        assert hidden not in page, hidden
    assert "Waiting for your agreement" not in page


def test_the_parents_page_without_a_setting_says_whom_to_ask(client: Client) -> None:
    school = ProviderFactory()
    _, token = copied_link(pupil(school, "Amy", next(UPNS)))
    page = client.get(reverse("partners:parent_home", args=[token])).content.decode()
    assert f"Contact {school.name} and ask for the careers leader." in page.replace("&#x27;", "'")
    assert "No careers activities are planned for Amy yet." in page


def test_placements_waiting_for_consent_are_listed(client: Client) -> None:
    from qic.partners.models import Employer

    school = ProviderFactory()
    amy, ben = pupil(school, "Amy", next(UPNS)), pupil(school, "Ben", next(UPNS))
    employer = Employer.objects.create(provider=school, name="Harbour Vets")
    for learner, status in ((amy, "consent"), (amy, "proposed"), (ben, "consent")):
        Placement.objects.create(
            provider=school, learner=learner, employer=employer, start_date=TODAY + dt.timedelta(days=30),
            end_date=TODAY + dt.timedelta(days=34), hours=30, status=status, role=f"{learner.forename} {status}",
        )  # fmt: skip
    _, token = copied_link(amy)
    page = client.get(reverse("partners:parent_home", args=[token])).content.decode()
    assert "Waiting for your agreement" in page
    assert page.count("Work experience at Harbour Vets") == 1


def test_unknown_foreign_expired_and_withdrawn_tokens_do_not_open(client: Client) -> None:
    school = ProviderFactory()
    amy = pupil(school, "Amy", next(UPNS))
    feedback, feedback_token = links.issue(
        provider=school,
        purpose=LinkPurpose.FEEDBACK,
        recipient_name="Staff",
        activity=make_activity(school),
        by_email=False,
        actor=leader_of(school),
    )
    assert feedback_token
    assert feedback.pk
    assert client.get(reverse("partners:parent_home", args=[feedback_token])).status_code == 404
    assert client.get(reverse("partners:parent_home", args=["B" * 43])).status_code == 404
    expired, expired_token = copied_link(amy)
    PartnerLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("partners:parent_home", args=[expired_token])).status_code == 410
    withdrawn, withdrawn_token = copied_link(amy)
    links.revoke(withdrawn, actor=leader_of(school))
    gone = client.get(reverse("partners:parent_home", args=[withdrawn_token]))
    assert gone.status_code == 410
    assert "Amy" not in gone.content.decode()


def test_opening_is_counted_and_the_first_opening_audited(client: Client) -> None:
    school = ProviderFactory()
    link, token = copied_link(pupil(school, "Amy", next(UPNS)))
    for _ in range(3):
        assert client.get(reverse("partners:parent_home", args=[token])).status_code == 200
    link.refresh_from_db()
    assert link.open_count == 3
    assert AuditEvent.objects.filter(action="partner_link.opened", object_id=str(link.pk)).count() == 1


# --- Parents' careers events ---------------------------------------------------------------------------


def test_parents_attendance_is_ticked_on_a_parents_event_only(client: Client) -> None:
    school, other = ProviderFactory(), ProviderFactory()
    amy, ben = pupil(school, "Amy", next(UPNS)), pupil(school, "Ben", next(UPNS))
    pupil(school, "Eve", next(UPNS), year_group=11)
    cara = pupil(other, "Cara", next(UPNS))
    evening = make_activity(
        school, title="Parents evening", date=TODAY - dt.timedelta(days=1), activity_type="parent_engagement",
        subtype="", year_groups=[10],
    )  # fmt: skip
    talk = make_activity(school, date=TODAY - dt.timedelta(days=1))
    signed_in(client, school)
    url = reverse("partners:parent_attendance", args=[school.urn, evening.pk])
    page = client.get(url).content.decode()
    assert "Amyson, Amy" in page
    assert "Benson, Ben" in page
    assert "Eve" not in page
    assert "Cara" not in page
    assert client.post(url, {"attended": [amy.pk, cara.pk]}).status_code == 200  # Cara is not a choice
    assert client.post(url, {"attended": [amy.pk, ben.pk]}).status_code == 302
    assert set(ParentAttendance.objects.values_list("learner_id", flat=True)) == {amy.pk, ben.pk}
    assert client.post(url, {"attended": [ben.pk]}).status_code == 302
    assert set(ParentAttendance.objects.values_list("learner_id", flat=True)) == {ben.pk}
    assert AuditEvent.objects.filter(action="parent_attendance.removed", learner_id_ref=amy.pk).count() == 1
    assert client.get(reverse("partners:parent_attendance", args=[school.urn, talk.pk])).status_code == 404
    detail = client.get(reverse("programme:activity_detail", args=[school.urn, evening.pk])).content.decode()
    assert url in detail


def test_attendance_cannot_be_recorded_before_the_event(client: Client) -> None:
    school = ProviderFactory()
    amy = pupil(school, "Amy", next(UPNS))
    evening = make_activity(
        school, title="Parents evening", date=TODAY + dt.timedelta(days=5), activity_type="parent_engagement",
        subtype="", year_groups=[10],
    )  # fmt: skip
    signed_in(client, school)
    url = reverse("partners:parent_attendance", args=[school.urn, evening.pk])
    response = client.post(url, {"attended": [amy.pk]})
    assert response.status_code == 200
    assert "before the activity has happened" in response.content.decode()
    assert not ParentAttendance.objects.exists()


# --- Engagement figures ----------------------------------------------------------------------------------


def engagement_school() -> Provider:
    """Amy, Ben and Dan in Year 10, Eve in Year 11 and Lou, who has left (not counted).

    Contacts: Amy (two), Ben, Eve, Lou. Links: Amy's mailed, Ben's copied and opened, Eve's failed.
    A parent came to a parents' event this year: Amy's and Eve's; last year: Dan's."""
    school = ProviderFactory()
    amy, ben, dan = (pupil(school, name, next(UPNS)) for name in ("Amy", "Ben", "Dan"))
    eve = pupil(school, "Eve", next(UPNS), year_group=11)
    lou = pupil(school, "Lou", next(UPNS), left_on=TODAY - dt.timedelta(days=400))
    for learner, name in ((amy, "Mo"), (amy, "Pat"), (ben, "Bo"), (eve, "Em"), (lou, "Li")):
        contact(learner, name, f"{name.lower()}@example.com")
    mailed, _ = copied_link(amy)
    PartnerLink.objects.filter(pk=mailed.pk).update(delivery=PartnerLink.Delivery.SENT)
    opened, _ = copied_link(ben)
    PartnerLink.objects.filter(pk=opened.pk).update(first_opened_at=timezone.now(), open_count=1)
    failed, _ = copied_link(eve)
    PartnerLink.objects.filter(pk=failed.pk).update(delivery=PartnerLink.Delivery.FAILED)
    this_year = make_activity(
        school, title="Options evening", date=TODAY, activity_type="parent_engagement", subtype="", year_groups=[10]
    )
    last_year = make_activity(
        school, title="Last year's evening", date=TODAY - dt.timedelta(days=370), activity_type="parent_engagement",
        subtype="",
    )  # fmt: skip
    for activity, learner in ((this_year, amy), (this_year, eve), (last_year, dan)):
        ParentAttendance.objects.create(activity=activity, learner=learner)
    # Amy's parent agreed to a placement this year; Ben's said no; Dan's agreed last year.
    employer = Employer.objects.create(provider=school, name="Acme Bridges")
    for learner, given, when in (
        (amy, True, timezone.now()),
        (ben, False, timezone.now()),
        (dan, True, timezone.now() - dt.timedelta(days=400)),
    ):
        Placement.objects.create(
            provider=school, learner=learner, employer=employer, start_date=TODAY, end_date=TODAY, hours=5,
            consent_given=given, consent_at=when,
        )  # fmt: skip
    return school


def test_engagement_figures_count_learners_by_year_group() -> None:
    figures = parent_queries.parent_engagement(engagement_school(), YEAR, today=TODAY)
    total = figures.total
    assert (total.on_roll, total.with_contact, total.link_sent, total.opened, total.attended) == (4, 3, 2, 1, 2)
    assert total.consented == 1
    year10, year11 = figures.by_year_group[10], figures.by_year_group[11]
    assert (year10.on_roll, year10.with_contact, year10.link_sent, year10.opened, year10.attended) == (3, 2, 2, 1, 1)
    assert (year11.on_roll, year11.with_contact, year11.link_sent, year11.opened, year11.attended) == (1, 1, 0, 0, 1)
    assert [(key, n, share) for key, _, n, share in total.rows()] == [
        ("with_contact", 3, 75),
        ("link_sent", 2, 50),
        ("opened", 1, 25),
        ("consented", 1, 25),
        ("attended", 2, 50),
    ]
    words = figures.words("2026/27")
    assert words.startswith("Parents and carers in 2026/27, of 4 learners on roll: 3 (75%) have a parent")


def test_the_overview_shows_the_figures_and_no_names(client: Client) -> None:
    school = engagement_school()
    signed_in(client, school)
    page = client.get(reverse("partners:parent_overview", args=[school.urn])).content.decode()
    assert "Year 10" in page
    assert "3 (75%)" in page
    for name in ("Amyson", "Benson", "mo@example.com", "Options evening"):
        assert name not in page


def test_engagement_figures_and_the_overview_take_a_fixed_number_of_queries(client: Client) -> None:
    school = ProviderFactory()
    signed_in(client, school)

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as figures:
            parent_queries.parent_engagement(school, YEAR, today=TODAY)
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("partners:parent_overview", args=[school.urn])).status_code == 200
        return len(figures), len(page)

    def add(n: int, year_group: int) -> None:
        for i in range(n):
            learner = pupil(school, f"P{i}", next(UPNS), year_group=year_group)
            contact(learner, "Parent", f"p{year_group}-{i}@example.com")
            copied_link(learner)

    add(2, 10)
    small = counted()
    add(5, 11)
    add(3, 9)
    assert counted() == small
    assert small[0] == 1


# --- Portfolio ----------------------------------------------------------------------------------------------


def test_the_portfolio_quotes_the_figures_for_criterion_2_2(cast: Any, edition: Any) -> None:
    from qic.accreditation.queries import system_evidence
    from tests.factories import make_round

    amy = pupil(cast.p1, "Amy", next(UPNS))
    contact(amy, "Mo", "mo@example.com")
    evidence = system_evidence(make_round(cast), today=TODAY)
    [line] = [text for text in evidence["2.2"].extra if text.startswith("Parents and carers")]
    assert "1 (100%) have a parent or carer contact recorded" in line
    assert "Amy" not in line
    assert "Mo" not in line


# --- Data protection ---------------------------------------------------------------------------------------


def test_subject_access_gives_the_parents_data_and_anonymising_erases_it() -> None:
    school = ProviderFactory()
    amy = pupil(school, "Amy", next(UPNS))
    ben = pupil(school, "Ben", next(UPNS))
    mo = contact(amy, "Mo Amyson", "mo@example.com")
    bens_dad = contact(ben, "Ben's dad", "dad@example.com")
    link, token = copied_link(amy, "Mo Amyson")
    evening = make_activity(school, title="Options evening", date=TODAY, activity_type="parent_engagement", subtype="")
    ParentAttendance.objects.create(activity=evening, learner=amy)
    record = subject_access.subject_access_record(amy)
    assert [row["name"] for row in record["parent_contacts"]] == ["Mo Amyson"]
    assert [row["recipient"] for row in record["parent_links"]] == ["Mo Amyson"]
    assert [row["activity"] for row in record["parent_attendance"]] == ["Options evening"]
    data_protection.anonymise_learner(learner=amy, reason="Asked by the family", actor=leader_of(school))
    assert not ParentContact.all_objects.filter(pk=mo.pk).exists()
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert (link.recipient_name, link.recipient_email) == (parent_actions.RECIPIENT_REMOVED, "")
    assert ParentAttendance.objects.filter(learner=amy).count() == 1  # counts stay; the learner is anonymous
    assert Client().get(reverse("partners:parent_home", args=[token])).status_code == 410
    assert ParentContact.objects.filter(pk=bens_dad.pk).exists()
