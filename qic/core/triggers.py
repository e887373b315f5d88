"""Database triggers that make the audit table append-only below the ORM.

PostgreSQL: one PL/pgSQL function refuses UPDATE, DELETE (per row) and TRUNCATE. SQLite: BEFORE
UPDATE and BEFORE DELETE triggers that RAISE(ABORT). Two exceptions:
- the redaction for a learner's erasure: an UPDATE of a learner-level event that changes only
  object_repr, before, after and redacted_at, with redacted_at going from NULL to a value;
- maintenance, for wiping a development or test database (`manage.py flush`, which the test
  runner uses between transactional tests): on PostgreSQL while the transaction has
  `SET LOCAL qic.audit_maintenance = 'on'`, on SQLite while `qic_audit_maintenance` holds a row.
  `qic.core.management.commands.flush` turns it on, never in production.

A migration that rebuilds core_auditevent on SQLite (Django copies the table for most field
changes) drops these triggers: such a migration must call `install()` again afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "Audit events are append-only"

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION qic_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('qic.audit_maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND OLD.learner_data
       AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
       AND (to_jsonb(OLD) - 'object_repr' - 'before' - 'after' - 'redacted_at')
           = (to_jsonb(NEW) - 'object_repr' - 'before' - 'after' - 'redacted_at')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}: % refused on core_auditevent', TG_OP;
END;
$$;
DROP TRIGGER IF EXISTS qic_audit_no_change ON core_auditevent;
CREATE TRIGGER qic_audit_no_change BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION qic_audit_guard();
DROP TRIGGER IF EXISTS qic_audit_no_truncate ON core_auditevent;
CREATE TRIGGER qic_audit_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION qic_audit_guard();
"""

POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS qic_audit_no_change ON core_auditevent;
DROP TRIGGER IF EXISTS qic_audit_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS qic_audit_guard();
"""

# Every column except the four a redaction may change; `IS` compares NULLs as equal.
_KEPT = (
    "id",
    "actor_id",
    "actor_label",
    "at",
    "action",
    "object_type",
    "object_id",
    "awarding_body_id_ref",
    "provider_id_ref",
    "learner_id_ref",
    "learner_data",
    "payload_digest",
    "prev_hash",
    "hash",
)
_REDACTION = " AND ".join(
    ["OLD.learner_data", "OLD.redacted_at IS NULL", "NEW.redacted_at IS NOT NULL"]
    + [f'NEW."{c}" IS OLD."{c}"' for c in _KEPT]
)

# S608: the SQL is built only from the constants above, never from input.
SQLITE_INSTALL = [
    "CREATE TABLE IF NOT EXISTS qic_audit_maintenance (enabled integer NOT NULL)",
    "DROP TRIGGER IF EXISTS qic_audit_no_update",
    "DROP TRIGGER IF EXISTS qic_audit_no_delete",
    f"""CREATE TRIGGER qic_audit_no_update BEFORE UPDATE ON core_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM qic_audit_maintenance) AND NOT ({_REDACTION})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused on core_auditevent'); END""",  # noqa: S608
    f"""CREATE TRIGGER qic_audit_no_delete BEFORE DELETE ON core_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM qic_audit_maintenance)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused on core_auditevent'); END""",  # noqa: S608
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS qic_audit_no_update",
    "DROP TRIGGER IF EXISTS qic_audit_no_delete",
    "DROP TABLE IF EXISTS qic_audit_maintenance",
]


def statements(vendor: str, *, remove: bool = False) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRES_REMOVE if remove else POSTGRES_INSTALL]
    if vendor == "sqlite":
        return SQLITE_REMOVE if remove else SQLITE_INSTALL
    raise NotImplementedError(f"No audit triggers for {vendor}: add them before using this database")


def install(schema_editor: Any) -> None:
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def remove(schema_editor: Any) -> None:
    for sql in statements(schema_editor.connection.vendor, remove=True):
        schema_editor.execute(sql, params=None)


@contextmanager
def maintenance(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let the audit table be emptied inside this block (one transaction). Never in production."""
    from django.conf import settings

    if getattr(settings, "PRODUCTION", False):
        raise PermissionError(f"{MESSAGE}: the audit trail cannot be wiped in production")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL qic.audit_maintenance = 'on'")
            try:
                yield
            finally:
                # SET LOCAL lasts to the end of the outer transaction, not of this block.
                cursor.execute("SET LOCAL qic.audit_maintenance = 'off'")
        else:
            cursor.execute("INSERT INTO qic_audit_maintenance (enabled) VALUES (1)")
            try:
                yield
            finally:
                cursor.execute("DELETE FROM qic_audit_maintenance")
