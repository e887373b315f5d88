"""Writing many rows with the driver's executemany, for the few writes where Django's bulk
methods cost more in Python than the database spends on them (a trust's 10,000-learner import).

Values are prepared by each model field (`get_db_prep_save`), exactly as `save()` prepares
them; table and column names come from the model. No signals, no auto fields filled in: the
caller sets every value (e.g. `updated_at`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    by_name.update({field.name: field for field in model._meta.concrete_fields})
    return [by_name[name] for name in names]


# Field classes whose `get_db_prep_save` gives back None, or a value of the one exact type
# listed, unchanged (CharField's is str(value), IntegerField's int(value), on every database).
# Only these exact classes: a subclass may prepare its values differently.
_PASSTHROUGH: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.EmailField: str,
    models.SlugField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
}


def _passthrough(field: models.Field[Any, Any]) -> type | None:
    """The exact type of value `field` stores as it is, if any (a foreign key: its target's)."""
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        return int if type(target) in (models.AutoField, models.BigAutoField, models.SmallAutoField) else None
    return _PASSTHROUGH.get(type(field))


# Values prepared once per statement and reused: the same date or time on many rows (an
# import's `now`, common dates of birth) is prepared the same way each time.
_MEMO_TYPES = (dt.date, dt.datetime)

Preparer = tuple[str, type | None, models.Field[Any, Any], dict[Any, Any]]


def _preparers(fields: list[models.Field[Any, Any]]) -> list[Preparer]:
    return [(field.attname, _passthrough(field), field, {}) for field in fields]


def _values(obj: models.Model, preparers: list[Preparer], db: BaseDatabaseWrapper) -> list[Any]:
    """The object's values as `save()` would send them: the plain ones of the fields above
    without Django's full preparation (the slow part of inserting many rows), the rest through it."""
    values = []
    for attname, plain, field, memo in preparers:
        value = getattr(obj, attname)
        if plain is not None and (value is None or type(value) is plain):
            values.append(value)
        elif type(value) in _MEMO_TYPES:
            key = (type(value), value)
            if key not in memo:
                memo[key] = field.get_db_prep_save(value, db)
            values.append(memo[key])
        else:
            values.append(field.get_db_prep_save(value, db))
    return values


def update_rows(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """UPDATE `names` of each object, by primary key: one statement, sent for all at once."""
    if not objs:
        return
    model = type(objs[0])
    fields = _fields(model, names)
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(str(pk.column))} = %s"  # noqa: S608 - names from the model
    preparers = _preparers(fields)
    db = connections[DEFAULT_DB_ALIAS]
    rows = [[*_values(obj, preparers, db), obj.pk] for obj in objs]
    if connection.vendor == "postgresql":
        _update_by_copy(model, fields, pk, rows)
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update_by_copy(
    model: type[models.Model], fields: list[models.Field[Any, Any]], pk: models.Field[Any, Any], rows: list[list[Any]]
) -> None:
    """PostgreSQL: COPY the new values into a temporary table and UPDATE from it in one
    statement, as 1,000 single-row UPDATEs cost the server several times more. The table is
    dropped at once (and with the transaction if anything fails)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(str(field.column)) for field in fields] + [quote(str(pk.column))]
    names = ", ".join(columns)
    scratch = quote("qic_bulk_update")
    assignments = ", ".join(f"{column} = {scratch}.{column}" for column in columns[:-1])
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Same column types as the table, none of its constraints or rows.
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} AS SELECT {names} FROM {table} WITH NO DATA")  # noqa: S608 - names from the model
        with cursor.cursor.copy(f"COPY {scratch} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {scratch} WHERE {table}.{columns[-1]} = {scratch}.{columns[-1]}"  # noqa: S608 - names from the model
        )
        cursor.execute(f"DROP TABLE {scratch}")


def insert_rows(objs: Sequence[models.Model]) -> None:
    """INSERT the objects (every concrete field but an auto primary key), in order; their ids
    are not read back, so use it only for rows nothing refers to afterwards."""
    if not objs:
        return
    model = type(objs[0])
    fields = [field for field in model._meta.concrete_fields if not isinstance(field, models.AutoField)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from the model
    preparers = _preparers(fields)
    db = connections[DEFAULT_DB_ALIAS]
    rows = [_values(obj, preparers, db) for obj in objs]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY, in order (so ids ascend with it): the server runs 1,000 single-row
            # INSERTs several times slower. Triggers and constraints apply as to an INSERT.
            copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(sql + f"({placeholders})", rows)
