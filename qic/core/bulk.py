"""Writing many rows with the driver's executemany, for the few writes where Django's bulk
methods cost more in Python than the database spends on them (a trust's 10,000-learner import).

Values are prepared by each model field (`get_db_prep_save`), exactly as `save()` prepares
them; table and column names come from the model. No signals, no auto fields filled in: the
caller sets every value (e.g. `updated_at`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    by_name.update({field.name: field for field in model._meta.concrete_fields})
    return [by_name[name] for name in names]


def _values(obj: models.Model, fields: list[models.Field[Any, Any]]) -> list[Any]:
    return [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]


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
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields] + [obj.pk] for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


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
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    rows = [_values(obj, fields) for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
