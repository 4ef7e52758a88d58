"""Demo areas and genres for one city (Lisbon), loaded by `manage.py load_demo`."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from .models import Area, Genre

GENRES = [
    "Rock",
    "Jazz",
    "Folk",
    "Pop",
    "Classical",
    "Hip-hop",
    "Electronic",
    "Latin",
    "World",
    "Fado",
    "Other",
]

# Outlines traced loosely around each neighbourhood, as (lng, lat) corners.
AREAS = {
    "Baixa": [
        (-9.1418, 38.7082),
        (-9.1342, 38.7080),
        (-9.1336, 38.7140),
        (-9.1372, 38.7166),
        (-9.1422, 38.7150),
    ],
    "Alfama": [
        (-9.1336, 38.7094),
        (-9.1238, 38.7100),
        (-9.1232, 38.7150),
        (-9.1290, 38.7168),
        (-9.1336, 38.7140),
    ],
    "Bairro Alto": [
        (-9.1500, 38.7098),
        (-9.1420, 38.7096),
        (-9.1422, 38.7150),
        (-9.1440, 38.7172),
        (-9.1495, 38.7168),
    ],
    "Príncipe Real": [
        (-9.1552, 38.7170),
        (-9.1440, 38.7172),
        (-9.1432, 38.7206),
        (-9.1480, 38.7226),
        (-9.1548, 38.7222),
    ],
    "Arroios": [
        (-9.1420, 38.7180),
        (-9.1296, 38.7178),
        (-9.1290, 38.7300),
        (-9.1352, 38.7322),
        (-9.1418, 38.7298),
    ],
    "Avenidas Novas": [
        (-9.1552, 38.7300),
        (-9.1402, 38.7302),
        (-9.1398, 38.7448),
        (-9.1480, 38.7460),
        (-9.1556, 38.7440),
    ],
    "Alcântara": [
        (-9.1902, 38.6990),
        (-9.1700, 38.6992),
        (-9.1698, 38.7080),
        (-9.1780, 38.7102),
        (-9.1900, 38.7096),
    ],
    "Belém": [
        (-9.2200, 38.6900),
        (-9.1950, 38.6905),
        (-9.1952, 38.7000),
        (-9.2060, 38.7022),
        (-9.2198, 38.7018),
    ],
}
CITY = "Lisbon"


def _slug(name: str) -> str:
    return slugify(name.replace("í", "i").replace("â", "a"))


@transaction.atomic
def load() -> None:
    for name in GENRES:
        Genre.objects.get_or_create(slug=_slug(name), defaults={"name": name})
    for name, corners in AREAS.items():
        ring = [list(c) for c in [*corners, corners[0]]]
        Area.objects.get_or_create(
            slug=_slug(name),
            defaults={"name": name, "city": CITY, "boundary": {"type": "Polygon", "coordinates": [ring]}},
        )
