"""Soak: the production stack under a steady mix of traffic for minutes; errors and memory.

    .venv/bin/python bench/soak.py [--minutes 10] [--sockets 60]

Starts the stack as `make stack` does (config/stack.py: the Procfile's processes with
production settings behind nginx, a local S3 server) on a throwaway PostgreSQL database (on
DATABASE_URL's server, else 127.0.0.1:5432) and a private redis-server (REDIS_URL's server
when redis-server is not installed). Seeds live performances, a jukebox event with a pool of
tracks and signed-in fans, then runs, all through the proxy:

- anonymous reads: the home page, nearby, artists, a performance, the event's queue;
- signed-in writes: likes and unlikes, votes on the event (each fan for tracks it has not
  voted for), performers' position updates at the allowed interval;
- open sockets on the map, the live performances and the event, counting what they receive.

Reports the requests made, errors (must be 0: any answer of 400 or more, a failed request or
a socket that closed), p50/p95 latency by kind, and the RSS of every process (web and ws
masters and workers, the Celery worker and its children, beat, nginx) at the start and the
end, with the growth. Prints markdown (also bench/results/soak.md). Not part of CI: it
takes minutes. Talks only to 127.0.0.1 and cleans up after itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from config.stack import Stack, drop_database  # noqa: E402

TRACKS = 40
PERFORMERS = 3
FANS = 100
# A performer's device sends its position at most every POSITION_INTERVAL_SECONDS (5).
POSITION_EVERY = 5.5

SEED = """
import json
from datetime import timedelta
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from apps.accounts.models import ArtistProfile, User
from apps.media.models import MediaStatus, Track
from apps.performances import services as shows
from apps.venues import services as venues
from apps.venues.models import Event, EventStatus, Venue

def token(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key

now = timezone.now()
performers = []
for n in range(%(performers)d):
    user = User.objects.create_user(email=f"performer{n}@soak.local", password=None)
    artist = ArtistProfile.objects.create(user=user, stage_name=f"Soak {n}", slug=f"soak-{n}")
    stop = {"lat": 38.71 + n / 1000, "lng": -9.14, "place_name": "Rossio",
            "starts_at": now - timedelta(minutes=5), "ends_at": now + timedelta(hours=3)}
    performance = shows.create_performance(artist, actor=user, title=f"Soak set {n}", stops=[stop])
    shows.go_live(performance, actor=user)
    performers.append({"id": performance.pk, "token": token(user)})

band = User.objects.create_user(email="band@soak.local", password=None)
artist = ArtistProfile.objects.create(user=band, stage_name="Soak Band", slug="soak-band")
# Ready rows without files: votes and the queue never open them.
tracks = Track.objects.bulk_create(
    Track(artist=artist, title=f"Song {n}", kind="audio", status=MediaStatus.READY,
          source=f"tracks/soak-{n}/source.mp3", mime_type="audio/mpeg", duration=180.0 + n,
          processed_at=now)
    for n in range(%(tracks)d)
)
venue = Venue.objects.create(name="Soak Hall", slug="soak-hall", lat=38.7106, lng=-9.1436)
event = Event.objects.create(
    venue=venue, name="Soak night", status=EventStatus.ACTIVE, starts_at=now - timedelta(hours=1),
    ends_at=now + timedelta(hours=5), vote_cooldown_seconds=0, votes_per_guest_per_hour=1000,
)
event.pool_tracks.set(tracks)
fans = []
for n in range(%(fans)d):
    user = User.objects.create_user(email=f"fan{n}@soak.local", password=None)
    venues.guest_for(event, user=user)
    fans.append(token(user))
print(json.dumps({"performers": performers, "event": event.pk, "tracks": [t.pk for t in tracks],
                  "fans": fans}))
"""


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    socket_messages: int = 0
    sockets_open: int = 0

    def record(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.timings.setdefault(kind, []).append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def http_loop(name: str, every: float, action, stop: threading.Event, results: Results) -> None:  # noqa: ANN001
    session = requests.Session()
    rng = random.Random(name)
    next_at = time.monotonic()
    while not stop.is_set():
        started = time.monotonic()
        try:
            kind, response = action(session, rng)
            error = None if response.status_code < 400 else f"{response.status_code} {response.text[:200]}"
        except (requests.RequestException, IndexError) as exc:
            kind, error = name, f"{type(exc).__name__}: {exc}"
        results.record(kind, time.monotonic() - started, error)
        next_at += every
        stop.wait(max(next_at - time.monotonic(), 0))
    session.close()


def socket_thread(
    stack: Stack, paths: list[str], stop: threading.Event, results: Results
) -> threading.Thread:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    async def one(path: str) -> None:
        async with connect(f"{stack.ws_url}{path}", origin=stack.base_url, open_timeout=30) as socket:
            with results.lock:
                results.sockets_open += 1
            while not stop.is_set():
                try:
                    await asyncio.wait_for(socket.recv(), timeout=1)
                except TimeoutError:
                    continue
                with results.lock:
                    results.socket_messages += 1

    async def run_all() -> None:
        async def guarded(path: str) -> None:
            try:
                await one(path)
            except (OSError, ConnectionClosed, TimeoutError) as exc:
                if not stop.is_set():
                    results.record("socket", 0.0, f"{path}: {type(exc).__name__}: {exc}")

        await asyncio.gather(*(guarded(path) for path in paths))

    thread = threading.Thread(target=asyncio.run, args=(run_all(),), daemon=True)
    thread.start()
    return thread


def rss_table(stack: Stack) -> dict[tuple[str, str, int], int]:
    return {(p.name, p.role, p.pid): p.rss_bytes for p in stack.processes() if p.name != "s3"}


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1000:.0f}"


def private_redis(workdir: Path):  # noqa: ANN201
    binary = shutil.which("redis-server")
    if binary is None:
        return None, os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
        + ["--dir", str(workdir), "--logfile", str(workdir / "redis.log")],
    )
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sockets", type=int, default=60)
    parser.add_argument("--no-proxy", action="store_true", help="straight to web and ws (no nginx)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="encore-soak-"))
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    database_url = urlunsplit(urlsplit(base)._replace(path=f"/encore_soak_{os.getpid()}"))
    redis_process, redis_url = private_redis(workdir)
    log = (workdir / "stack.log").open("w")
    stack = Stack(
        database_url=database_url,
        redis_url=redis_url,
        proxy=not args.no_proxy,
        # The mix comes from one address: the rate limits are not what this measures.
        env={"API_THROTTLE_ANON": "100000/min", "API_THROTTLE_USER": "100000/min"},
        output=log,
        workdir=workdir / "stack",
    )
    stack.workdir.mkdir()
    try:
        print(f"starting the stack (log: {log.name})", flush=True)
        stack.start()
        world = json.loads(
            stack.manage("shell", "-c", SEED % {"performers": PERFORMERS, "tracks": TRACKS, "fans": FANS})
            .stdout.strip()
            .splitlines()[-1]
        )
        report, ok = soak(stack, world, args)
    finally:
        stack.stop()
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait()
        log.close()
        with contextlib.suppress(Exception):
            drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "soak.md").write_text(report)
    return 0 if ok else 1


def soak(stack: Stack, world: dict, args: argparse.Namespace) -> tuple[str, bool]:
    url = stack.base_url
    performances = [p["id"] for p in world["performers"]]
    event = world["event"]
    unvoted = {
        token: random.Random(token).sample(world["tracks"], len(world["tracks"])) for token in world["fans"]
    }
    votes_lock = threading.Lock()

    reads = [
        ("page: home", "/"),
        ("api: nearby", "/api/v1/performances/nearby/?lat=38.71&lng=-9.14&radius_km=5&when=now"),
        ("api: artists", "/api/v1/artists/"),
        ("api: performance", "/api/v1/performances/{p}/"),
        ("api: event queue", f"/api/v1/events/{event}/queue/"),
    ]

    def read(session, rng):  # noqa: ANN001, ANN202
        kind, path = rng.choice(reads)
        return kind, session.get(url + path.format(p=rng.choice(performances)), timeout=30)

    def like(session, rng):  # noqa: ANN001, ANN202
        token = rng.choice(world["fans"])
        method = rng.choice(["PUT", "DELETE"])
        path = f"/api/v1/performances/{rng.choice(performances)}/like/"
        return "api: like", session.request(
            method, url + path, headers={"X-Session-Token": token}, timeout=30
        )

    def vote(session, rng):  # noqa: ANN001, ANN202
        with votes_lock:
            token = rng.choice([t for t, left in unvoted.items() if left])
            track = unvoted[token].pop()
        return "api: vote", session.post(
            f"{url}/api/v1/events/{event}/votes/",
            json={"track": track},
            headers={"X-Session-Token": token},
            timeout=30,
        )

    def position_for(performer: dict):  # noqa: ANN202
        def position(session, rng):  # noqa: ANN001, ANN202
            body = {"lat": 38.71 + rng.uniform(-0.002, 0.002), "lng": -9.14 + rng.uniform(-0.002, 0.002)}
            path = f"/api/v1/performances/{performer['id']}/position/"
            return "api: position", session.post(
                url + path, json=body, headers={"X-Session-Token": performer["token"]}, timeout=30
            )

        return position

    results = Results()
    stop = threading.Event()
    kinds = [
        "/ws/map/?lat=38.71&lng=-9.14&radius_km=5",
        *(f"/ws/performances/{p}/" for p in performances),
        f"/ws/events/{event}/",
    ]
    socket_paths = [kinds[n % len(kinds)] for n in range(args.sockets)]
    sockets = socket_thread(stack, socket_paths, stop, results)
    time.sleep(3)
    before = rss_table(stack)
    loops = [
        *(("reads", 0.4, read) for _ in range(4)),  # ~10 reads/s
        ("likes", 0.5, like),
        ("votes", 1.0, vote),
        *((f"position {p['id']}", POSITION_EVERY, position_for(p)) for p in world["performers"]),
    ]
    threads = [
        threading.Thread(target=http_loop, args=(n, e, a, stop, results), daemon=True) for n, e, a in loops
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    seconds = args.minutes * 60
    while time.monotonic() - started < seconds:
        time.sleep(min(30, seconds - (time.monotonic() - started)))
        done = sum(len(v) for v in results.timings.values())
        print(
            f"  {time.monotonic() - started:5.0f} s: {done:,} requests, {len(results.errors)} errors",
            flush=True,
        )
    after = rss_table(stack)
    stop.set()
    for thread in threads:
        thread.join(35)
    sockets.join(10)
    elapsed = time.monotonic() - started
    return render(args, results, before, after, elapsed)


def render(args, results: Results, before: dict, after: dict, elapsed: float) -> tuple[str, bool]:  # noqa: ANN001
    every = [t for values in results.timings.values() for t in values if t > 0]
    total = sum(len(v) for k, v in results.timings.items() if k != "socket")
    mb = 1024 * 1024
    lines = [
        f"# Soak: {elapsed / 60:.1f} minutes of mixed traffic through the proxy",
        "",
        f"- requests: {total:,} ({total / elapsed:.1f}/s); errors: {len(results.errors)}",
        f"- sockets: {results.sockets_open} opened of {args.sockets}, "
        f"{results.socket_messages:,} messages received",
        f"- latency, all requests: p50 {ms(every, 50)} ms, p95 {ms(every, 95)} ms",
        "",
        "| kind | requests | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind, values in sorted(results.timings.items()):
        if kind == "socket":
            continue
        lines.append(f"| {kind} | {len(values):,} | {ms(values, 50)} | {ms(values, 95)} |")
    lines += [
        "",
        "| process | pid | RSS at start MB | at end MB | growth MB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key in sorted(set(before) | set(after)):
        name, role, pid = key
        start, end = before.get(key), after.get(key)
        growth = f"{(end - start) / mb:+.1f}" if start and end else "(new)" if end else "(gone)"
        lines.append(
            f"| {name} {role} | {pid} | {(start or 0) / mb:.1f} | {(end or 0) / mb:.1f} | {growth} |"
        )
    if results.errors:
        lines += ["", "Errors (first 20):", "", *(f"- {e}" for e in results.errors[:20])]
    return "\n".join(lines) + "\n", not results.errors and results.sockets_open == args.sockets


if __name__ == "__main__":
    sys.exit(main())
