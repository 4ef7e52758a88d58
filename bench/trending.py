"""Trending: one compute_trending() run and one cached read, over a city's worth of events.

    .venv/bin/python bench/trending.py [--events 5000] [--runs 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/encore_bench_trending .venv/bin/python bench/trending.py

Builds a throwaway test database (in memory on SQLite; `test_<name>` on PostgreSQL, dropped
at the end) with 20 areas, 300 artists, 600 performances of two stops each and 1,500
tracks, then spreads the events over the last 30 days (three times the ten half-lives the
compute reads): views 40 %, plays 25 %, likes 15 %, follows 10 %, votes 5 %, tips 5 %.
Reports the queries and the median wall time of a compute, and of a cached read, in one run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

AREAS, ARTISTS, PERFORMANCES, TRACKS = 20, 300, 600, 1_500
SHARES = {"view": 0.40, "play": 0.25, "like": 0.15, "follow": 0.10, "vote": 0.05, "tip": 0.05}
SPREAD = timedelta(days=30)
UNUSABLE = "!"  # an unusable password hash: nobody signs in here


def populate(events: int, rng: random.Random) -> None:
    from apps.accounts.models import ArtistProfile, Follow, User
    from apps.media.models import Play, Track
    from apps.performances.models import Area, Like, Performance, Stop, View
    from apps.tips.models import Tip
    from apps.venues.models import Event, Guest, QueueEntry, Venue, Vote

    # The rows' own times, not the moment of the insert.
    for model in (View, Like, Follow):
        model._meta.get_field("created_at").auto_now_add = False
    now = timezone.now()

    def moment() -> timezone.datetime:
        return now - SPREAD * rng.random()

    boundary = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    areas = Area.objects.bulk_create(
        Area(name=f"Area {n}", slug=f"area-{n}", city="Lisbon", boundary=boundary) for n in range(AREAS)
    )
    fans = User.objects.bulk_create(
        User(email=f"fan{n}@example.com", password=UNUSABLE) for n in range(3_000)
    )
    owners = User.objects.bulk_create(
        User(email=f"artist{n}@example.com", password=UNUSABLE) for n in range(ARTISTS)
    )
    artists = ArtistProfile.objects.bulk_create(
        ArtistProfile(user=user, stage_name=f"Artist {n}", slug=f"artist-{n}", home_area=rng.choice(areas))
        for n, user in enumerate(owners)
    )
    performances = Performance.objects.bulk_create(
        Performance(artist=rng.choice(artists), title=f"Set {n}") for n in range(PERFORMANCES)
    )
    Stop.objects.bulk_create(
        Stop(
            performance=performance,
            order=order,
            lat=38.71,
            lng=-9.14,
            place_name="Corner",
            area=rng.choice(areas),
            starts_at=now,
            ends_at=now + timedelta(hours=1),
        )
        for performance in performances
        for order in (1, 2)
    )
    tracks = Track.objects.bulk_create(
        Track(
            artist=rng.choice(artists),
            title=f"Track {n}",
            kind="audio",
            status="ready",
            area=rng.choice(areas),
        )
        for n in range(TRACKS)
    )
    venue = Venue.objects.create(name="Venue", slug="venue", lat=38.71, lng=-9.14)
    event = Event.objects.create(venue=venue, name="Night", starts_at=now, ends_at=now + timedelta(hours=4))

    count = {kind: round(events * share) for kind, share in SHARES.items()}
    View.objects.bulk_create(
        View(performance=rng.choice(performances), visitor=f"v{n}", hour=now, created_at=moment())
        for n in range(count["view"])
    )
    Play.objects.bulk_create(
        Play(track=rng.choice(tracks), listener=f"l{n}", created_at=moment()) for n in range(count["play"])
    )
    likes = rng.sample([(f, p) for f in fans[:300] for p in performances[:100]], count["like"])
    Like.objects.bulk_create(Like(user=f, performance=p, created_at=moment()) for f, p in likes)
    follows = rng.sample([(f, a) for f in fans for a in artists[:50]], count["follow"])
    Follow.objects.bulk_create(Follow(fan=f, artist=a, created_at=moment()) for f, a in follows)
    entries = QueueEntry.objects.bulk_create(QueueEntry(event=event, track=track) for track in tracks[:200])
    guests = Guest.objects.bulk_create(Guest(event=event) for _ in range(count["vote"]))
    Vote.objects.bulk_create(
        Vote(entry=entry, guest=guest, event=event, track_id=entry.track_id, created_at=moment())
        for guest, entry in zip(guests, (rng.choice(entries) for _ in guests), strict=True)
    )
    Tip.objects.bulk_create(
        Tip(
            artist=(show := rng.choice(performances)).artist,
            performance=show,
            payer_key=f"p{n}",
            idempotency_key="k",
            amount=500,
            currency="eur",
            status="succeeded",
            succeeded_at=moment(),
        )
        for n in range(count["tip"])
    )


def timed(fn, runs: int) -> tuple[float, int]:  # noqa: ANN001
    """Median milliseconds of `runs` calls, and the queries of the last."""
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from django.core.cache import cache

        from apps.curation.trending import _scores, compute_trending, trending

        populate(args.events, random.Random(1))
        compute_ms, compute_queries = timed(compute_trending, args.runs)
        scores_ms, scores_queries = timed(lambda: _scores(timezone.now()), args.runs)
        cache.clear()
        compute_trending()
        read_ms, read_queries = timed(lambda: trending("performance", "area-3"), args.runs * 20)
        artist_ms, artist_queries = timed(lambda: trending("artist"), args.runs * 20)
        print(f"{connection.vendor}, {args.events:,} events over {SPREAD.days} days\n")
        print("| step | queries | median ms |")
        print("| --- | --- | --- |")
        print(f"| compute_trending() | {compute_queries} | {compute_ms:.1f} |")
        print(f"| of which the decayed sums (SQL) | {scores_queries} | {scores_ms:.1f} |")
        print(f"| trending('performance', area) from the cache | {read_queries} | {read_ms:.2f} |")
        print(f"| trending('artist') from the cache | {artist_queries} | {artist_ms:.2f} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
