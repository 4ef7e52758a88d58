"""Demo curation: the demo curator's collections and home-page features, an evening's audience,
and the stats and trending lists that audience makes, loaded by `manage.py load_demo`.

Everything goes through the same services as a curator's, a listener's or a fan's own actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import ArtistProfile, User
from apps.core import artwork
from apps.media import services as media_services
from apps.media.models import Play, Track
from apps.performances import services as performance_services
from apps.performances.models import Performance
from apps.places.models import Area, Genre

from .models import Collection, CollectionItem, CollectionStatus, Feature, FeatureSlot
from .services import create_feature, publish_collection
from .stats import aggregate_days, site_today
from .trending import compute_trending

CURATOR = "curator@demo.encore.local"
FANS = ("fan@demo.encore.local", "fan2@demo.encore.local")
STATS_DAYS = 30
FEATURE_DAYS = 14


@dataclass(frozen=True)
class DemoCollection:
    slug: str
    title: str
    intro: str
    areas: tuple[str, ...]
    genres: tuple[str, ...]
    # (kind, artist slug, title or "" for the artist itself, note)
    items: tuple[tuple[str, str, str, str], ...]
    publish: bool


COLLECTIONS = [
    DemoCollection(
        "fado-after-dark",
        "Fado after dark",
        "Where the city sings after sunset: fado on the Alfama steps, a saxophone under the arch, "
        "and the songs to take home.",
        ("alfama", "baixa"),
        ("fado", "jazz"),
        (
            ("artist", "marta-lume", "", "Start here: the voice of the Alfama steps."),
            (
                "performance",
                "marta-lume",
                "Fado at dusk",
                "Follow her from Santa Luzia down to the fountain.",
            ),
            ("track", "marta-lume", "Saudade do Tejo", "The river, in six notes."),
            ("artist", "tiago-sax", "", "When the fado ends, walk down to the arch."),
            ("track", "tiago-sax", "Arco Blues", "For the tram ride home."),
        ),
        publish=True,
    ),
    DemoCollection(
        "sunday-by-the-river",
        "Sunday by the river",
        "A slow Sunday in Belém. Still a draft: the curator is choosing the last picks.",
        ("belem",),
        ("classical",),
        (
            ("artist", "ines-cordas", "", "Bach by the water."),
            ("performance", "ines-cordas", "Cello by the river", "Bring a blanket."),
        ),
        publish=False,
    ),
]

# The audience of the evening the demo loads into: (artist slug, performance title, visitors).
VIEWERS = [("marta-lume", "Fado at dusk", 9), ("tiago-sax", "Sax under the arch", 5)]
# (fan email, artist slug, performance title)
LIKES = [
    (FANS[0], "marta-lume", "Fado at dusk"),
    (FANS[1], "marta-lume", "Fado at dusk"),
    (FANS[0], "tiago-sax", "Sax under the arch"),
]
# (artist slug, track title, listeners)
LISTENERS = [
    ("marta-lume", "Saudade do Tejo", 6),
    ("tiago-sax", "Arco Blues", 4),
    ("neon-tram", "Tram 28 at Night", 3),
    ("kora-collective", "Four Winds", 2),
]
VISITOR_PREFIX = "demo-visitor-"
LISTENER_PREFIX = "demo-listener-"


def _target(kind: str, artist_slug: str, title: str) -> ArtistProfile | Performance | Track | None:
    if kind == "artist":
        return ArtistProfile.objects.filter(slug=artist_slug).first()
    model = Performance if kind == "performance" else Track
    return model.objects.filter(artist__slug=artist_slug, title=title).first()


def _collection(spec: DemoCollection, curator: User) -> Collection:
    """The collection with this slug; made with its items the first time only, so a curator's
    later edits to it survive the next load."""
    collection = Collection.objects.filter(slug=spec.slug).first()
    if collection is not None:
        if not collection.cover:
            _cover(collection)
        return collection
    collection = Collection(slug=spec.slug, title=spec.title, intro=spec.intro, curator=curator)
    _cover(collection)
    collection.areas.set(Area.objects.filter(slug__in=spec.areas))
    collection.genres.set(Genre.objects.filter(slug__in=spec.genres))
    position = 0
    for kind, artist_slug, title, note in spec.items:
        target = _target(kind, artist_slug, title)
        # Without ffmpeg the demo has no tracks: the collection simply has fewer picks.
        if target is None:
            continue
        position += 1
        CollectionItem.objects.create(collection=collection, position=position, note=note, **{kind: target})
    if spec.publish and position:
        collection = publish_collection(collection, actor=curator)
    return collection


def _cover(collection: Collection) -> None:
    """A banner with the collection's title set in type; saves the collection."""
    picture = artwork.cover(collection.slug, title=collection.title)
    collection.cover.save(picture.name, picture, save=True)


def _feature(slot: str, curator: User, **target: object) -> Feature | None:
    """Feature the target from now for two weeks, unless the slot is taken for any of that span."""
    now = timezone.now()
    ends_at = now + timedelta(days=FEATURE_DAYS)
    if Feature.objects.overlapping(slot, now, ends_at).exists():
        return None
    return create_feature(slot=slot, starts_at=now, ends_at=ends_at, actor=curator, **target)


def _audience() -> int:
    """An evening's views, likes and plays, recorded as the demo loads; at most once a day, so
    loading again soon after adds nothing while a demo loaded days later still trends."""
    since = timezone.now() - timedelta(days=1)
    if Play.objects.filter(listener__startswith=LISTENER_PREFIX, created_at__gte=since).exists():
        return 0
    recorded = 0
    for artist_slug, title, visitors in VIEWERS:
        performance = _target("performance", artist_slug, title)
        for n in range(performance and visitors or 0):
            recorded += performance_services.record_view(performance, visitor=f"{VISITOR_PREFIX}{n}")
    for email, artist_slug, title in LIKES:
        performance, fan = (
            _target("performance", artist_slug, title),
            User.objects.filter(email=email).first(),
        )
        if performance and fan:
            performance_services.like_performance(performance, user=fan)
            recorded += 1
    for artist_slug, title, listeners in LISTENERS:
        track = Track.objects.public().filter(artist__slug=artist_slug, title=title).first()
        for n in range(track and listeners or 0):
            listened = media_services.play_threshold(track)
            play = media_services.record_play(
                track, listener=f"{LISTENER_PREFIX}{n}", user=None, listened_seconds=listened
            )
            recorded += play is not None
    return recorded


def load() -> None:
    """Collections, features and an audience where missing; then the last month's stats and
    trending, so the home page, trending and the artists' stats show data at once."""
    curator = User.objects.filter(email=CURATOR).first()
    if curator is None:
        return
    with transaction.atomic():
        published, _draft = [_collection(spec, curator) for spec in COLLECTIONS]
        if published.status == CollectionStatus.PUBLISHED:
            _feature(
                FeatureSlot.HERO, curator, collection=published, note="Tonight's walk through fado and jazz."
            )
        tiago = ArtistProfile.objects.filter(slug="tiago-sax").first()
        if tiago is not None:
            _feature(
                FeatureSlot.SPOTLIGHT_1,
                curator,
                artist=tiago,
                note="Standards under the arch, every evening.",
            )
        _audience()
    today = site_today()
    aggregate_days(today - timedelta(days=STATS_DAYS - 1), today)
    compute_trending()
