"""Trending: decayed engagement, ranked site-wide and per area, served from the cache."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import include, path
from rest_framework.test import APIRequestFactory

from apps.curation import trending as trending_module
from apps.curation.api.trending import TrendingView
from apps.curation.tasks import compute_trending as compute_trending_task
from apps.curation.trending import DEFAULT_WEIGHTS, cache_key, compute_trending, trending
from apps.media.models import MediaStatus, Play
from apps.moderation.services import hide_item
from apps.performances.models import Like, View
from apps.performances.services import cancel_performance
from apps.tips.models import Tip, TipStatus
from apps.venues.models import Guest, QueueEntry, Vote
from tests.factories import (
    AreaFactory,
    ArtistProfileFactory,
    EventFactory,
    FollowFactory,
    PerformanceFactory,
    StopFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 1, 20, 0, tzinfo=UTC)
HALF_LIFE = timedelta(hours=48)
_serial = itertools.count()

# The endpoint where config/api_router.py puts it, and the enum name from the settings,
# for the schema check (both harmless once the project has them).
urlpatterns = [
    path("api/v1/trending/", TrendingView.as_view(), name="trending"),
    path("", include("config.urls")),
]
SCHEMA_SETTINGS = {
    "ENUM_NAME_OVERRIDES": {
        **settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"],
        "TrendingKindEnum": "apps.curation.trending.KINDS",
    }
}


def view(performance, at: datetime, n: int = 1) -> None:  # noqa: ANN001
    for _ in range(n):
        row = View.objects.create(performance=performance, visitor=f"v{next(_serial)}", hour=at)
        View.objects.filter(pk=row.pk).update(created_at=at)


def like(performance, at: datetime) -> None:  # noqa: ANN001
    row = Like.objects.create(performance=performance, user=UserFactory())
    Like.objects.filter(pk=row.pk).update(created_at=at)


def play(track, at: datetime, n: int = 1) -> None:  # noqa: ANN001
    for _ in range(n):
        Play.objects.create(track=track, listener=f"l{next(_serial)}", created_at=at)


def vote(track, at: datetime) -> None:  # noqa: ANN001
    event = EventFactory()
    entry = QueueEntry.objects.create(event=event, track=track)
    Vote.objects.create(
        entry=entry, guest=Guest.objects.create(event=event), event=event, track=track, created_at=at
    )


def tip(artist, at: datetime, performance=None, status: str = TipStatus.SUCCEEDED) -> None:  # noqa: ANN001
    Tip.objects.create(
        artist=artist,
        performance=performance,
        payer_key=f"p{next(_serial)}",
        idempotency_key="k",
        amount=500,
        currency="eur",
        status=status,
        succeeded_at=at if status == TipStatus.SUCCEEDED else None,
    )


def follow(artist, at: datetime) -> None:  # noqa: ANN001
    row = FollowFactory(artist=artist)
    type(row).objects.filter(pk=row.pk).update(created_at=at)


def ids(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


def test_a_fresh_busy_performance_ranks_above_an_old_once_busy_one():
    old, fresh = PerformanceFactory(), PerformanceFactory()
    with time_machine.travel(NOW - timedelta(days=8), tick=False):
        for _ in range(40):
            Like.objects.create(performance=old, user=UserFactory())
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        for _ in range(5):
            Like.objects.create(performance=fresh, user=UserFactory())

    with time_machine.travel(NOW, tick=False):
        # 40 likes four half-lives ago weigh 2.5 likes now; the 5 fresh ones almost 5.
        assert ids(trending("performance")) == [fresh.pk, old.pk]


def test_an_event_one_half_life_ago_counts_half():
    performance = PerformanceFactory()
    like(performance, NOW - HALF_LIFE)

    lists = compute_trending(NOW)

    [item] = lists[("performance", None)]["items"]
    assert item["score"] == pytest.approx(DEFAULT_WEIGHTS["like"] / 2, rel=1e-6)


def test_two_half_lives_ago_counts_a_quarter_and_weights_add_up():
    performance = PerformanceFactory()
    view(performance, NOW - 2 * HALF_LIFE)
    view(performance, NOW)

    [item] = compute_trending(NOW)[("performance", None)]["items"]
    assert item["score"] == pytest.approx(DEFAULT_WEIGHTS["view"] * 1.25, rel=1e-6)


@override_settings(TRENDING_HALF_LIFE_HOURS=12, TRENDING_WEIGHTS={"view": 10})
def test_the_half_life_and_weights_come_from_settings():
    performance = PerformanceFactory()
    view(performance, NOW - timedelta(hours=12))

    [item] = compute_trending(NOW)[("performance", None)]["items"]
    assert item["score"] == pytest.approx(5, rel=1e-6)


def test_events_beyond_the_horizon_or_after_now_do_not_count():
    performance = PerformanceFactory()
    view(performance, NOW - 11 * HALF_LIFE)
    view(performance, NOW + timedelta(minutes=1))

    assert compute_trending(NOW)[("performance", None)]["items"] == []


def test_each_event_counts_for_its_item_and_its_artist():
    artist = ArtistProfileFactory()
    performance, track = PerformanceFactory(artist=artist), TrackFactory(artist=artist)
    at = NOW - HALF_LIFE
    view(performance, at)
    like(performance, at)
    tip(artist, at, performance=performance)
    play(track, at)
    vote(track, at)
    follow(artist, at)

    lists = compute_trending(NOW)

    w = DEFAULT_WEIGHTS
    score = {kind: lists[(kind, None)]["items"][0]["score"] for kind in ("performance", "artist", "track")}
    assert score["performance"] == pytest.approx((w["view"] + w["like"] + w["tip"]) / 2, rel=1e-6)
    assert score["track"] == pytest.approx((w["play"] + w["vote"]) / 2, rel=1e-6)
    # The tip counts once for the artist, not once more through the performance.
    assert score["artist"] == pytest.approx(sum(w.values()) / 2, rel=1e-6)


def test_each_item_links_to_its_own_page():
    artist = ArtistProfileFactory(slug="fado-987654321")
    performance, track = PerformanceFactory(artist=artist), TrackFactory(artist=artist)
    view(performance, NOW)
    play(track, NOW)

    lists = compute_trending(NOW)

    urls = {kind: lists[(kind, None)]["items"][0]["url"] for kind in ("performance", "artist", "track")}
    assert urls == {
        "performance": performance.get_absolute_url(),
        "artist": artist.get_absolute_url(),
        "track": track.get_absolute_url(),
    }


def test_only_succeeded_tips_count():
    artist = ArtistProfileFactory()
    tip(artist, NOW - timedelta(hours=1), status=TipStatus.PENDING)
    tip(artist, NOW - timedelta(hours=1), status=TipStatus.REFUNDED)

    assert compute_trending(NOW)[("artist", None)]["items"] == []


def test_ties_are_broken_by_id_ascending_on_every_run():
    performances = [PerformanceFactory() for _ in range(4)]
    for performance in reversed(performances):
        view(performance, NOW - timedelta(hours=3), n=2)

    first = ids(compute_trending(NOW)[("performance", None)]["items"])
    second = ids(compute_trending(NOW)[("performance", None)]["items"])

    assert first == second == sorted(p.pk for p in performances)


def test_an_area_list_only_holds_that_areas_items():
    here, there = AreaFactory(slug="alfama"), AreaFactory(slug="belem")
    local = StopFactory(area=here).performance
    touring = StopFactory(area=there).performance
    StopFactory(performance=touring, area=here)
    away = StopFactory(area=there).performance
    nowhere = PerformanceFactory()
    local_artist, away_artist = ArtistProfileFactory(home_area=here), ArtistProfileFactory(home_area=there)
    local_track, away_track = TrackFactory(area=here), TrackFactory(area=there)
    for performance in (local, touring, away, nowhere):
        view(performance, NOW - timedelta(hours=1))
    for artist in (local_artist, away_artist):
        follow(artist, NOW - timedelta(hours=1))
    for track in (local_track, away_track):
        play(track, NOW - timedelta(hours=1))

    lists = compute_trending(NOW)

    # A performance belongs to every area it stops in.
    assert set(ids(lists[("performance", "alfama")]["items"])) == {local.pk, touring.pk}
    assert set(ids(lists[("performance", "belem")]["items"])) == {touring.pk, away.pk}
    assert set(ids(lists[("performance", None)]["items"])) == {local.pk, touring.pk, away.pk, nowhere.pk}
    # Artists and tracks go by their own area (the performances' artists have none).
    assert ids(lists[("artist", "alfama")]["items"]) == [local_artist.pk]
    assert ids(lists[("track", "alfama")]["items"]) == [local_track.pk]
    assert ids(lists[("track", "belem")]["items"]) == [away_track.pk]


def test_a_quiet_area_gets_an_empty_list_rather_than_a_cache_miss():
    AreaFactory(slug="quiet")

    compute_trending(NOW)

    assert cache.get(cache_key("track", "quiet"))["items"] == []


def test_hidden_unready_media_and_cancelled_performances_never_trend(personas):
    curator = personas.curator
    artist = personas.owner.artist_profile
    hidden, processing, shown = (
        TrackFactory(artist=artist),
        TrackFactory(artist=artist),
        TrackFactory(artist=artist),
    )
    hide_item(hidden, actor=curator, reason="Not theirs to post")
    processing.status = MediaStatus.PROCESSING
    processing.save()
    cancelled, on = PerformanceFactory(artist=artist), PerformanceFactory(artist=artist)
    cancel_performance(cancelled, actor=personas.owner)
    for track in (hidden, processing, shown):
        play(track, NOW - timedelta(hours=1), n=3)
    for performance in (cancelled, on):
        view(performance, NOW - timedelta(hours=1), n=3)

    lists = compute_trending(NOW)

    assert ids(lists[("track", None)]["items"]) == [shown.pk]
    assert ids(lists[("performance", None)]["items"]) == [on.pk]
    # Nor do they lift their artist: only the shown track's and the performance's events count.
    [artist_item] = lists[("artist", None)]["items"]
    hour = 0.5 ** (1 / 48)
    expected = 3 * (DEFAULT_WEIGHTS["play"] + DEFAULT_WEIGHTS["view"]) * hour
    assert artist_item["score"] == pytest.approx(expected, rel=1e-6)


def test_an_item_hidden_or_cancelled_after_the_compute_does_not_show(personas):
    artist = personas.owner.artist_profile
    track, other_track = TrackFactory(artist=artist), TrackFactory(artist=artist)
    performance, other_performance = PerformanceFactory(artist=artist), PerformanceFactory(artist=artist)
    for item in (track, other_track):
        play(item, NOW - timedelta(hours=1))
    for item in (performance, other_performance):
        view(item, NOW - timedelta(hours=1))
    compute_trending(NOW)

    hide_item(track, actor=personas.curator, reason="Spam")
    cancel_performance(performance, actor=personas.owner)

    assert ids(trending("track")) == [other_track.pk]
    assert ids(trending("performance")) == [other_performance.pk]


def test_a_second_read_comes_from_the_cache(django_assert_max_num_queries):
    area = AreaFactory(slug="alfama")
    for _ in range(3):
        view(StopFactory(area=area).performance, NOW - timedelta(hours=1))
        play(TrackFactory(area=area), NOW - timedelta(hours=1))

    with time_machine.travel(NOW, tick=False):
        assert len(trending("performance", "alfama")) == 3  # a fresh site computes on the first read

        # Then one query by primary key re-checks what may still show (a curator may have hidden it).
        with django_assert_max_num_queries(1):
            assert len(trending("performance", "alfama")) == 3
        with django_assert_max_num_queries(1):
            assert len(trending("track")) == 3
        with django_assert_max_num_queries(1):
            assert len(trending("artist")) == 6


def test_the_limit_caps_the_list():
    for _ in range(5):
        view(PerformanceFactory(), NOW - timedelta(hours=1))

    with time_machine.travel(NOW, tick=False):
        assert len(trending("performance", limit=2)) == 2


def test_the_task_fills_the_cache():
    view(PerformanceFactory(), NOW - timedelta(hours=1))

    with time_machine.travel(NOW, tick=False):
        compute_trending_task.delay()

        assert len(cache.get(cache_key("performance", None))["items"]) == 1


def test_the_task_is_safe_to_run_twice():
    view(PerformanceFactory(), NOW - timedelta(hours=1))

    with time_machine.travel(NOW, tick=False):
        compute_trending_task.delay()
        compute_trending_task.delay()
        assert len(trending("performance")) == 1


# --- API ---------------------------------------------------------------------------


def get(params: dict):  # noqa: ANN201
    request = APIRequestFactory().get("/api/v1/trending/", params)
    return TrendingView.as_view()(request)


def test_anyone_may_read_the_trending_list():
    area = AreaFactory(slug="alfama")
    performance = StopFactory(area=area).performance
    view(performance, NOW - timedelta(hours=1))

    with time_machine.travel(NOW, tick=False):
        response = get({"area": "alfama", "kind": "performance"})

    assert response.status_code == 200
    assert response.data["area"] == "alfama"
    assert response.data["kind"] == "performance"
    assert datetime.fromisoformat(response.data["computed_at"]) == NOW
    assert response.data["items"] == [
        {
            "kind": "performance",
            "id": performance.pk,
            "title": performance.title,
            "url": performance.get_absolute_url(),
            "score": pytest.approx(DEFAULT_WEIGHTS["view"] * 0.5 ** (1 / 48), rel=1e-6),
        }
    ]


def test_the_api_defaults_to_performances_in_the_whole_city():
    response = get({})

    assert response.status_code == 200
    assert (response.data["area"], response.data["kind"], response.data["items"]) == (None, "performance", [])


def test_the_api_refuses_an_unknown_kind():
    response = get({"kind": "venue"})

    assert response.status_code == 400
    assert list(response.data["errors"]) == ["kind"]


def test_the_api_refuses_an_unknown_area():
    response = get({"area": "atlantis", "kind": "track"})

    assert response.status_code == 400
    assert list(response.data["errors"]) == ["area"]


@override_settings(ROOT_URLCONF=__name__)
def test_the_api_schema_has_no_warnings(tmp_path):
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--custom-settings",
        f"{__name__}.SCHEMA_SETTINGS",
        "--file",
        str(tmp_path / "schema.yaml"),
    )

    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/trending/:" in schema


# --- the partial ---------------------------------------------------------------------


def test_the_partial_links_every_item_and_says_when_nothing_trends():
    items = [
        {"kind": "artist", "id": 1, "title": "Alice <Strings>", "url": "/artists/alice/", "score": 2.0},
        {"kind": "track", "id": 2, "title": "Fado", "url": "/artists/alice/#track-2", "score": 1.0},
    ]

    html = render_to_string("curation/partials/trending.html", {"items": items})
    empty = render_to_string("curation/partials/trending.html", {"items": [], "empty": "Quiet tonight."})

    assert '<a href="/artists/alice/"><strong>Alice &lt;Strings&gt;</strong></a>' in html
    assert 'href="/artists/alice/#track-2"' in html
    assert "Quiet tonight." in empty


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown trending kind"):
        trending_module.trending("venue")
