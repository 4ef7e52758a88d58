from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.curation import services
from apps.curation.models import Collection, CollectionItem, CollectionStatus
from tests.factories import PerformanceFactory, TrackFactory

pytestmark = pytest.mark.django_db


def draft(title: str = "Fado nights", **fields) -> Collection:
    collection = Collection.objects.create(title=title, slug=title.lower().replace(" ", "-"), **fields)
    CollectionItem.objects.create(collection=collection, artist=PerformanceFactory().artist, note="Hear her")
    return collection


def test_publishing_makes_a_collection_public(personas):
    collection = draft()
    assert not services.is_public(collection)

    published = services.publish_collection(collection, actor=personas.curator)

    assert published.status == CollectionStatus.PUBLISHED
    assert services.is_public(published)
    assert list(services.published_collections()) == [published]


def test_publishing_with_an_open_window_starts_it_now(personas):
    before = timezone.now()
    published = services.publish_collection(draft(), actor=personas.curator)
    assert published.publish_from is not None and published.publish_from >= before


def test_publishing_keeps_a_window_that_starts_later(personas):
    later = timezone.now() + timedelta(days=2)
    published = services.publish_collection(draft(publish_from=later), actor=personas.curator)
    assert published.publish_from == later


def test_publishing_twice_changes_nothing(personas):
    first = services.publish_collection(draft(), actor=personas.curator)
    again = services.publish_collection(first, actor=personas.curator)
    assert again.publish_from == first.publish_from


def test_unpublishing_takes_it_off_the_site_and_keeps_it_as_a_draft(personas):
    collection = services.publish_collection(draft(), actor=personas.curator)

    unpublished = services.unpublish_collection(collection, actor=personas.curator)

    assert unpublished.status == CollectionStatus.DRAFT
    assert not services.is_public(unpublished)
    assert unpublished.items.count() == 1


def test_only_curators_publish_or_unpublish(personas):
    collection = draft()
    with pytest.raises(PermissionDenied):
        services.publish_collection(collection, actor=personas.owner)
    published = services.publish_collection(collection, actor=personas.curator)
    with pytest.raises(PermissionDenied):
        services.unpublish_collection(published, actor=personas.other)
    assert services.is_public(published)


def test_an_empty_collection_is_not_published(personas):
    empty = Collection.objects.create(title="Empty", slug="empty")
    with pytest.raises(ValidationError, match="at least one item"):
        services.publish_collection(empty, actor=personas.curator)
    empty.refresh_from_db()
    assert empty.status == CollectionStatus.DRAFT


def test_a_collection_whose_window_has_ended_is_not_published(personas):
    now = timezone.now()
    ended = draft(publish_from=now - timedelta(days=3), publish_until=now - timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        services.publish_collection(ended, actor=personas.curator)
    assert "publish_until" in caught.value.message_dict


def test_a_published_collection_is_public_only_inside_its_window(personas):
    now = timezone.now()
    collection = services.publish_collection(
        draft(publish_from=now + timedelta(days=1), publish_until=now + timedelta(days=2)),
        actor=personas.curator,
    )

    assert not Collection.objects.published(now).filter(pk=collection.pk).exists()
    assert Collection.objects.published(now + timedelta(days=1, hours=1)).filter(pk=collection.pk).exists()
    assert not Collection.objects.published(now + timedelta(days=2)).filter(pk=collection.pk).exists()


def test_newest_published_collections_come_first(personas):
    now = timezone.now()
    older = services.publish_collection(
        draft("Older", publish_from=now - timedelta(days=2)), actor=personas.curator
    )
    newer = services.publish_collection(
        draft("Newer", publish_from=now - timedelta(hours=1)), actor=personas.curator
    )
    draft("Still a draft")

    assert list(services.published_collections()) == [newer, older]


def test_items_come_in_position_order(personas):
    collection = Collection.objects.create(title="Order", slug="order")
    third = CollectionItem.objects.create(collection=collection, position=3, track=TrackFactory(), note="c")
    first = CollectionItem.objects.create(collection=collection, position=1, performance=PerformanceFactory())
    second = CollectionItem.objects.create(
        collection=collection, position=2, artist=personas.owner.artist_profile
    )

    assert services.items_for(collection, None) == [first, second, third]


def test_hidden_and_unprocessed_tracks_are_left_out_for_the_public(personas):
    collection = Collection.objects.create(title="Tracks", slug="tracks")
    shown = CollectionItem.objects.create(collection=collection, position=1, track=TrackFactory())
    hidden = CollectionItem.objects.create(collection=collection, position=2, track=TrackFactory(hidden=True))
    processing = CollectionItem.objects.create(
        collection=collection, position=3, track=TrackFactory(status="processing")
    )

    assert services.items_for(collection, personas.owner) == [shown]
    assert services.items_for(collection, None) == [shown]
    previewed = services.items_for(collection, personas.curator)
    assert previewed == [shown, hidden, processing]
    assert [item.is_public for item in previewed] == [True, False, False]


def test_an_item_points_at_exactly_one_thing(personas):
    collection = Collection.objects.create(title="Rules", slug="rules")
    none = CollectionItem(collection=collection)
    two = CollectionItem(collection=collection, artist=personas.owner.artist_profile, track=TrackFactory())
    for item in (none, two):
        with pytest.raises(ValidationError, match="exactly one"):
            item.full_clean()
