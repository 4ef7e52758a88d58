"""Demo performances: live now, later today and tomorrow, loaded by `manage.py load_demo`."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import ArtistProfile
from apps.places.models import Area, Genre
from apps.places.querysets import smallest_containing

from .models import Performance, PerformanceStatus, Stop

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
def load() -> None:
    """Demo performances live now, later today and tomorrow. Kept while their times are still
    current, so loading twice changes nothing; moved to around now once they have gone stale."""
    now = timezone.now().replace(second=0, microsecond=0)
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
