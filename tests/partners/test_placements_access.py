"""Who reaches a placement: another school's staff get 404 and no names; the employer's and the
parent's links open only their own placement while usable; the dashboard's queries do not grow
with the placements; placements are in the subject-access export and anonymisation erases them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.core.uploads import check_upload
from qic.domain.partner_links import LinkPurpose
from qic.domain.placements import Status
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.partners import links
from qic.partners import placements as actions
from qic.partners.models import Employer, PartnerLink, Placement, PlacementDocument
from qic.programme.data_protection import anonymise_learner
from tests.factories import PDF_BYTES, ProviderFactory, leader_of, make_learner

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_placement(provider: Provider, learner: Learner | None = None, **fields: Any) -> Placement:
    employer = Employer.objects.filter(provider=provider).first() or Employer.objects.create(
        provider=provider, name=f"Employer of {provider.name}"
    )
    values: dict[str, Any] = {
        "provider": provider,
        "learner": learner or make_learner(provider),
        "employer": employer,
        "start_date": TODAY + dt.timedelta(days=30),
        "end_date": TODAY + dt.timedelta(days=34),
        "hours": Decimal(30),
    }
    values.update(fields)
    return Placement.objects.create(**values)


def link_for(placement: Placement, purpose: LinkPurpose, learner: Learner | None = None) -> tuple[PartnerLink, str]:
    kwargs: dict[str, Any] = (
        {"placement": placement}
        if purpose == LinkPurpose.PLACEMENT_EMPLOYER
        else {"learner": learner or placement.learner}
    )
    link, token = links.issue(
        provider=placement.provider,
        purpose=purpose,
        recipient_name="Someone",
        by_email=False,
        actor=leader_of(placement.provider),
        **kwargs,
    )
    assert token
    return link, token


@pytest.fixture
def two_schools() -> tuple[Provider, Provider]:
    return ProviderFactory(name="Oak Hill Academy"), ProviderFactory(name="Elm Park School")


STAFF_PAGES = [
    "placement_detail",
    "placement_cancel",
    "placement_employer_link",
    "placement_consent_link",
    "placement_consent_paper",
    "placement_school_checks",
    "placement_complete",
]


def test_another_schools_placement_is_not_found_and_names_nobody(client: Client, two_schools: Any) -> None:
    oak, elm = two_schools
    theirs = make_placement(elm, make_learner(elm, forename="Imogen", surname="Secretname"))
    document = actions.add_document(
        placement=theirs, kind="risk_assessment", upload=check_upload(PDF_BYTES, "r.pdf"), actor=leader_of(elm)
    )
    mine = make_placement(oak, make_learner(oak, upn="A123456789012", forename="Olu", surname="Mine"))
    client.force_login(leader_of(oak))
    for name in STAFF_PAGES:
        response = client.get(reverse(f"partners:{name}", kwargs={"urn": oak.urn, "pk": theirs.pk}))
        assert response.status_code == 404, name
        assert "Secretname" not in response.content.decode()
    for name in ("placement_move", "placement_cancel", "placement_complete"):
        response = client.post(reverse(f"partners:{name}", kwargs={"urn": oak.urn, "pk": theirs.pk}), {"to": "checks"})
        assert response.status_code == 404, name
    response = client.get(
        reverse("partners:placement_document", kwargs={"urn": oak.urn, "pk": theirs.pk, "doc": document.pk})
    )
    assert response.status_code == 404
    # Their document through my placement's address: not found either.
    response = client.get(
        reverse("partners:placement_document", kwargs={"urn": oak.urn, "pk": mine.pk, "doc": document.pk})
    )
    assert response.status_code == 404
    # Their school's pages: not found.
    assert client.get(reverse("partners:placement_list", kwargs={"urn": elm.urn})).status_code == 404
    board = client.get(reverse("partners:placement_list", kwargs={"urn": oak.urn})).content.decode()
    assert "Mine, Olu" in board
    assert "Secretname" not in board
    export = client.get(reverse("partners:placement_export", kwargs={"urn": oak.urn})).content.decode()
    assert "Mine, Olu" in export
    assert "Secretname" not in export
    theirs.refresh_from_db()
    assert theirs.status == Status.PROPOSED.value


def test_a_governor_sees_no_placements(client: Client, two_schools: Any) -> None:
    from qic.organisations.models import Role
    from tests.factories import make_member

    oak, _ = two_schools
    make_placement(oak)
    client.force_login(make_member(Role.GOVERNOR, provider=oak))
    assert client.get(reverse("partners:placement_list", kwargs={"urn": oak.urn})).status_code == 403


def test_the_employer_link_opens_only_its_placement_while_usable(two_schools: Any) -> None:
    oak, _elm = two_schools
    placement = make_placement(oak)
    link, token = link_for(placement, LinkPurpose.PLACEMENT_EMPLOYER)
    page = reverse("partners:placement_employer", kwargs={"token": token})
    guest = Client()
    assert guest.get(page).status_code == 200
    # Made-up and other-purpose tokens: not found.
    assert guest.get(reverse("partners:placement_employer", kwargs={"token": "B" * 43})).status_code == 404
    _, parent = link_for(placement, LinkPurpose.PARENT)
    assert guest.get(reverse("partners:placement_employer", kwargs={"token": parent})).status_code == 404
    # Expired, then revoked: refused with a page that says why.
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = guest.get(page)
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    posted = guest.post(page, {"form": "details", "details-role": "Changed"})
    assert posted.status_code == 410
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    links.revoke(link, actor=leader_of(oak))
    revoked = guest.get(page)
    assert revoked.status_code == 410
    assert "withdrawn" in revoked.content.decode()
    placement.refresh_from_db()
    assert placement.role == ""


def test_a_parents_link_opens_only_their_own_childs_placement(two_schools: Any) -> None:
    oak, elm = two_schools
    ayla = make_learner(oak, upn="A123456789012", forename="Ayla", surname="First")
    ben = make_learner(oak, upn="B123456789012", forename="Ben", surname="Second")
    aylas = make_placement(oak, ayla)
    bens = make_placement(oak, ben, role="Secret role")
    elsewhere = make_placement(elm, make_learner(elm, forename="Cara", surname="Other"))
    link, token = link_for(aylas, LinkPurpose.PARENT)
    parent = Client()

    def consent(pk: int, with_token: str = token) -> Any:
        return parent.get(reverse("partners:placement_consent", kwargs={"token": with_token, "pk": pk}))

    assert consent(aylas.pk).status_code == 200
    for other in (bens, elsewhere):
        response = consent(other.pk)
        assert response.status_code == 404
        assert "Ben" not in response.content.decode()
        assert "Secret role" not in response.content.decode()
    answer = {"consent": "yes", "consent_name": "X", "consent_relationship": "Y", "emergency_phone": "1"}
    assert (
        parent.post(reverse("partners:placement_consent", kwargs={"token": token, "pk": bens.pk}), answer).status_code
        == 404
    )
    bens.refresh_from_db()
    assert bens.consent_given is None
    # The employer's token does not open a consent page; a made-up one neither.
    _, employer = link_for(aylas, LinkPurpose.PLACEMENT_EMPLOYER)
    assert consent(aylas.pk, employer).status_code == 404
    assert consent(aylas.pk, "C" * 43).status_code == 404
    # Expired, revoked.
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert consent(aylas.pk).status_code == 410
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    links.revoke(link, actor=leader_of(oak))
    assert consent(aylas.pk).status_code == 410


def test_consent_needs_an_answer_a_name_a_relationship_and_a_phone_number(two_schools: Any) -> None:
    oak, _ = two_schools
    placement = make_placement(oak)
    _, token = link_for(placement, LinkPurpose.PARENT)
    url = reverse("partners:placement_consent", kwargs={"token": token, "pk": placement.pk})
    page = Client().post(url, {"consent": "yes"}).content.decode()
    assert "There is a problem" in page
    for message in ("Enter your full name", "Enter your relationship to the learner", "Enter an emergency contact"):
        assert message in page
    placement.refresh_from_db()
    assert placement.consent_given is None
    # A cancelled placement takes no answer.
    Placement.objects.filter(pk=placement.pk).update(status=Status.CANCELLED.value)
    closed = Client().post(
        url, {"consent": "yes", "consent_name": "A", "consent_relationship": "B", "emergency_phone": "1"}
    )
    assert closed.status_code == 200
    assert "can no longer be answered" in closed.content.decode()
    placement.refresh_from_db()
    assert placement.consent_given is None


def test_the_dashboard_takes_the_same_queries_for_many_placements(client: Client, two_schools: Any) -> None:
    oak, _ = two_schools
    leader = leader_of(oak)
    client.force_login(leader)
    url = reverse("partners:placement_list", kwargs={"urn": oak.urn})

    def add(n: int) -> None:
        for i in range(n):
            placement = make_placement(
                oak,
                make_learner(oak, upn=f"D{Placement.objects.count():012d}", forename=f"P{i}"),
                insurance_expires=TODAY + dt.timedelta(days=5),
            )
            actions.add_document(
                placement=placement,
                kind="insurance",
                upload=check_upload(PDF_BYTES, "i.pdf"),
                insurance_expires=TODAY + dt.timedelta(days=5),
                actor=leader,
            )

    add(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    page = response.content.decode()
    assert "insurance that has expired or expires within 30 days" in page
    with CaptureQueriesContext(connection) as filtered:
        client.get(url, {"status": "proposed", "year_group": "10"})
    assert len(filtered) == len(few)
    assert AuditEvent.objects.filter(action="placements.listed").exists()


def test_placements_are_in_the_subject_access_export_and_anonymising_erases_them(
    client: Client, two_schools: Any, settings: Any
) -> None:
    oak, _ = two_schools
    leader = leader_of(oak)
    learner = make_learner(oak, forename="Ayla", surname="First")
    placement = make_placement(oak, learner, role="Design office")
    document = actions.add_document(
        placement=placement, kind="risk_assessment", upload=check_upload(PDF_BYTES, "r.pdf"), actor=leader
    )
    stored = Path(settings.MEDIA_ROOT) / document.file.name
    assert stored.exists()
    actions.record_consent(
        placement=placement,
        given=True,
        name="Grace First",
        relationship="Mother",
        emergency_phone="07700 900123",
        medical_notes="Asthma",
        on=TODAY,
        actor=leader,
    )
    client.force_login(leader)
    record = json.loads(
        client.get(reverse("programme:learner_subject_access_json", kwargs={"urn": oak.urn, "pk": learner.pk})).content
    )
    [row] = record["placements"]
    assert row["consent_name"] == "Grace First"
    assert row["medical_notes"] == "Asthma"
    assert row["role"] == "Design office"
    page = client.get(reverse("programme:learner_subject_access", kwargs={"urn": oak.urn, "pk": learner.pk}))
    assert "Grace First" in page.content.decode()
    assert (
        client.get(
            reverse("programme:learner_subject_access_pdf", kwargs={"urn": oak.urn, "pk": learner.pk})
        ).status_code
        == 200
    )

    hours, start = placement.hours, placement.start_date
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        anonymise_learner(learner=learner, reason="Asked by the family", actor=leader)
    placement.refresh_from_db()
    assert placement.consent_name == ""
    assert placement.emergency_phone == ""
    assert placement.medical_notes == ""
    assert placement.consent_given is True
    assert (placement.hours, placement.start_date) == (hours, start)
    assert not PlacementDocument.objects.exists()
    assert not stored.exists()
    event = AuditEvent.objects.get(action="learner.anonymised")
    assert event.after["own_writing_removed"] >= 1
