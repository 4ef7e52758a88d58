"""A query parameter is one plain value: sent as an object or a list, it is refused by name.

``?radius_km[a]=1`` (how many clients write an object) leaves no ``radius_km`` at all, and
``?when=now&when=today`` keeps only the last value; either would quietly pass for something
the client did not ask for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

ONE_VALUE = "Give one plain value, not a list or an object."


def structured(params: Mapping[str, str], names: Iterable[str]) -> dict[str, list[str]]:
    """An error for each of ``names`` sent as an object (``name[…]``) or more than once."""
    getlist = getattr(params, "getlist", None)
    errors: dict[str, list[str]] = {}
    for name in names:
        as_object = any(key.startswith(f"{name}[") for key in params)
        repeated = getlist is not None and len(getlist(name)) > 1
        if as_object or repeated:
            errors[name] = [ONE_VALUE]
    return errors
