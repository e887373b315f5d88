"""Regression tests for what an outsider, a parent, an employer or another school's staff could
do to the issue-15 pages before it was fixed (one test per finding)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qic.domain import employer_confirmation
from qic.domain import placements as placement_rules
from qic.domain.partner_links import LinkPurpose
from qic.organisations.access import visible_audit_events
from qic.organisations.models import Role
from qic.partners import confirmation, links, parent_actions
from qic.partners.models import ParentContact, PartnerLink, PlacementDocument
from tests.factories import PDF_BYTES, ProviderFactory, leader_of, make_activity, make_learner, make_member
from tests.partners.test_placements_access import link_for, make_placement

pytestmark = pytest.mark.django_db


def test_a_learner_id_too_long_for_the_database_is_no_learner_not_a_server_error(client: Client) -> None:
    """Before: /placements/new/?learner=99999999999999999999 made the database driver overflow (500)."""
    school = ProviderFactory()
    client.force_login(leader_of(school))
    new = reverse("partners:placement_new", kwargs={"urn": school.urn})
    assert client.get(new, {"learner": "9" * 20}).status_code == 200
    assert client.post(new, {"learner": "9" * 20, "q": ""}).status_code == 200


def test_removing_a_parent_withdraws_the_link_the_school_copied_for_them(client: Client) -> None:
    """Before: only links mailed to the contact's current address were withdrawn. A link the school
    copied for them (no address) or mailed to an address since corrected kept working for 90 days,
    showing the removed parent the child's upcoming activities and letting them answer consent."""
    school = ProviderFactory()
    learner = make_learner(school)
    leader = leader_of(school)
    removed = parent_actions.save_contact(
        contact=ParentContact(learner=learner, name="Pat Removed", relationship="father", email="old@example.com"),
        actor=leader,
    )
    kept = parent_actions.save_contact(
        contact=ParentContact(learner=learner, name="Sam Kept", relationship="mother", email="sam@example.com"),
        actor=leader,
    )
    copied, token = parent_actions.send_link(contact=removed, by_email=False, actor=leader)
    mailed_to_old, _ = parent_actions.send_link(contact=removed, by_email=True, actor=leader)
    removed.email = "new@example.com"
    parent_actions.save_contact(contact=removed, actor=leader)
    others, other_token = parent_actions.send_link(contact=kept, by_email=False, actor=leader)
    assert token
    assert other_token
    home = reverse("partners:parent_home", kwargs={"token": token})
    assert Client().get(home).status_code == 200

    client.force_login(leader)
    remove = reverse("partners:parent_contact_remove", args=[school.urn, learner.pk, removed.pk])
    assert client.post(remove).status_code == 302

    assert Client().get(home).status_code == 410
    assert PartnerLink.objects.get(pk=mailed_to_old.pk).revoked_at is not None
    # The other parent's link still works.
    assert PartnerLink.objects.get(pk=others.pk).revoked_at is None
    assert Client().get(reverse("partners:parent_home", kwargs={"token": other_token})).status_code == 200
    assert LinkPurpose(copied.purpose) is LinkPurpose.PARENT


def test_an_employers_words_about_the_group_are_not_in_the_consortiums_audit_trail() -> None:
    """Before: the employer's free-text feedback to the group (which names learners as often as not)
    was copied into an audit event the Consortium reads."""
    school = ProviderFactory()
    activity = make_activity(school)
    link, _ = links.issue(
        provider=school,
        purpose=LinkPurpose.EMPLOYER_CONFIRMATION,
        recipient_name="Dana Park",
        activity=activity,
        respondent="employer",
        by_email=False,
        actor=leader_of(school),
    )
    answers = employer_confirmation.Answers(
        took_place=True, purpose="See a lab", task="A test", feedback="Imogen Secretname asked good questions"
    )
    confirmation.confirm(link=link, answers=answers, name="Dana Park")
    consortium = make_member(Role.CONSORTIUM_ADMIN)
    seen = [json.dumps([e.before, e.after, e.object_repr]) for e in visible_audit_events(consortium)]
    assert not any("Secretname" in text for text in seen)
    # The school's careers leader still reads it.
    assert any(
        "Secretname" in json.dumps(e.after)
        for e in visible_audit_events(leader_of(school)).filter(action="employer_confirmation.received")
    )


def test_the_employers_link_cannot_fill_the_disk_with_uploads() -> None:
    """Before: anyone holding a placement's employer link (it lasts 90 days and needs no account)
    could upload 10 MB files without end, each kept on disk."""
    school = ProviderFactory()
    placement = make_placement(school)
    _, token = link_for(placement, LinkPurpose.PLACEMENT_EMPLOYER)
    url = reverse("partners:placement_employer", kwargs={"token": token})
    client = Client()
    for _ in range(placement_rules.MAX_DOCUMENTS):
        upload = SimpleUploadedFile("risk.pdf", PDF_BYTES, content_type="application/pdf")
        assert (
            client.post(
                url, {"form": "document", "document-kind": "risk_assessment", "document-file": upload}
            ).status_code
            == 302
        )
    upload = SimpleUploadedFile("risk.pdf", PDF_BYTES, content_type="application/pdf")
    refused = client.post(url, {"form": "document", "document-kind": "risk_assessment", "document-file": upload})
    assert refused.status_code == 200
    assert "ask the school" in refused.content.decode()
    assert PlacementDocument.objects.filter(placement=placement).count() == placement_rules.MAX_DOCUMENTS
