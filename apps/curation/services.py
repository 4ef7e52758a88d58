"""Curation rules: publishing collections and placing features on the home page."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import ArtistProfile, User
from apps.accounts.roles import can_curate, require_curator
from apps.media.models import Track
from apps.performances.models import Performance

from .models import Collection, CollectionItem, CollectionStatus, Feature, FeatureSlot

# Home-page order: the hero first, then the spotlights.
SLOT_ORDER = [slot.value for slot in FeatureSlot]
TARGETS = ("artist", "performance", "track", "collection")


def describe_moment(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d %b %Y %H:%M}"


def kind_of(entry: CollectionItem | Feature) -> str:
    """Which kind of thing a collection item or a feature points at: artist, performance, ..."""
    return next((name for name in TARGETS if getattr(entry, f"{name}_id", None) is not None), "")


def describe_span(starts_at: datetime, ends_at: datetime) -> str:
    return f"{describe_moment(starts_at)} – {describe_moment(ends_at)}"


# --- collections ----------------------------------------------------------------------


@transaction.atomic
def publish_collection(collection: Collection, *, actor: User) -> Collection:
    """Make a collection public; from now on, unless its window starts later."""
    require_curator(actor)
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if collection.status == CollectionStatus.PUBLISHED:
        return collection
    now = timezone.now()
    if collection.publish_until is not None and collection.publish_until <= now:
        ended = describe_moment(collection.publish_until)
        raise ValidationError({"publish_until": f"The window ended on {ended}; move its end first."})
    if not collection.items.exists():
        raise ValidationError("Add at least one item before publishing.")
    collection.status = CollectionStatus.PUBLISHED
    # "Newest first" means newest published: an open window starts at the moment of publishing.
    if collection.publish_from is None:
        collection.publish_from = now
    collection.save(update_fields=["status", "publish_from", "updated_at"])
    return collection


@transaction.atomic
def unpublish_collection(collection: Collection, *, actor: User) -> Collection:
    """Take a collection off the site; it stays as a draft, items and all."""
    require_curator(actor)
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if collection.status == CollectionStatus.DRAFT:
        return collection
    collection.status = CollectionStatus.DRAFT
    collection.save(update_fields=["status", "updated_at"])
    return collection


# --- features -------------------------------------------------------------------------


def _lock_slot(slot: str) -> None:
    # Two curators saving overlapping spans at once would each see no clash; on PostgreSQL
    # they queue on a lock per slot. SQLite already lets only one writer in at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"curation.feature.{slot}"])


def check_feature_span(
    slot: str, starts_at: datetime, ends_at: datetime, *, exclude_id: int | None = None
) -> None:
    """Refuse a span that ends before it starts or overlaps another feature in the slot,
    naming the feature it clashes with. Touching spans (one ends as the next starts) are fine."""
    if slot not in SLOT_ORDER:
        raise ValidationError({"slot": f"Choose one of: {', '.join(SLOT_ORDER)}."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end must come after the start."})
    clash = (
        Feature.objects.overlapping(slot, starts_at, ends_at)
        .exclude(pk=exclude_id)
        .select_related("artist", "performance", "track", "collection")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"This span overlaps “{clash}” ({describe_span(clash.starts_at, clash.ends_at)}) in the "
            f"same slot. Choose a span that starts when it ends or ends when it starts.",
            code="overlap",
        )


def check_feature_target(**targets: object) -> None:
    """Exactly one of an artist, a performance, a track or a collection, which the public may see."""
    chosen = [name for name in TARGETS if targets.get(name) is not None]
    if len(chosen) != 1:
        raise ValidationError("Choose exactly one artist, performance, track or collection.", code="target")
    track = targets.get("track")
    if isinstance(track, Track) and not Track.objects.public().filter(pk=track.pk).exists():
        raise ValidationError({"track": "This track is hidden or not processed yet."})
    performance, artist = targets.get("performance"), targets.get("artist")
    if (
        isinstance(performance, Performance)
        and not Performance.objects.public().filter(pk=performance.pk).exists()
    ):
        raise ValidationError({"performance": "This performance is hidden by a curator."})
    if isinstance(artist, ArtistProfile) and artist.hidden:
        raise ValidationError({"artist": "This artist is hidden by a curator."})


@transaction.atomic
def create_feature(
    *,
    slot: str,
    starts_at: datetime,
    ends_at: datetime,
    actor: User,
    artist: ArtistProfile | None = None,
    performance: Performance | None = None,
    track: Track | None = None,
    collection: Collection | None = None,
    headline: str = "",
    note: str = "",
) -> Feature:
    """Place one item in a home-page slot for a span that no other feature in the slot covers."""
    require_curator(actor)
    check_feature_target(artist=artist, performance=performance, track=track, collection=collection)
    _lock_slot(slot)
    check_feature_span(slot, starts_at, ends_at)
    return Feature.objects.create(
        slot=slot,
        starts_at=starts_at,
        ends_at=ends_at,
        artist=artist,
        performance=performance,
        track=track,
        collection=collection,
        headline=headline,
        note=note,
        created_by=actor,
    )


@transaction.atomic
def update_feature(feature: Feature, *, actor: User, **changes: object) -> Feature:
    """Change a feature's slot, span, target or words under the same rules as a new one."""
    require_curator(actor)
    for name, value in changes.items():
        setattr(feature, name, value)
    check_feature_target(**{name: getattr(feature, name) for name in TARGETS})
    _lock_slot(feature.slot)
    check_feature_span(feature.slot, feature.starts_at, feature.ends_at, exclude_id=feature.pk)
    feature.save()
    return feature


# --- what the pages, the API and the home page show -----------------------------------


def public_targets(prefix: str = "") -> Q:
    """Items and features whose artist, performance or track the public may see: nothing
    hidden by a curator, no unprocessed track."""
    q = Q()
    for name, public in (
        ("track", Track.objects.public()),
        ("artist", ArtistProfile.objects.public()),
        ("performance", Performance.objects.public()),
    ):
        q &= Q(**{f"{prefix}{name}__isnull": True}) | Q(**{f"{prefix}{name}__in": public})
    return q


def public_items() -> QuerySet[CollectionItem]:
    """Items anyone may see: hidden or unprocessed ones never show."""
    return (
        CollectionItem.objects.filter(public_targets())
        .select_related("artist", "performance__artist", "track__artist")
        .order_by("position", "id")
    )


def published_collections(now: datetime | None = None) -> QuerySet[Collection]:
    """Published collections inside their window, newest first."""
    return (
        Collection.objects.published(now)
        .select_related("curator")
        .prefetch_related("areas", "genres")
        .annotate(
            published_at=Coalesce("publish_from", "created_at"),
            item_count=Count("items", filter=public_targets("items__")),
        )
        .order_by("-published_at", "-id")
    )


def is_public(collection: Collection) -> bool:
    return Collection.objects.published().filter(pk=collection.pk).exists()


def live_features(now: datetime | None = None) -> list[Feature]:
    """The features on the home page now, hero first; one whose item is not public is skipped."""
    now = now or timezone.now()
    features = (
        Feature.objects.live(now)
        .filter(public_targets())
        .filter(Q(collection__isnull=True) | Q(collection__in=Collection.objects.published(now)))
        .select_related("artist", "performance__artist", "track__artist", "collection")
    )
    return sorted(features, key=lambda feature: (SLOT_ORDER.index(feature.slot), feature.starts_at))


def items_for(collection: Collection, user: User | None) -> list[CollectionItem]:
    """A collection's items in order; curators previewing also see the ones the public does not."""
    if can_curate(user):
        items = CollectionItem.objects.filter(collection=collection).select_related(
            "artist", "performance__artist", "track__artist"
        )
        public = set(public_items().filter(collection=collection).values_list("pk", flat=True))
        items = list(items)
        for item in items:
            item.is_public = item.pk in public
        return items
    items = list(public_items().filter(collection=collection))
    for item in items:
        item.is_public = True
    return items


def with_public_items(queryset: QuerySet[Collection]) -> QuerySet[Collection]:
    return queryset.prefetch_related(Prefetch("items", queryset=public_items(), to_attr="public_items"))
