"""Tamper evidence: the database refuses changes to audit events, the hash chain shows any that
get through, and the one allowed change — redaction for a learner's erasure — keeps it intact.

Every tamper path is tried twice: through the model (which refuses in Python) and around it
(the base Django classes, or raw SQL), where only the database triggers stand in the way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from qic.core import audit, triggers
from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.organisations.models import Role
from tests.conftest import Cast
from tests.factories import make_learner


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue().strip()


def verify_fails() -> str:
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit")
    assert caught.value.returncode == 1
    return str(caught.value)


@pytest.fixture
def events(cast: Cast) -> list[AuditEvent]:
    return [
        audit.record(actor=cast.consortium, action="test.one", obj=cast.ab1, after={"n": 1}),
        audit.record(actor=cast.consortium, action="test.two", obj=cast.p1, before={"n": 1}, after={"n": 2}),
        audit.record(actor=SystemActor("tests"), action="test.three", obj=cast.p2, after={"name": "Beta College"}),
    ]


def plain() -> models.QuerySet[AuditEvent]:
    """A queryset without the model's Python guard: what a careless or hostile caller could use."""
    return models.QuerySet(model=AuditEvent)


def raw(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or None)


# Each path: (the guarded call, the same change around the guard), given the middle event.
TAMPER_PATHS: dict[str, tuple[Callable[[AuditEvent], Any], Callable[[AuditEvent], Any]]] = {
    "QuerySet.update": (
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="test.tampered"),
        lambda e: plain().filter(pk=e.pk).update(action="test.tampered"),
    ),
    "QuerySet.delete": (
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
        lambda e: plain().filter(pk=e.pk).delete(),
    ),
    "_raw_delete": (
        lambda e: AuditEvent.objects.filter(pk=e.pk)._raw_delete(connection.alias),
        lambda e: plain().filter(pk=e.pk)._raw_delete(connection.alias),
    ),
    "bulk_update": (
        lambda e: AuditEvent.objects.bulk_update([_changed(e)], ["action"]),
        lambda e: plain().bulk_update([_changed(e)], ["action"]),
    ),
    "Model.save": (
        lambda e: _changed(e).save(),
        lambda e: models.Model.save(_changed(e)),
    ),
    "Model.delete": (
        lambda e: e.delete(),
        lambda e: models.Model.delete(e),
    ),
}


def _changed(event: AuditEvent) -> AuditEvent:
    event.action = "test.tampered"
    return event


def _refused_by_database(attempt: Callable[[], Any]) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        attempt()
    return str(caught.value)


def assert_untouched(events: list[AuditEvent]) -> None:
    stored = list(AuditEvent.objects.order_by("id").values_list("id", "action", "after", "hash"))
    assert stored == [
        (e.pk, a, after, e.hash)
        for e, a, after in zip(
            events, ["test.one", "test.two", "test.three"], [{"n": 1}, {"n": 2}, {"name": "Beta College"}], strict=True
        )
    ]
    assert verify() == "OK: 3 events"


@pytest.mark.parametrize("path", list(TAMPER_PATHS))
def test_every_orm_path_is_refused_in_python_and_by_the_database(events: list[AuditEvent], path: str) -> None:
    guarded, around = TAMPER_PATHS[path]
    target = AuditEvent.objects.get(pk=events[1].pk)
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        guarded(target)
    target = AuditEvent.objects.get(pk=events[1].pk)
    assert "append-only" in _refused_by_database(lambda: around(target))
    assert_untouched(events)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET action = 'test.tampered' WHERE id = %s",
        "UPDATE core_auditevent SET after = '{\"n\": 99}' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
    ids=["raw UPDATE", "raw UPDATE of the payload", "raw DELETE"],
)
def test_raw_sql_is_refused_by_the_database(events: list[AuditEvent], sql: str) -> None:
    assert "append-only" in _refused_by_database(lambda: raw(sql, events[1].pk))
    assert_untouched(events)


def test_deleting_every_event_is_refused(events: list[AuditEvent]) -> None:
    assert "append-only" in _refused_by_database(lambda: raw("DELETE FROM core_auditevent"))
    if connection.vendor == "postgresql":
        # Check the deferred foreign keys now, or PostgreSQL refuses TRUNCATE for that reason.
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        assert "append-only" in _refused_by_database(lambda: raw("TRUNCATE core_auditevent"))
    assert_untouched(events)


def test_a_redaction_shaped_update_that_changes_anything_else_is_refused(cast: Cast) -> None:
    learner = make_learner(cast.p1, forename="Amy", surname="Archer")
    event = audit.record(actor=cast.p1_leader, action="learner.viewed", obj=learner, provider_id=cast.p1.pk)
    now = timezone.now()
    for change in (
        {"action": "test.tampered"},
        {"provider_id_ref": cast.p2.pk},
        {"hash": "0" * 64},
        {"at": now},
    ):
        assert "append-only" in _refused_by_database(
            lambda change=change: plain().filter(pk=event.pk).update(redacted_at=now, object_repr="x", **change)
        )
    # Nor may a non-learner event be "redacted", nor a redaction be undone or redone.
    other = audit.record(actor=SystemActor("tests"), action="test.org", obj=cast.p1)
    assert "append-only" in _refused_by_database(lambda: plain().filter(pk=other.pk).update(redacted_at=now))
    audit.redact_learner_events(learner_id=learner.pk, provider=cast.p1, actor=cast.p1_leader, reason="erasure")
    assert "append-only" in _refused_by_database(lambda: plain().filter(pk=event.pk).update(redacted_at=None))
    assert "append-only" in _refused_by_database(
        lambda: plain().filter(pk=event.pk).update(redacted_at=now, object_repr="Amy Archer")
    )
    assert verify() == "OK: 3 events"


# --- The hash chain and verify_audit --------------------------------------------------------------


def test_each_event_is_chained_to_the_one_before(events: list[AuditEvent]) -> None:
    stored = list(AuditEvent.objects.order_by("id"))
    assert stored[0].prev_hash == ""
    assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    assert all(len(e.hash) == 64 and len(e.payload_digest) == 64 for e in stored)
    assert len({e.hash for e in stored}) == 3
    assert verify() == "OK: 3 events"


def test_verify_on_an_empty_trail(db: None) -> None:
    assert verify() == "OK: 0 events"


def _tamper(sql: str, *params: Any) -> None:
    """Change the table as someone with the database's owner rights could: around the triggers."""
    with triggers.maintenance(connection):
        raw(sql, *params)


def test_verify_reports_a_changed_payload_at_that_event(events: list[AuditEvent]) -> None:
    _tamper("UPDATE core_auditevent SET after = %s WHERE id = %s", '{"n": 99}', events[1].pk)
    message = verify_fails()
    assert f"broken at event {events[1].pk} " in message
    assert "its details (object, before or after) were changed" in message
    assert "1 events before it verified" in message


def test_verify_reports_a_changed_field_at_that_event(events: list[AuditEvent]) -> None:
    _tamper("UPDATE core_auditevent SET actor_label = 'someone else' WHERE id = %s", events[2].pk)
    message = verify_fails()
    assert f"broken at event {events[2].pk} " in message
    assert "its fields do not match its hash" in message


def test_verify_reports_a_redaction_made_around_redact_learner_events(cast: Cast) -> None:
    # The trigger lets a redaction-shaped UPDATE through; only redact_learner_events records it.
    learner = make_learner(cast.p1, forename="Amy", surname="Archer")
    event = audit.record_read(
        actor=cast.p1_staff, action="learner.viewed", obj=learner, provider_id=cast.p1.pk, learner_id=learner.pk
    )
    plain().filter(pk=event.pk).update(object_repr="someone else", redacted_at=timezone.now())
    message = verify_fails()
    assert f"broken at event {event.pk} " in message
    assert "redacted without a learner.events_redacted event" in message


def test_verify_reports_a_removed_event_at_the_next_one(events: list[AuditEvent]) -> None:
    _tamper("DELETE FROM core_auditevent WHERE id = %s", events[1].pk)
    message = verify_fails()
    assert f"broken at event {events[2].pk} " in message
    assert "does not follow the event before it" in message


def test_verify_reports_a_row_changed_with_the_trigger_dropped(events: list[AuditEvent]) -> None:
    for sql in triggers.statements(connection.vendor, remove=True):
        raw(sql)
    raw("UPDATE core_auditevent SET action = 'test.tampered' WHERE id = %s", events[0].pk)
    for sql in triggers.statements(connection.vendor):
        raw(sql)
    message = verify_fails()
    assert f"broken at event {events[0].pk} " in message
    assert "test.tampered" in message


# --- Redaction for erasure --------------------------------------------------------------------------


def test_redacting_a_learner_removes_their_personal_details_and_the_chain_still_verifies(cast: Cast) -> None:
    from qic.learners.actions import update_learner

    amy = make_learner(cast.p1, forename="Amy", surname="Archer")
    bo = make_learner(cast.p1, upn="A888900118001", forename="Bo", surname="Baker")
    update_learner(learner=amy, changes={"surname": "Archer-Smith"}, actor=cast.p1_leader)
    update_learner(learner=bo, changes={"surname": "Baker-Jones"}, actor=cast.p1_leader)
    audit.record_read(actor=cast.p1_staff, action="learner.viewed", obj=amy, provider_id=cast.p1.pk, learner_id=amy.pk)
    unrelated = audit.record(actor=cast.consortium, action="test.org", obj=cast.ab1)

    count = audit.redact_learner_events(
        learner_id=amy.pk, provider=cast.p1, actor=cast.p1_leader, reason="Erasure request 12"
    )

    assert count == 2
    redacted = AuditEvent.objects.filter(learner_id_ref=amy.pk).exclude(action="learner.events_redacted")
    assert [(e.object_repr, e.before, e.after) for e in redacted] == [("[redacted]", None, None)] * 2
    assert all(e.redacted_at is not None for e in redacted)
    everything = str(list(AuditEvent.objects.values_list("object_repr", "before", "after")))
    assert "Archer" not in everything
    assert "Baker-Jones" in everything  # another learner's events are untouched
    assert AuditEvent.objects.get(pk=unrelated.pk).object_repr == "North Awards"
    marker = AuditEvent.objects.get(action="learner.events_redacted")
    assert marker.after == {
        "learner_id": amy.pk,
        "events": 2,
        "event_ids": sorted(e.pk for e in redacted),
        "reason": "Erasure request 12",
    }
    assert (marker.actor, marker.learner_data, marker.provider_id_ref) == (cast.p1_leader, True, cast.p1.pk)
    assert verify() == f"OK: {AuditEvent.objects.count()} events"
    # A second call finds nothing left to redact, and says so in the trail.
    assert (
        audit.redact_learner_events(learner_id=amy.pk, provider=cast.p1, actor=SystemActor("tests"), reason="again")
        == 0
    )
    assert verify() == f"OK: {AuditEvent.objects.count()} events"


def test_redaction_is_limited_to_the_given_provider(cast: Cast) -> None:
    amy = make_learner(cast.p1, forename="Amy", surname="Archer")
    audit.record_read(actor=cast.p1_staff, action="learner.viewed", obj=amy, provider_id=cast.p1.pk, learner_id=amy.pk)
    assert (
        audit.redact_learner_events(learner_id=amy.pk, provider=cast.p2, actor=SystemActor("tests"), reason="wrong")
        == 0
    )
    assert AuditEvent.objects.get(action="learner.viewed").object_repr == "Amy Archer"


# --- Flushing a test or development database ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_leaves_events_for_the_flush() -> None:
    # pytest-django empties the tables after this test with `flush` (DELETE on SQLite, TRUNCATE
    # on PostgreSQL); the triggers let it through only inside triggers.maintenance. If they did
    # not, this test would error in its teardown and the next one would see this event.
    from tests.factories import AwardingBodyFactory

    audit.record(actor=SystemActor("tests"), action="test.before_flush", obj=AwardingBodyFactory())
    assert "append-only" in _refused_by_database(lambda: raw("DELETE FROM core_auditevent"))
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_flush_emptied_the_trail_and_the_triggers_are_back_on() -> None:
    from tests.factories import AwardingBodyFactory

    assert not AuditEvent.objects.filter(action="test.before_flush").exists()
    audit.record(actor=SystemActor("tests"), action="test.after_flush", obj=AwardingBodyFactory())
    assert "append-only" in _refused_by_database(lambda: raw("DELETE FROM core_auditevent"))


def test_maintenance_is_refused_in_production(settings: Any, db: None) -> None:
    settings.PRODUCTION = True
    with pytest.raises(PermissionError, match="cannot be wiped in production"), triggers.maintenance(connection):
        pass


# --- Migration 0003 on a trail that already has events ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_existing_events_and_hides_the_learner_ones() -> None:
    from django.db.migrations.executor import MigrationExecutor

    from qic.organisations.access import visible_audit_events
    from tests.factories import make_member

    before_chain = [("core", "0002_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before_chain)
    old_model = executor.loader.project_state(before_chain).apps.get_model("core", "AuditEvent")
    common = {"actor_label": "tests", "at": timezone.now()}
    old_model.objects.create(
        action="learner.created",
        object_type="learners.Learner",
        object_id="41",
        object_repr="Amy Archer",
        after={"surname": "Archer"},
        provider_id_ref=7,
        **common,
    )
    old_model.objects.create(
        action="interview.recorded",
        object_type="programme.Interview",
        object_id="3",
        object_repr="Interview with Amy Archer",
        after={"learner_id": 41, "summary": "Vet"},
        provider_id_ref=7,
        **common,
    )
    old_model.objects.create(
        action="activity.register_updated",
        object_type="programme.Activity",
        object_id="9",
        object_repr="Employer talk",
        after={"added": {"41": True}},
        provider_id_ref=7,
        **common,
    )
    old_model.objects.create(
        action="awarding_body.created",
        object_type="organisations.AwardingBody",
        object_id="1",
        object_repr="North Awards",
        **common,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.learner_data, e.learner_id_ref) for e in events] == [
        ("learner.created", True, 41),
        ("interview.recorded", True, 41),
        ("activity.register_updated", True, None),
        ("awarding_body.created", False, None),
    ]
    assert verify() == "OK: 4 events"
    consortium = make_member(Role.CONSORTIUM_ADMIN, email="consortium@example.org")
    assert [e.action for e in visible_audit_events(consortium)] == ["awarding_body.created"]
    assert "append-only" in _refused_by_database(lambda: raw("DELETE FROM core_auditevent"))


def test_each_provider_has_its_own_chain_and_a_removal_is_found_in_it(cast: Cast) -> None:
    """One chain per provider (and one for events with no provider), so one school's long write
    never waits on another's; each chain still shows a removed or changed event."""
    p1_first = audit.record(actor=cast.p1_leader, action="test.p1.one", obj=cast.p1, provider_id=cast.p1.pk)
    p2_first = audit.record(actor=cast.p2_leader, action="test.p2.one", obj=cast.p2, provider_id=cast.p2.pk)
    body = audit.record(actor=cast.consortium, action="test.body", obj=cast.ab1)
    p1_second = audit.record(actor=cast.p1_leader, action="test.p1.two", obj=cast.p1, provider_id=cast.p1.pk)
    p1_third = audit.record(actor=cast.p1_leader, action="test.p1.three", obj=cast.p1, provider_id=cast.p1.pk)
    assert (p1_first.prev_hash, p2_first.prev_hash, body.prev_hash) == ("", "", "")
    assert (p1_second.prev_hash, p1_third.prev_hash) == (p1_first.hash, p1_second.hash)
    assert verify() == "OK: 5 events"
    _tamper("DELETE FROM core_auditevent WHERE id = %s", p1_second.pk)
    message = verify_fails()
    assert f"broken at event {p1_third.pk} " in message
    assert "does not follow the event before it" in message
