"""Demo venues: two bars with their own staff, one with a jukebox night running now."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import demo_user
from apps.accounts.roles import VENUE_STAFF
from apps.media.models import Track
from apps.places.models import Area, Genre

from .models import Event, EventStatus, Venue

VENUES = [
    # slug, name, address, lat, lng, area, staff email, staff name
    (
        "tasca-do-chico",
        "Tasca do Chico",
        "Rua do Diário de Notícias 39",
        38.7117,
        -9.1446,
        "bairro-alto",
        "venue@demo.encore.local",
        "Demo Venue Staff",
    ),
    (
        "lx-factory-stage",
        "LX Factory Stage",
        "Rua Rodrigues de Faria 103",
        38.7036,
        -9.1786,
        "belem",
        "venue2@demo.encore.local",
        "Second Venue Staff",
    ),
]


@transaction.atomic
def load() -> list[tuple[str, str]]:
    """Create what is missing; keep an event running at the first venue around now."""
    accounts = []
    group = Group.objects.get(name=VENUE_STAFF)
    now = timezone.now()
    for slug, name, address, lat, lng, area, email, person in VENUES:
        staff = demo_user(email, person, staff=True)
        staff.groups.add(group)
        venue, _ = Venue.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "address": address,
                "lat": lat,
                "lng": lng,
                "area": Area.objects.filter(slug=area).first(),
            },
        )
        venue.staff.add(staff)
        accounts.append((f"staff of {name}", email))
    venue = Venue.objects.get(slug=VENUES[0][0])
    running = Event.objects.filter(venue=venue, status=EventStatus.ACTIVE, ends_at__gt=now).first()
    if running is None:
        Event.objects.filter(venue=venue, status=EventStatus.ACTIVE).update(status=EventStatus.ENDED)
        running = Event.objects.create(
            venue=venue,
            name="Fado & friends jukebox",
            status=EventStatus.ACTIVE,
            starts_at=now - timedelta(minutes=30),
            ends_at=now + timedelta(hours=6),
            vote_cooldown_seconds=15,
        )
        running.pool_genres.set(Genre.objects.all())
        running.pool_tracks.set(Track.objects.public())
    second = Venue.objects.get(slug=VENUES[1][0])
    if not Event.objects.filter(venue=second).exists():
        Event.objects.create(
            venue=second,
            name="Saturday open decks",
            status=EventStatus.DRAFT,
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=2, hours=5),
        )
    return accounts
