"""The back-office roles, as Django groups created by a migration."""

from __future__ import annotations

CURATORS = "curators"
VENUE_STAFF = "venue staff"

# (app_label, model) -> actions; later apps extend these in their own migrations.
CURATOR_PERMISSIONS = {
    ("performances", "genre"): ("add", "change", "delete", "view"),
    ("performances", "area"): ("add", "change", "delete", "view"),
    ("accounts", "artistprofile"): ("change", "view"),
    ("performances", "performance"): ("view",),
}
VENUE_STAFF_PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("performances", "genre"): ("view",),
}


def in_group(user, name: str) -> bool:  # noqa: ANN001
    return bool(user and user.is_authenticated and user.groups.filter(name=name).exists())


def is_curator(user) -> bool:  # noqa: ANN001
    return in_group(user, CURATORS)


def is_venue_staff(user) -> bool:  # noqa: ANN001
    return in_group(user, VENUE_STAFF)
