from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.curation import services
from apps.curation.models import Collection, Feature, FeatureSlot
from tests.factories import PerformanceFactory, TrackFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def now():
    # One moment per test, so spans given as offsets from it touch exactly when they should.
    return timezone.now()


@pytest.fixture
def feature(now):
    def place(
        curator, slot: str = FeatureSlot.HERO, *, start: timedelta, end: timedelta, **target
    ) -> Feature:
        return services.create_feature(
            slot=slot, starts_at=now + start, ends_at=now + end, actor=curator, **target
        )

    return place


def test_a_feature_is_created_for_its_slot_and_span(personas, feature):
    artist = personas.owner.artist_profile
    created = feature(personas.curator, start=-HOUR, end=HOUR, artist=artist, headline="Tonight")

    assert created.target == artist
    assert created.created_by == personas.curator
    assert services.live_features() == [created]


def test_an_overlapping_span_in_the_same_slot_is_refused_naming_the_other_feature(personas, feature):
    feature(
        personas.curator,
        start=0 * HOUR,
        end=5 * HOUR,
        artist=personas.owner.artist_profile,
        headline="Alice week",
    )

    with pytest.raises(ValidationError) as caught:
        feature(personas.curator, start=4 * HOUR, end=8 * HOUR, artist=personas.other.artist_profile)

    message = caught.value.messages[0]
    assert "Alice week" in message
    assert "overlaps" in message
    assert Feature.objects.count() == 1


def test_a_span_inside_or_around_another_is_refused(personas, feature):
    feature(personas.curator, start=2 * HOUR, end=4 * HOUR, artist=personas.owner.artist_profile)
    for start, end in [(3 * HOUR, 3.5 * HOUR), (HOUR, 5 * HOUR), (HOUR, 3 * HOUR)]:
        with pytest.raises(ValidationError, match="overlaps"):
            feature(personas.curator, start=start, end=end, artist=personas.other.artist_profile)


def test_touching_spans_are_allowed(personas, feature):
    first = feature(personas.curator, start=0 * HOUR, end=2 * HOUR, artist=personas.owner.artist_profile)
    after = feature(personas.curator, start=2 * HOUR, end=4 * HOUR, artist=personas.other.artist_profile)
    before = feature(personas.curator, start=-2 * HOUR, end=0 * HOUR, performance=PerformanceFactory())

    assert first.ends_at == after.starts_at
    assert before.ends_at == first.starts_at
    assert Feature.objects.count() == 3


def test_other_slots_may_share_a_span(personas, feature):
    feature(
        personas.curator, FeatureSlot.HERO, start=0 * HOUR, end=2 * HOUR, artist=personas.owner.artist_profile
    )
    feature(personas.curator, FeatureSlot.SPOTLIGHT_1, start=0 * HOUR, end=2 * HOUR, track=TrackFactory())
    assert Feature.objects.count() == 2


def test_a_span_must_end_after_it_starts(personas, feature):
    with pytest.raises(ValidationError) as caught:
        feature(personas.curator, start=HOUR, end=HOUR, artist=personas.owner.artist_profile)
    assert "ends_at" in caught.value.message_dict


def test_a_feature_points_at_exactly_one_thing(personas, feature):
    with pytest.raises(ValidationError, match="exactly one"):
        feature(personas.curator, start=0 * HOUR, end=HOUR)
    with pytest.raises(ValidationError, match="exactly one"):
        feature(
            personas.curator,
            start=0 * HOUR,
            end=HOUR,
            artist=personas.owner.artist_profile,
            track=TrackFactory(),
        )
    assert not Feature.objects.exists()


def test_a_hidden_track_is_not_featured(personas, feature):
    with pytest.raises(ValidationError) as caught:
        feature(personas.curator, start=0 * HOUR, end=HOUR, track=TrackFactory(hidden=True))
    assert "track" in caught.value.message_dict


def test_only_curators_place_features(personas, feature):
    with pytest.raises(PermissionDenied):
        feature(personas.owner, start=0 * HOUR, end=HOUR, artist=personas.owner.artist_profile)


def test_moving_a_feature_onto_another_is_refused_but_keeping_its_own_span_is_not(personas, feature, now):
    feature(personas.curator, start=0 * HOUR, end=2 * HOUR, artist=personas.owner.artist_profile)
    later = feature(personas.curator, start=3 * HOUR, end=5 * HOUR, artist=personas.other.artist_profile)

    services.update_feature(later, actor=personas.curator, note="Same span, new words")
    with pytest.raises(ValidationError, match="overlaps"):
        services.update_feature(later, actor=personas.curator, starts_at=now + HOUR)


def test_live_features_come_hero_first_and_skip_what_is_not_live_or_not_public(personas, feature):
    spot = feature(
        personas.curator, FeatureSlot.SPOTLIGHT_2, start=-HOUR, end=HOUR, performance=PerformanceFactory()
    )
    hero = feature(
        personas.curator, FeatureSlot.HERO, start=-HOUR, end=HOUR, artist=personas.owner.artist_profile
    )
    feature(personas.curator, FeatureSlot.SPOTLIGHT_1, start=HOUR, end=2 * HOUR, track=TrackFactory())
    feature(personas.curator, FeatureSlot.SPOTLIGHT_3, start=-2 * HOUR, end=-HOUR, track=TrackFactory())
    # Hidden after it was featured, and a collection that is still a draft: neither shows.
    track = TrackFactory()
    feature(personas.curator, FeatureSlot.SPOTLIGHT_1, start=-HOUR, end=HOUR, track=track)
    track.hidden = True
    track.save()
    draft = Collection.objects.create(title="Draft", slug="draft")
    feature(personas.curator, FeatureSlot.SPOTLIGHT_3, start=-HOUR, end=HOUR, collection=draft)

    assert services.live_features() == [hero, spot]
