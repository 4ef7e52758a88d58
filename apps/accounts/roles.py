"""The back-office roles, as Django groups created by a migration."""

from __future__ import annotations

CURATORS = "curators"
VENUE_STAFF = "venue staff"

# What each group may do is granted by migrations (accounts 0002, performances 0003, ...).


def in_group(user, name: str) -> bool:  # noqa: ANN001
    return bool(user and user.is_authenticated and user.groups.filter(name=name).exists())


def is_curator(user) -> bool:  # noqa: ANN001
    return in_group(user, CURATORS)


def is_venue_staff(user) -> bool:  # noqa: ANN001
    return in_group(user, VENUE_STAFF)
