"""Model instances from the rows of statements written out by hand, for the busiest paths."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def loaded(model: type[M], db: str, names: Sequence[str], values: Sequence[object]) -> M:
    """An instance of `model` with the fields `names` (attnames) set to `values`, as the ORM
    would have loaded them with ``only()``: the other fields load when first read."""
    given = dict(zip(names, values, strict=True))
    # from_db takes the loaded values in the model's own field order.
    ordered = [field.attname for field in model._meta.concrete_fields if field.attname in given]
    if len(ordered) != len(given):
        raise ValueError(f"{model.__name__} has no field among {sorted(set(given) - set(ordered))}")
    return model.from_db(db, ordered, [given[name] for name in ordered])


def moment(value: datetime | str | None) -> datetime | None:
    """A timestamp as the ORM would give it (aware, in UTC) from a hand-written row.

    SQLite hands back a column's timestamps naive, and a subquery's or an aggregate's as text.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
