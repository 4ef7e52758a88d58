from __future__ import annotations

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from apps.accounts.models import ArtistProfile, Follow, Notification, NotificationKind, User
from apps.media.models import Clip, MediaStatus, Story, Track
from apps.performances.models import Performance, Stop
from apps.places.models import Area, Genre
from apps.venues.models import Event, EventStatus, Venue

PASSWORD = "a-strong-test-password"


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.Sequence(lambda n: f"genre-{n}")


def square(lat: float, lng: float, half: float = 0.01) -> dict:
    ring = [
        [lng - half, lat - half],
        [lng + half, lat - half],
        [lng + half, lat + half],
        [lng - half, lat + half],
        [lng - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")
    city = "Lisbon"
    boundary = factory.LazyFunction(lambda: square(38.71, -9.14))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def group(self, create: bool, extracted: str | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            self.is_staff = True
            self.save(update_fields=["is_staff"])


class ArtistProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArtistProfile

    user = factory.SubFactory(UserFactory)
    stage_name = factory.Sequence(lambda n: f"Busker {n}")
    slug = factory.Sequence(lambda n: f"busker-{n}")
    bio = "<p>Songs on the corner.</p>"


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    fan = factory.SubFactory(UserFactory)
    artist = factory.SubFactory(ArtistProfileFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = NotificationKind.NEW_FOLLOWER
    text = factory.Sequence(lambda n: f"Something happened {n}")


class PerformanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Performance

    artist = factory.SubFactory(ArtistProfileFactory)
    title = factory.Sequence(lambda n: f"Set {n}")
    description = "Songs for the street."


class StopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stop

    performance = factory.SubFactory(PerformanceFactory)
    order = factory.Sequence(lambda n: n + 1)
    lat = 38.7139
    lng = -9.1394
    place_name = "Praça do Comércio"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=10))
    ends_at = factory.LazyAttribute(lambda stop: stop.starts_at + timedelta(hours=1))
    performance_status = factory.LazyAttribute(lambda stop: stop.performance.status)


class _ReadyMediaFactory(factory.django.DjangoModelFactory):
    """A processed item with small stand-in files (the bytes are not real media)."""

    class Meta:
        abstract = True

    artist = factory.SubFactory(ArtistProfileFactory)
    status = MediaStatus.READY
    source = factory.django.FileField(filename="source.mp4", data=b"0123456789" * 10)
    web_file = factory.django.FileField(filename="web.mp4", data=bytes(range(100)))
    poster = factory.django.FileField(filename="poster.jpg", data=b"poster")
    thumbnail = factory.django.FileField(filename="thumb.jpg", data=b"thumb")
    kind = "video"
    container = "mp4"
    mime_type = "video/mp4"
    duration = 12.0
    width = 320
    height = 240


class ClipFactory(_ReadyMediaFactory):
    class Meta:
        model = Clip

    title = factory.Sequence(lambda n: f"Clip {n}")


class StoryFactory(_ReadyMediaFactory):
    class Meta:
        model = Story

    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda story: story.created_at + timedelta(hours=24))


class TrackFactory(_ReadyMediaFactory):
    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Track {n}")
    source = factory.django.FileField(filename="source.mp3", data=b"ID3" + b"0" * 97)
    web_file = factory.django.FileField(filename="web.m4a", data=bytes(range(100)))
    poster = ""
    kind = "audio"
    container = "mp3"
    mime_type = "audio/mpeg"
    duration = 180.0
    width = None
    height = None


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Venue {n}")
    slug = factory.Sequence(lambda n: f"venue-{n}")
    lat = 38.7106
    lng = -9.1436

    @factory.post_generation
    def staff(self, create: bool, extracted, **kwargs) -> None:  # noqa: ANN001
        if create and extracted:
            self.staff.add(*extracted)


class EventFactory(factory.django.DjangoModelFactory):
    """An active event; ``tracks=[...]`` hand-picks its pool."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Jukebox night {n}")
    status = EventStatus.ACTIVE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=5))
    vote_cooldown_seconds = 0

    @factory.post_generation
    def tracks(self, create: bool, extracted, **kwargs) -> None:  # noqa: ANN001
        if create and extracted:
            self.pool_tracks.add(*extracted)
