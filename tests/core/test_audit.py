"""The append-only audit trail: writing events, refusing changes, and the audit log page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SYSTEM, SystemActor
from qic.core.models import AuditEvent
from qic.organisations.models import AwardingBody, Provider
from tests.conftest import Cast
from tests.factories import AwardingBodyFactory, ProviderFactory

AUDIT_URL = "/audit/"


# --- audit.record ----------------------------------------------------------------------------


def test_record_writes_who_what_when_and_the_change(cast: Cast) -> None:
    started = timezone.now()

    event = audit.record(
        actor=cast.consortium,
        action="provider.renamed",
        obj=cast.p1,
        before={"name": "Old Name"},
        after={"name": "Alpha Academy", "when": dt.date(2025, 3, 1)},
        awarding_body_id=cast.ab1.pk,
        provider_id=cast.p1.pk,
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == cast.consortium
    assert stored.actor_label == f"{cast.consortium.get_full_name()} <consortium@example.org>"
    assert stored.action == "provider.renamed"
    assert stored.object_type == "organisations.Provider"
    assert stored.object_id == str(cast.p1.pk)
    assert stored.object_repr == f"Alpha Academy (URN {cast.p1.urn})"
    assert stored.before == {"name": "Old Name"}
    # Dates are held as ISO text, so the JSON stays readable.
    assert stored.after == {"name": "Alpha Academy", "when": "2025-03-01"}
    assert stored.awarding_body_id_ref == cast.ab1.pk
    assert stored.provider_id_ref == cast.p1.pk
    # Stored in UTC, and it is "now".
    assert stored.at.tzinfo is not None
    assert stored.at.utcoffset() == dt.timedelta(0)
    assert stored.at.tzinfo == dt.UTC
    assert started <= stored.at <= timezone.now()
    assert timezone.now() - stored.at < dt.timedelta(seconds=5)


def test_record_without_a_user_labels_the_actor(db: None) -> None:
    body = AwardingBodyFactory(name="East Awards")
    by_command = audit.record(actor=SystemActor("import_gias command"), action="x.done", obj=body)
    by_nobody = audit.record(actor=SYSTEM, action="x.done", obj=body)
    assert (by_command.actor, by_command.actor_label) == (None, "import_gias command")
    assert (by_nobody.actor, by_nobody.actor_label) == (None, "system")
    assert by_command.before is None
    assert by_command.after is None
    assert by_command.awarding_body_id_ref is None
    assert by_command.provider_id_ref is None


def test_record_turns_datetimes_into_utc_text(db: None) -> None:
    body = AwardingBodyFactory()
    summer_in_london = dt.datetime(2024, 7, 1, 12, 30, tzinfo=ZoneInfo("Europe/London"))
    event = audit.record(actor=SYSTEM, action="x.done", obj=body, after={"at": summer_in_london, "body": body})
    assert AuditEvent.objects.get(pk=event.pk).after == {"at": "2024-07-01T11:30:00+00:00", "body": body.pk}


def test_snapshot_leaves_out_the_password(cast: Cast) -> None:
    snap = audit.snapshot(cast.p1_staff)
    assert "password" not in snap
    assert snap["email"] == "staff1@example.org"
    assert snap["is_active"] is True


def test_snapshot_of_named_fields(cast: Cast) -> None:
    assert audit.snapshot(cast.ab2, ["name", "award_validity_months", "licence_start"]) == {
        "name": "South Awards",
        "award_validity_months": 24,
        "licence_start": "2024-01-01",
    }


# --- Append-only -----------------------------------------------------------------------------


@pytest.fixture
def event(db: None) -> AuditEvent:
    return audit.record(actor=SystemActor("tests"), action="test.created", obj=AwardingBodyFactory(), after={"n": 1})


def test_an_event_cannot_be_saved_again(event: AuditEvent) -> None:
    event.action = "test.tampered"
    with pytest.raises(PermissionError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.created"


def test_an_event_cannot_be_deleted(event: AuditEvent) -> None:
    with pytest.raises(PermissionError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_queryset_of_events_cannot_be_deleted(event: AuditEvent) -> None:
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_a_queryset_of_events_cannot_be_updated(event: AuditEvent) -> None:
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="test.tampered")
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.update(after={"n": 2})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.after) == ("test.created", {"n": 1})


def test_an_actor_with_events_cannot_be_deleted(cast: Cast) -> None:
    # The foreign key protects the trail: people are deactivated, never deleted.
    audit.record(actor=cast.p1_staff, action="test.done", obj=cast.p1)
    with pytest.raises(ProtectedError):
        cast.p1_staff.delete()


# --- The audit log page ----------------------------------------------------------------------


@pytest.fixture
def events(cast: Cast) -> dict[str, AuditEvent]:
    """One event per scope, each with an action name the page shows in a <code> cell."""
    other_body = AwardingBody.objects.create(name="Elsewhere Awards")
    other_provider: Provider = ProviderFactory(name="Gamma School")
    return {
        "ab1": audit.record(actor=SystemActor("tests"), action="test.ab1", obj=cast.ab1, awarding_body_id=cast.ab1.pk),
        "ab2": audit.record(actor=SystemActor("tests"), action="test.ab2", obj=cast.ab2, awarding_body_id=cast.ab2.pk),
        "p1": audit.record(
            actor=SystemActor("tests"),
            action="test.p1",
            obj=cast.p1,
            awarding_body_id=cast.ab1.pk,
            provider_id=cast.p1.pk,
        ),
        "p1_only": audit.record(actor=SystemActor("tests"), action="test.p1_only", obj=cast.p1, provider_id=cast.p1.pk),
        "p2": audit.record(
            actor=SystemActor("tests"),
            action="test.p2",
            obj=cast.p2,
            awarding_body_id=cast.ab2.pk,
            provider_id=cast.p2.pk,
        ),
        "other": audit.record(
            actor=SystemActor("tests"),
            action="test.other",
            obj=other_provider,
            awarding_body_id=other_body.pk,
            provider_id=other_provider.pk,
        ),
        "none": audit.record(actor=SystemActor("tests"), action="test.none", obj=cast.ab1),
    }


def shown_actions(client: Client) -> list[str]:
    response = client.get(AUDIT_URL)
    assert response.status_code == 200
    return sorted(e.action for e in response.context["page"].object_list)


def test_consortium_sees_every_organisation_event(client: Client, cast: Cast, events: dict[str, AuditEvent]) -> None:
    client.force_login(cast.consortium)
    assert shown_actions(client) == sorted(e.action for e in events.values())
    page = client.get(AUDIT_URL).content.decode()
    for audit_event in events.values():
        assert f'<td class="govuk-table__cell">Test {audit_event.action[5:].replace("_", " ")}<br>' in page


def test_awarding_body_admin_sees_only_its_body(client: Client, cast: Cast, events: dict[str, AuditEvent]) -> None:
    client.force_login(cast.ab1_admin)
    # Its own events, and those about its client p1 even when they do not name the body.
    assert shown_actions(client) == ["test.ab1", "test.p1", "test.p1_only"]
    page = client.get(AUDIT_URL).content.decode()
    for hidden in ("Test ab2", "Test p2<", "Test other", "Test none"):
        assert hidden not in page


def test_second_awarding_body_admin_sees_only_its_body(
    client: Client, cast: Cast, events: dict[str, AuditEvent]
) -> None:
    client.force_login(cast.ab2_admin)
    assert shown_actions(client) == ["test.ab2", "test.p2"]


def test_careers_leader_sees_only_its_provider(client: Client, cast: Cast, events: dict[str, AuditEvent]) -> None:
    client.force_login(cast.p1_leader)
    assert shown_actions(client) == ["test.p1", "test.p1_only"]
    page = client.get(AUDIT_URL).content.decode()
    for hidden in ("Test ab1", "Test ab2", "Test p2<", "Test other", "Test none"):
        assert hidden not in page


def test_other_careers_leader_sees_only_its_provider(client: Client, cast: Cast, events: dict[str, AuditEvent]) -> None:
    client.force_login(cast.p2_leader)
    assert shown_actions(client) == ["test.p2"]
    assert "Test p1" not in client.get(AUDIT_URL).content.decode()


@pytest.mark.parametrize("name", ["p1_staff", "p1_governor", "assessor_assigned", "assessor_unassigned"])
def test_other_roles_are_refused(client: Client, cast: Cast, events: dict[str, AuditEvent], name: str) -> None:
    client.force_login(cast.user(name))
    response = client.get(AUDIT_URL)
    assert response.status_code == 403
    assert "test.p1" not in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(AUDIT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={AUDIT_URL}"


def test_times_are_shown_in_uk_time_in_summer_too(client: Client, cast: Cast) -> None:
    # 12:30 in London in July is 11:30 UTC (BST): the log shows the time people saw on the clock.
    AuditEvent.objects.create(
        actor_label="tests",
        at=dt.datetime(2024, 7, 1, 12, 30, 15, tzinfo=ZoneInfo("Europe/London")),
        action="test.summer",
        object_type="organisations.AwardingBody",
        object_id=str(cast.ab1.pk),
        object_repr=str(cast.ab1),
    )
    client.force_login(cast.consortium)
    page = client.get(AUDIT_URL).content.decode()
    assert "When (UK time)" in page
    assert "Times are in UK time (GMT or BST)" in page
    assert "1 July 2024, 12:30pm" in page
    assert "11:30" not in page


def test_the_date_filter_counts_uk_days(client: Client, cast: Cast) -> None:
    # 23:30 UTC on 1 July is 00:30 BST on 2 July: it is an event of 2 July.
    AuditEvent.objects.create(
        actor_label="tests",
        at=dt.datetime(2024, 7, 1, 23, 30, tzinfo=dt.UTC),
        action="test.after_midnight",
        object_type="organisations.AwardingBody",
        object_id=str(cast.ab1.pk),
        object_repr=str(cast.ab1),
    )
    client.force_login(cast.consortium)
    on_2_july = {"date_from_day": "2", "date_from_month": "7", "date_from_year": "2024"}
    page = client.get(AUDIT_URL, {**on_2_july, "date_to_day": "2", "date_to_month": "7", "date_to_year": "2024"})
    assert "2 July 2024, 12:30am" in page.content.decode()
    page = client.get(AUDIT_URL, {"date_to_day": "1", "date_to_month": "7", "date_to_year": "2024"})
    assert "12:30am" not in page.content.decode()


def test_newest_events_come_first(client: Client, cast: Cast) -> None:
    for day in (3, 1, 2):
        AuditEvent.objects.create(
            actor_label="tests",
            at=dt.datetime(2025, 1, day, 9, 0, tzinfo=dt.UTC),
            action=f"test.day{day}",
            object_type="organisations.AwardingBody",
            object_id=str(cast.ab1.pk),
            object_repr=str(cast.ab1),
        )
    client.force_login(cast.consortium)
    response = client.get(AUDIT_URL)
    assert [e.action for e in response.context["page"].object_list] == ["test.day3", "test.day2", "test.day1"]


def test_the_log_is_paginated(client: Client, cast: Cast) -> None:
    for n in range(55):
        audit.record(actor=SystemActor("tests"), action=f"test.n{n}", obj=cast.ab1)
    client.force_login(cast.consortium)
    first = client.get(AUDIT_URL)
    second = client.get(AUDIT_URL, {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 5
    shown = {e.pk for e in first.context["page"].object_list} | {e.pk for e in second.context["page"].object_list}
    assert shown == set(AuditEvent.objects.values_list("pk", flat=True))
