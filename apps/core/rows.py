"""Model instances from the rows of statements written out by hand, for the busiest paths."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

# The largest key a row can have (a bigint). A statement is not sent for a number past it:
# it finds nothing, as the ORM's lookups answer.
KEY_MAX = 2**63 - 1


def is_key(value: int) -> bool:
    return 0 < value <= KEY_MAX


def loaded(model: type[M], db: str, names: Sequence[str], values: Sequence[object]) -> M:
    """An instance of `model` with the fields `names` (attnames) read as `values` from the
    database `db`, as the ORM would have loaded them with ``only()``: the other fields load
    when first read."""
    given = dict(zip(names, values, strict=True))
    connection = connections[db]
    ordered, converted = [], []
    # from_db takes the loaded values in the model's own field order, converted as the ORM
    # converts what it reads (SQLite's timestamps made aware, its text made UUIDs, ...).
    for field in model._meta.concrete_fields:
        if field.attname not in given:
            continue
        value = given[field.attname]
        column = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = convert(value, column, connection)
        ordered.append(field.attname)
        converted.append(value)
    if len(ordered) != len(given):
        raise ValueError(f"{model.__name__} has no field among {sorted(set(given) - set(ordered))}")
    return model.from_db(db, ordered, converted)


_WHOLE_ROWS: dict[tuple[type[models.Model], str], tuple[str, list[str]]] = {}


def by_key(model: type[M], key: object) -> M | None:
    """The row of `model` whose key is `key`, every field read, or None: what
    ``model._default_manager.get(pk=key)`` finds on a manager that filters nothing, by a
    statement built once per model rather than by the ORM for every call."""
    db = router.db_for_read(model)
    connection = connections[db]
    key = model._meta.pk.to_python(key)
    if isinstance(key, int) and not is_key(key):
        return None
    built = _WHOLE_ROWS.get((model, connection.vendor))
    if built is None:
        fields, quote = model._meta.concrete_fields, connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        # Every name comes from the model and is quoted; the key is a parameter.
        statement = f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608
        built = statement, [field.attname for field in fields]
        _WHOLE_ROWS[(model, connection.vendor)] = built
    statement, names = built
    with connection.cursor() as cursor:
        cursor.execute(statement, [key])
        row = cursor.fetchone()
    return loaded(model, db, names, row) if row is not None else None


def moment(value: datetime | str | None) -> datetime | None:
    """A timestamp as the ORM would give it (aware, in UTC) from a hand-written row.

    SQLite hands back a column's timestamps naive, and a subquery's or an aggregate's as text.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
