"""The back-office roles, as Django groups created by a migration."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

CURATORS = "curators"
VENUE_STAFF = "venue staff"

# What each group may do is granted by migrations (accounts 0002, performances 0003, ...).


def in_group(user, name: str) -> bool:  # noqa: ANN001
    return bool(user and user.is_authenticated and user.groups.filter(name=name).exists())


def is_curator(user) -> bool:  # noqa: ANN001
    return in_group(user, CURATORS)


def can_curate(user) -> bool:  # noqa: ANN001
    """Curators, and superusers who may do anything a curator does."""
    return bool(user and user.is_authenticated and (user.is_superuser or is_curator(user)))


def require_curator(user, message: str = "Only curators can do this.") -> None:  # noqa: ANN001
    if not can_curate(user):
        raise PermissionDenied(message)
