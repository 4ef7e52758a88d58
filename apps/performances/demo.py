"""Demo areas and genres for one city (Lisbon), loaded by `manage.py load_demo`."""

from __future__ import annotations

from django.db import transaction

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
CITY_CENTRE = (38.7139, -9.1394)


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("í", "i").replace("â", "a"))


@transaction.atomic
def load() -> dict[str, list]:
    genres = [Genre.objects.get_or_create(slug=_slug(name), defaults={"name": name})[0] for name in GENRES]
    areas = []
    for name, corners in AREAS.items():
        ring = [list(c) for c in [*corners, corners[0]]]
        area, _ = Area.objects.get_or_create(
            slug=_slug(name),
            defaults={"name": name, "city": CITY, "boundary": {"type": "Polygon", "coordinates": [ring]}},
        )
        areas.append(area)
    return {"genres": genres, "areas": areas}


# (artist slug, title, genre, minutes from now the first stop starts, live?, [(place, lat, lng, minutes)])
PERFORMANCES = [
    (
        "marta-lume",
        "Fado at dusk",
        "fado",
        -20,
        True,
        [
            ("Miradouro de Santa Luzia", 38.7118, -9.1302, 60),
            ("Largo do Chafariz de Dentro", 38.7110, -9.1268, 45),
        ],
    ),
    ("tiago-sax", "Sax under the arch", "jazz", -40, True, [("Arco da Rua Augusta", 38.7089, -9.1367, 90)]),
    (
        "neon-tram",
        "Synths on the hill",
        "electronic",
        150,
        False,
        [
            ("Largo do Camões", 38.7107, -9.1434, 60),
            ("Miradouro de São Pedro de Alcântara", 38.7151, -9.1446, 60),
        ],
    ),
    (
        "kora-collective",
        "Four continents",
        "world",
        300,
        False,
        [("Largo do Intendente", 38.7219, -9.1354, 90)],
    ),
    (
        "ines-cordas",
        "Cello by the river",
        "classical",
        60 * 26,
        False,
        [("Padrão dos Descobrimentos", 38.6936, -9.2057, 75), ("Jardim de Belém", 38.6969, -9.2036, 60)],
    ),
]


@transaction.atomic
def load_performances() -> int:
    """Demo performances live now, later today and tomorrow. Kept while their times are still
    current, so loading twice changes nothing; moved to around now once they have gone stale."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.accounts.models import ArtistProfile

    from .models import Performance, PerformanceStatus, Stop
    from .querysets import smallest_containing

    now = timezone.now().replace(second=0, microsecond=0)
    refreshed = 0
    for slug, title, genre, offset, live, stops in PERFORMANCES:
        artist = ArtistProfile.objects.filter(slug=slug).first()
        if artist is None:
            continue
        performance = Performance.objects.filter(artist=artist, title=title).first()
        last_end = (
            performance and performance.stops.order_by("-ends_at").values_list("ends_at", flat=True).first()
        )
        current = performance is not None and last_end is not None and last_end > now
        current = current and performance.status == (
            PerformanceStatus.LIVE if live else PerformanceStatus.SCHEDULED
        )
        if current:
            continue
        if performance is None:
            performance = Performance(artist=artist, title=title)
        performance.genre = Genre.objects.filter(slug=genre).first()
        performance.description = f"{title}, by {artist.stage_name}."
        first_place = stops[0]
        performance.status = PerformanceStatus.LIVE if live else PerformanceStatus.SCHEDULED
        performance.started_at = now if live else None
        performance.ended_at = None
        performance.position_lat = first_place[1] if live else None
        performance.position_lng = first_place[2] if live else None
        performance.save()
        performance.stops.all().delete()
        start = now + timedelta(minutes=offset)
        areas = list(Area.objects.all())
        for order, (place, lat, lng, minutes) in enumerate(stops, start=1):
            Stop.objects.create(
                performance=performance,
                order=order,
                lat=lat,
                lng=lng,
                place_name=place,
                area=smallest_containing(areas, lat, lng),
                starts_at=start,
                ends_at=start + timedelta(minutes=minutes),
                performance_status=performance.status,
            )
            start += timedelta(minutes=minutes + 15)
        refreshed += 1
    return refreshed
