"""Jukebox votes: 500 sockets on one event while 200 guests vote 20 times a second.

    .venv/bin/python bench/votes.py [--sockets 500] [--guests 200] [--rate 20] [--duration 60]

Production settings on 127.0.0.1: PostgreSQL (a throwaway database), Redis (cache, rate
limits and the RedisPubSubChannelLayer; db 11), gunicorn (2 sync workers) taking the vote POSTs
(`web`) and two uvicorn workers serving the event sockets (`ws`), as in the Procfile. One active event
with a pool of 40 tracks; signed-in fans vote with their session token, each for a track
it has not voted for yet, at a steady rate. A socket has seen a vote when a queue it
receives counts the vote's track at least as high as the vote's response did (snapshots
are coalesced, so one message may carry several votes). Reports the vote POST latency,
vote -> last socket, the delivered fraction (must be 1.0) and acknowledged votes against
Vote rows (must be equal); the web's CPU per vote (gunicorn's master and workers over the run,
from /proc, divided by the votes sent), beside its floor in the same run: the CPU per request
of a constant view (`/healthz`) that a second gunicorn like the web's serves at the votes'
rate and times, each on a new connection as a vote is (a request that comes alone every 50 ms
finds the process's caches cold, and costs two to three times what it costs back to back);
and the SQL statements one vote POST runs, in all and
from the event's lock to the commit, counted in this process with Django's
CaptureQueriesContext through the same view, middleware and database before the run (a guest
of its own votes a few times; its votes are not counted as the run's). The floor, in the same
run: a raw `websockets` server that broadcasts each message of a Redis pub/sub channel, with
as many sockets, fed a real queue message at the same rate; the vote -> last socket target is
the coalescing window plus 1.5 x the floor's p95. Prints a markdown table (also
bench/results/votes.md). Talks only to 127.0.0.1, stops by itself and cleans up after itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import io
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_serving as common  # noqa: E402 - the shared server and database helpers
from map_fanout import percentile  # noqa: E402

# A Redis database of its own, so this bench's keys and channels meet no other bench's.
common.REDIS_URL = f"redis://{common.HOST}:{common.REDIS_PORT}/11"

DB = "encore_bench_votes"
RESULTS = common.ROOT / "bench" / "results" / "votes.md"
TRACKS = 40  # under the 50 entries a queue message carries, so every vote stays visible
FLOOR_SECONDS = 15
CONSTANT_LABEL = "gunicorn sync x2, constant view"
FLOOR_CHANNEL = f"{common.CACHE_PREFIX}:votes-floor"
GRACE_SECONDS = 3
# Enough threads that a slow answer does not hold back the next votes (open-loop load).
POST_THREADS = 32
POST_TIMEOUT = 10
PROBE_VOTES = 4  # in-process votes whose statements are counted; the first one warms up
LATE_LIMIT = 60  # seconds behind schedule after which the remaining votes are not sent
# Sockets arrive as a room's phones would: in waves, not all in one instant.
WAVE, WAVE_PAUSE = 50, 0.2

# The floor: what one process does with no framework at all. It subscribes before it
# listens, so answering /healthz means it is ready; no compression, as the ws process sends none.
FLOOR_SERVER = """
import asyncio, http, sys
import redis.asyncio as aioredis
from websockets.asyncio.server import broadcast, serve

async def main(port, url, channel):
    sockets = set()

    async def handler(socket):
        sockets.add(socket)
        try:
            await socket.wait_closed()
        finally:
            sockets.discard(socket)

    def health(connection, request):
        if request.path == "/healthz":
            return connection.respond(http.HTTPStatus.OK, "ok\\n")

    client = aioredis.Redis.from_url(url)
    pubsub = client.pubsub()
    await pubsub.subscribe(channel)
    async with serve(handler, "127.0.0.1", port, compression=None, process_request=health):
        async for message in pubsub.listen():
            if message["type"] == "message":
                broadcast(sockets, message["data"].decode())

asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
"""


@dataclass
class Vote:
    token: str
    track: int
    offset: float  # seconds after the first vote
    sent_at: float = 0.0
    answered_at: float = 0.0
    status: int = 0
    count: int = 0  # the track's votes as the response reports them

    @property
    def accepted(self) -> bool:
        return self.status == 201 and self.count > 0


@dataclass
class Sockets:
    """What the client sockets saw, with when."""

    wanted: int
    connected: int = 0
    messages: int = 0
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    open: list = field(default_factory=list)
    # socket -> track -> the time each count (index + 1) was first seen
    seen: dict[int, dict[int, list[float]]] = field(default_factory=dict)
    # socket -> marker -> time (the floor)
    marks: dict[int, dict[int, float]] = field(default_factory=dict)
    sample: str = ""
    closing: bool = False
    connect_seconds: float = 0.0
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def settled(self) -> None:
        if self.connected + len(self.refused) == self.wanted:
            self.ready.set()


def seed(guests: int) -> tuple[int, list[int], list[str]]:
    """An active event with a pool of ready tracks, and fans who joined it, with app tokens."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from apps.accounts.models import ArtistProfile, User
    from apps.media.models import MediaStatus, Track
    from apps.venues import services
    from apps.venues.models import Event, EventStatus, Venue

    now = datetime.now(UTC)
    artist_user = User.objects.create_user(email="band@bench.local", password=None)
    artist = ArtistProfile.objects.create(user=artist_user, stage_name="Bench Band", slug="bench-band")
    # Ready rows without files: the vote path and the queue never open them.
    tracks = Track.objects.bulk_create(
        Track(
            artist=artist,
            title=f"Song {n}",
            kind="audio",
            status=MediaStatus.READY,
            source=f"tracks/bench-{n}/source.mp3",
            mime_type="audio/mpeg",
            duration=180.0 + n,
            processed_at=now,
        )
        for n in range(TRACKS)
    )
    venue = Venue.objects.create(name="Bench Hall", slug="bench-hall", lat=38.7106, lng=-9.1436)
    event = Event.objects.create(
        venue=venue,
        name="Bench night",
        status=EventStatus.ACTIVE,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=5),
        vote_cooldown_seconds=0,
        votes_per_guest_per_hour=1000,
    )
    event.pool_tracks.set(tracks)
    tokens = []
    for n in range(guests):
        user = User.objects.create_user(email=f"fan{n}@bench.local", password=None)
        services.guest_for(event, user=user)  # they scanned the QR code earlier in the night
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        tokens.append(session.session_key)
    return event.pk, [track.pk for track in tracks], tokens


def plan(tokens: list[str], tracks: list[int], rate: int, duration: int, rng: random.Random) -> list[Vote]:
    """rate x duration votes, evenly spaced; each by a random guest for a track it has not voted."""
    left = {token: list(tracks) for token in tokens}
    votes = []
    for k in range(rate * duration):
        token = rng.choice([t for t, unvoted in left.items() if unvoted])
        track = left[token].pop(rng.randrange(len(left[token])))
        votes.append(Vote(token, track, k / rate))
    return votes


# --- the clients that pace the load (run in their own process, apart from the sockets) -----


def cast_votes(
    web_port: int, event_id: int, plan: list[tuple[str, int, float]], constant_port: int
) -> list[tuple]:
    """POST (token, track, offset) votes at their times from a few threads; at each vote's time
    also GET the constant view from the gunicorn at `constant_port`, each on a new connection
    as the votes are (its CPU per request is the floor of the web's CPU per vote).

    Returns (sent_at, answered_at, status, reported count) for each vote, in order; plain tuples
    cross the process boundary where this module's classes would not.
    """
    start = time.monotonic() + 0.2
    path = f"/api/v1/events/{event_id}/votes/"

    def post(token: str, track: int) -> tuple[float, float, int, int]:
        body = orjson.dumps({"track": track})
        headers = {"Content-Type": "application/json", "X-Session-Token": token}
        connection = http.client.HTTPConnection(common.HOST, web_port, timeout=POST_TIMEOUT)
        sent_at = time.monotonic()
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except OSError:
            return sent_at, time.monotonic(), 0, 0
        finally:
            connection.close()
        answered_at = time.monotonic()
        return sent_at, answered_at, response.status, reported_count(data) if response.status == 201 else 0

    def constant() -> None:
        connection = http.client.HTTPConnection(common.HOST, constant_port, timeout=POST_TIMEOUT)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
        except OSError:
            pass
        finally:
            connection.close()

    with ThreadPoolExecutor(POST_THREADS) as pool, ThreadPoolExecutor(POST_THREADS) as floor:
        futures = []
        for token, track, offset in plan:
            delay = start + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(post, token, track))
            floor.submit(constant)
        answers = []
        for future in futures:
            # A server that stopped answering ends the run rather than keeping it going.
            timeout = max(start + plan[-1][2] + LATE_LIMIT - time.monotonic(), 0.1)
            try:
                answers.append(future.result(timeout=timeout))
            except TimeoutError:
                future.cancel()
                answers.append((0.0, 0.0, 0, 0))
        return answers


def reported_count(body: bytes) -> int:
    """The vote count of the entry the vote went to, as the 201 response says it."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return 0
    if isinstance(data.get("entry"), dict):
        data = data["entry"]
    votes = data.get("votes")
    return votes if isinstance(votes, int) else 0


def publish(sample: str, count: int, rate: int) -> list[float]:
    """The floor's load: `count` copies of a real queue message, numbered in `seq`, at `rate`/s."""
    import redis

    message = orjson.loads(sample)
    client = redis.Redis.from_url(common.REDIS_URL)
    sent = []
    try:
        start = time.monotonic() + 0.2
        for k in range(count):
            text = orjson.dumps({**message, "seq": k})
            delay = start + k / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent.append(time.monotonic())
            client.publish(FLOOR_CHANNEL, text)
    finally:
        client.close()
    return sent


# --- the sockets ----------------------------------------------------------------------------


async def watch(n: int, url: str, origin: str, sockets: Sockets, floor: bool) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    try:
        # No keep-alive pings: the run is short, and a ping lost on a busy box is not the app's fault.
        socket = await connect(
            url,
            origin=origin,
            max_size=2**22,
            open_timeout=120,
            compression=None,
            proxy=None,
            ping_interval=None,
        )
        first = None if floor else orjson.loads(await socket.recv())
    except Exception as exc:  # noqa: BLE001 - counted and reported
        sockets.refused.append(repr(exc))
        sockets.settled()
        return
    if first is not None and first.get("type") != "snapshot":
        sockets.refused.append(f"first message {first.get('type')}: {first.get('detail')}")
        sockets.settled()
        await socket.close()
        return
    seen: dict[int, list[float]] = {}
    marks: dict[int, float] = {}
    if floor:
        sockets.marks[n] = marks
    else:
        sockets.seen[n] = seen
    sockets.open.append(socket)
    sockets.connected += 1
    sockets.settled()
    try:
        async for raw in socket:
            now = time.monotonic()
            sockets.messages += 1
            message = orjson.loads(raw)
            if floor:
                marks[message["seq"]] = now
            elif message.get("type") in {"queue.updated", "snapshot"}:
                if message["type"] == "queue.updated":
                    sockets.sample = raw  # the floor sends the latest, the fullest queue
                for entry in message["queue"]:
                    # Counts only grow; the first message at or above a count is when it was seen.
                    times = seen.setdefault(entry["track"]["id"], [])
                    times.extend([now] * (entry["votes"] - len(times)))
    except ConnectionClosed as exc:
        sockets.errors.append(repr(exc))
        return
    if not sockets.closing:
        sockets.errors.append(f"closed by the server: {socket.close_code} {socket.close_reason}")


@dataclass
class Window:
    """The box's busy share and the servers' CPU (in cores) while the load ran."""

    busy: float
    seconds: float
    cores: dict[str, float]


async def run_sockets(
    url: str,
    origin: str,
    count: int,
    load: Callable[[], Awaitable[object]],
    servers: list[common.Running],
    floor: bool = False,
) -> tuple[Sockets, object, Window]:
    """Open `count` sockets in waves, run `load()` once all are open, wait a grace period, close.

    Returns what the sockets saw, what the load returned, and the CPU used meanwhile.
    """
    sockets = Sockets(wanted=count)
    tasks = []
    started = time.monotonic()
    for n in range(count):
        tasks.append(asyncio.create_task(watch(n, url, origin, sockets, floor)))
        if n % WAVE == WAVE - 1:
            await asyncio.sleep(WAVE_PAUSE)
    await asyncio.wait_for(sockets.ready.wait(), timeout=300)
    sockets.connect_seconds = time.monotonic() - started
    print(f"  {sockets.connected:,} sockets open in {sockets.connect_seconds:.1f} s", flush=True)
    if sockets.refused:
        print(f"  {len(sockets.refused)} sockets failed to open; first: {sockets.refused[0]}", flush=True)
    # CPU seconds of each server's process group; a share of the box that others also use.
    before = [common.group_cpu_seconds(server.proc.pid) for server in servers]
    busy_before, wall_before = common.box_busy_seconds(), time.monotonic()
    result = await load()
    await asyncio.sleep(GRACE_SECONDS)
    seconds = time.monotonic() - wall_before
    window = Window(
        busy=(common.box_busy_seconds() - busy_before) / seconds,
        seconds=seconds,
        cores={
            server.server.label: (common.group_cpu_seconds(server.proc.pid) - cpu) / seconds
            for server, cpu in zip(servers, before, strict=True)
        },
    )
    sockets.closing = True
    await asyncio.gather(*(socket.close() for socket in sockets.open), return_exceptions=True)
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=60)
    return sockets, result, window


def in_own_process(function: Callable, *args: object) -> Callable[[], Awaitable[object]]:
    """A load client in a process of its own, so its timing does not share the sockets' GIL."""

    async def load() -> object:
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            return await asyncio.get_running_loop().run_in_executor(pool, function, *args)

    return load


# --- the run --------------------------------------------------------------------------------


@dataclass
class Queries:
    """The SQL statements of one vote POST, as Django ran them (BEGIN and COMMIT included)."""

    status: int
    statements: list[str]
    cpu_ms: float  # the request's own thread: middleware, view, ORM; not the snapshot it asks for

    @property
    def sql(self) -> int:
        """Statements sent to the database, leaving out BEGIN and COMMIT."""
        return sum(1 for sql in self.statements if sql not in {"BEGIN", "COMMIT", "ROLLBACK"})

    @property
    def under_lock(self) -> int:
        """From the event's SELECT ... FOR UPDATE to the last statement before COMMIT."""
        lock = next(
            (k for k, sql in enumerate(self.statements) if "FOR UPDATE" in sql and "venues_event" in sql),
            None,
        )
        if lock is None:
            return 0
        commit = next((k for k in range(lock, len(self.statements)) if self.statements[k] == "COMMIT"), None)
        return (commit if commit is not None else len(self.statements)) - lock


def count_queries(event_id: int, probes: list[tuple[str, int]]) -> list[Queries]:
    """The statements of each probe vote (token, track), POSTed in this process through the
    same URL, middleware and view as the run's, against the bench's database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=common.HOST)
    path = f"/api/v1/events/{event_id}/votes/"
    counted = []
    for token, track in probes:
        with CaptureQueriesContext(connection) as captured:
            cpu = time.thread_time()
            response = client.post(
                path,
                data=orjson.dumps({"track": track}),
                content_type="application/json",
                HTTP_X_SESSION_TOKEN=token,
            )
            cpu = time.thread_time() - cpu
        counted.append(
            Queries(response.status_code, [query["sql"] for query in captured.captured_queries], cpu * 1000)
        )
    return counted


def prepare(db: str, rate: int) -> dict[str, str]:
    """A fresh database `db`, migrated, with Django set up against it in this process.

    Returns the servers' environment."""
    database_url = f"postgres://postgres@{common.HOST}:{common.PG_PORT}/{db}"
    with common.pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    env = common.base_env(database_url, use_redis=True)
    # One address sends every vote here: the network cap must sit above the whole rate.
    env["EVENT_VOTES_PER_NETWORK_PER_MINUTE"] = str(rate * 60 * 2)
    print("migrating and seeding ...", flush=True)
    common.manage(env, "migrate", "--no-input", timeout=600)
    os.environ.update(env, LOG_LEVEL="WARNING")
    sys.path.insert(0, str(common.ROOT))
    import django

    django.setup()
    return env


def start_servers(env: dict[str, str], logdir: Path) -> list[common.Running]:
    """gunicorn (2 sync workers) and uvicorn (2 workers), as the Procfile's `web` and `ws`; and a
    second gunicorn like the first, for the constant view at the votes' rate (the CPU floor)."""
    web = common.gunicorn_sync(2, {"LOG_LEVEL": "WARNING"})
    ws = common.uvicorn_ws(2, {"LOG_LEVEL": "WARNING"})
    constant = replace(common.gunicorn_sync(2, {"LOG_LEVEL": "WARNING"}), label=CONSTANT_LABEL)
    running = [common.Running(server, env, None, logdir) for server in (web, ws, constant)]
    for server in running:
        server.wait_ready()
    return running


def vote_load(
    running: list[common.Running], event_id: int, votes: list[Vote], count: int
) -> tuple[Sockets, Window]:
    """`count` event sockets open while `votes` are cast; each vote gets its answer."""
    ws_port = running[1].port
    sockets, answers, window = asyncio.run(
        run_sockets(
            f"ws://{common.HOST}:{ws_port}/ws/events/{event_id}/",
            f"http://{common.HOST}:{ws_port}",
            count,
            in_own_process(
                cast_votes,
                running[0].port,
                event_id,
                [(v.token, v.track, v.offset) for v in votes],
                running[2].port,
            ),
            running,
        )
    )
    for vote, (sent_at, answered_at, status, reported) in zip(votes, answers, strict=True):
        vote.sent_at, vote.answered_at, vote.status, vote.count = sent_at, answered_at, status, reported
    for server in running:
        if server.proc.poll() is not None:
            raise common.BenchError(f"{server.server.label} died:\n{server.log_tail()}")
    return sockets, window


@dataclass
class Outcome:
    votes: list[Vote]
    sockets: Sockets
    floor: Sockets
    floor_sent: list[float]
    window: Window
    floor_window: Window
    rows: int
    queries: list[Queries]
    coalesce_ms: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def run(args: argparse.Namespace, logdir: Path) -> Outcome:
    rng = random.Random(7)
    env = prepare(DB, args.rate)
    from django.conf import settings
    from django.db import connections

    from apps.venues.models import Vote as VoteRow

    event_id, tracks, tokens = seed(args.guests + 1)
    probe = tokens.pop()  # a guest of its own, whose votes are counted in SQL, not as the run's
    queries = count_queries(event_id, [(probe, track) for track in tracks[:PROBE_VOTES]])
    rows_before = VoteRow.objects.filter(event_id=event_id).count()
    votes = plan(tokens, tracks, args.rate, args.duration, rng)
    connections.close_all()

    running = []
    load_before = os.getloadavg()
    try:
        running = start_servers(env, logdir)
        load_before = os.getloadavg()
        print(f"Encore: {args.rate} votes/s for {args.duration} s", flush=True)
        sockets, window = vote_load(running, event_id, votes, args.sockets)
        rows = VoteRow.objects.filter(event_id=event_id).count() - rows_before
        connections.close_all()
    finally:
        for server in running:
            server.stop()

    # The floor, once Encore's servers are gone: the same sockets and rate, a real message.
    sample = sockets.sample or orjson.dumps({"type": "queue.updated", "seq": 0, "queue": []}).decode()
    floor_server = common.Server(
        key="floor",
        label="websockets + Redis pub/sub",
        interface="websockets",
        argv=[sys.executable, "-c", FLOOR_SERVER, "{port}", common.REDIS_URL, FLOOR_CHANNEL],
    )
    floor_running = common.Running(floor_server, env, None, logdir)
    try:
        floor_running.wait_ready()
        print(f"floor: {args.rate} messages/s for {min(FLOOR_SECONDS, args.duration)} s", flush=True)
        floor_seconds = min(FLOOR_SECONDS, args.duration)
        floor, floor_sent, floor_window = asyncio.run(
            run_sockets(
                f"ws://{common.HOST}:{floor_running.port}/",
                f"http://{common.HOST}:{floor_running.port}",
                args.sockets,
                in_own_process(publish, sample, args.rate * floor_seconds, args.rate),
                [floor_running],
                floor=True,
            )
        )
    finally:
        floor_running.stop()
    return Outcome(
        votes,
        sockets,
        floor,
        floor_sent,
        window,
        floor_window,
        rows,
        queries,
        settings.EVENT_QUEUE_COALESCE_SECONDS * 1000,
        load_before,
        os.getloadavg(),
    )


# --- the report -----------------------------------------------------------------------------


def latency(
    votes: list[Vote], seen: dict[int, dict[int, list[float]]]
) -> tuple[list[Vote], int, int, list[float], list[float]]:
    """Accepted votes; (vote, socket) pairs owed and delivered; ms to the last and first socket."""
    accepted = [vote for vote in votes if vote.accepted]
    owed = delivered = 0
    to_last, to_first = [], []
    for vote in accepted:
        arrivals = []
        for per_track in seen.values():
            times = per_track.get(vote.track, ())
            owed += 1
            if len(times) >= vote.count:
                arrivals.append(times[vote.count - 1])
        delivered += len(arrivals)
        if arrivals and len(arrivals) == len(seen):
            to_last.append((max(arrivals) - vote.sent_at) * 1000)
        if arrivals:
            to_first.append((min(arrivals) - vote.sent_at) * 1000)
    return accepted, owed, delivered, to_last, to_first


def to_sockets(outcome: Outcome) -> tuple[list[Vote], int, int, list[float], list[float]]:
    return latency(outcome.votes, outcome.sockets.seen)


def floor_latency(outcome: Outcome) -> tuple[list[float], int, int]:
    marks = outcome.floor.marks
    to_last = []
    delivered = 0
    for k, sent in enumerate(outcome.floor_sent):
        arrivals = [per_socket[k] for per_socket in marks.values() if k in per_socket]
        delivered += len(arrivals)
        if arrivals and len(arrivals) == len(marks):
            to_last.append((max(arrivals) - sent) * 1000)
    return to_last, delivered, len(outcome.floor_sent) * len(marks)


def loadavg(values: tuple[float, float, float]) -> str:
    return "/".join(f"{value:.2f}" for value in values)


def report(args: argparse.Namespace, outcome: Outcome) -> tuple[str, bool]:
    accepted, owed, delivered, to_last, to_first = to_sockets(outcome)
    post_ms = [(vote.answered_at - vote.sent_at) * 1000 for vote in outcome.votes if vote.sent_at]
    first = outcome.votes[0].sent_at
    lag_ms = max(
        ((vote.sent_at - first - vote.offset) * 1000 for vote in outcome.votes if vote.sent_at), default=0
    )
    statuses = Counter(vote.status for vote in outcome.votes)
    client_errors = sum(n for status, n in statuses.items() if 400 <= status < 500)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    unsent = sum(1 for vote in outcome.votes if not vote.sent_at)
    unanswered = statuses.get(0, 0) - unsent
    acknowledged = statuses.get(201, 0)
    floor_last, floor_delivered, floor_owed = floor_latency(outcome)
    fraction = delivered / owed if owed else float("nan")
    encore_p95, floor_p95 = percentile(to_last, 95), percentile(floor_last, 95)
    target_ms = outcome.coalesce_ms + 1.5 * floor_p95
    sockets, floor = outcome.sockets, outcome.floor
    window, floor_window = outcome.window, outcome.floor_window
    ncpu = os.cpu_count() or 1
    cores = ", ".join(f"{label} {used:.2f}" for label, used in window.cores.items())
    web_cores = next(iter(window.cores.values()), 0.0)
    web_ms_per_vote = window.seconds * web_cores * 1000 / max(len(outcome.votes) - unsent, 1)
    constant_ms = window.seconds * window.cores.get(CONSTANT_LABEL, 0.0) * 1000 / max(len(outcome.votes), 1)
    # The first probe vote warms the process up; the others are what a vote costs.
    measured = [q for q in outcome.queries[1:] if q.status == 201] or outcome.queries
    sql = max((q.sql for q in measured), default=0)
    under_lock = max((q.under_lock for q in measured), default=0)

    out = io.StringIO()
    out.write(
        f"# Jukebox votes: {args.sockets:,} sockets on one event, {args.guests} guests voting"
        f" {args.rate} times a second\n\n"
    )
    out.write(
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {ncpu} cores; load average (1/5/15 min)"
        f" {loadavg(outcome.load_before)} before the votes, {loadavg(outcome.load_after)} after the floor\n"
    )
    out.write(
        f"- {args.duration} s of votes ({len(outcome.votes):,}, latest sent {lag_ms:.0f} ms behind its time,"
        f" {unsent} not sent); sockets connected in {sockets.connect_seconds:.1f} s\n"
    )
    out.write(
        f"- box {window.busy / ncpu:.0%} busy while votes went out, {floor_window.busy / ncpu:.0%} during the"
        f" floor (100% = every core; anything else running counts too); servers' CPU in cores: {cores};"
        f" floor server {next(iter(floor_window.cores.values()), 0.0):.2f}\n"
    )
    out.write(
        "- gunicorn (2 sync workers) takes the vote POSTs; uvicorn (2 workers, psycopg pool) serve the"
        " sockets; RedisPubSubChannelLayer; PostgreSQL; queue snapshots coalesced every"
        f" `EVENT_QUEUE_COALESCE_SECONDS` ({outcome.coalesce_ms:.0f} ms); all on this box with the clients\n"
    )
    out.write(
        f"- floor: a raw `websockets.broadcast` server subscribed to a Redis channel,"
        f" {args.sockets:,} sockets, {len(outcome.floor_sent):,} real queue messages"
        f" ({len(sockets.sample) / 1024:.1f} KB) published at {args.rate}/s"
        f" for {len(outcome.floor_sent) // args.rate} s\n"
    )
    out.write(
        f"- {sockets.messages:,} messages received on Encore's sockets, {floor.messages:,} on the floor's;"
        f" {len(sockets.refused) + len(floor.refused)} sockets failed to open,"
        f" {len(sockets.errors) + len(floor.errors)} were closed early\n\n"
    )
    out.write("| from → to | p50 | p95 | p99 | target |\n")
    out.write("| --- | ---: | ---: | ---: | ---: |\n")
    out.write(
        f"| vote POST sent → response | {percentile(post_ms, 50):.1f} ms |"
        f" **{percentile(post_ms, 95):.1f} ms** | {percentile(post_ms, 99):.1f} ms | < 20 ms |\n"
    )
    out.write(
        f"| vote POST sent → last socket | {percentile(to_last, 50):.0f} ms | **{encore_p95:.0f} ms** |"
        f" {percentile(to_last, 99):.0f} ms | ≤ window + 1.5 × floor p95 = {target_ms:.0f} ms |\n"
    )
    out.write(
        f"| vote POST sent → first socket | {percentile(to_first, 50):.0f} ms |"
        f" {percentile(to_first, 95):.0f} ms | {percentile(to_first, 99):.0f} ms | |\n"
    )
    out.write(
        f"| floor: publish → last socket | {percentile(floor_last, 50):.0f} ms | **{floor_p95:.0f} ms** |"
        f" {percentile(floor_last, 99):.0f} ms | |\n\n"
    )
    out.write(
        "| delivered | votes acknowledged (201) | Vote rows | 4xx | 5xx | no answer"
        " | floor delivered | Encore p95 / floor p95 |\n"
    )
    out.write("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    floor_fraction = floor_delivered / floor_owed if floor_owed else float("nan")
    ratio = f"{encore_p95 / floor_p95:.1f}x" if floor_p95 and floor_p95 == floor_p95 else "n/a"
    out.write(
        f"| **{fraction:.4f}** ({delivered:,} of {owed:,}) | {acknowledged:,} | {outcome.rows:,} |"
        f" {client_errors} | {server_errors} | {unanswered} | {floor_fraction:.4f} | **{ratio}** |\n\n"
    )
    out.write("| cost of a vote | measured | target |\n")
    out.write("| --- | ---: | ---: |\n")
    out.write(f"| SQL statements from the event's lock to COMMIT | **{under_lock}** | ≤ 5 |\n")
    out.write(f"| SQL statements per vote POST (BEGIN and COMMIT left out) | **{sql}** | |\n")
    out.write(f"| web CPU per vote (gunicorn, over the run) | **{web_ms_per_vote:.1f} ms** | ≤ 5 ms |\n")
    out.write(
        f"| floor, same run: CPU per request of the constant view (`/healthz`) at the votes' rate,"
        f" through a gunicorn like the web's | {constant_ms:.1f} ms"
        f" (a vote costs **{web_ms_per_vote / constant_ms:.1f}x**) | |\n"
        if constant_ms
        else ""
    )
    request_ms = statistics.median(q.cpu_ms for q in measured) if measured else float("nan")
    out.write(
        f"| a vote POST's own CPU, before the run in this process (its thread, no snapshot; median)"
        f" | {request_ms:.1f} ms | |\n"
    )
    statements = [
        f"{q.status}: {q.sql} statements, {q.under_lock} under the lock, {q.cpu_ms:.1f} ms of CPU"
        for q in outcome.queries
    ]
    out.write(f"\nProbe votes (the first warms up): {'; '.join(statements)}.\n")
    if measured:
        out.write("\nStatements of the last probe vote:\n\n")
        out.writelines(f"{k}. `{sql[:160]}`\n" for k, sql in enumerate(measured[-1].statements, 1))
    refusals = {status: n for status, n in sorted(statuses.items()) if status != 201}
    if refusals:
        out.write(f"\nAnswers other than 201: {refusals}\n")
    if len(accepted) != acknowledged:
        out.write(f"\n{acknowledged - len(accepted)} responses with 201 reported no vote count.\n")
    for label, group in (("Encore", sockets), ("floor", floor)):
        if group.refused:
            out.write(f"\nFirst {label} socket that failed to open: `{group.refused[0]}`\n")
        if group.errors:
            out.write(f"\nFirst {label} socket closed early: `{group.errors[0]}`\n")
    ok = bool(owed) and delivered == owed and acknowledged == outcome.rows and not sockets.refused
    return out.getvalue(), ok


def on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=500, choices=range(1, 5001), metavar="1..5000")
    parser.add_argument("--guests", type=int, default=200, choices=range(1, 2001), metavar="1..2000")
    parser.add_argument("--rate", type=int, default=20, choices=range(1, 201), metavar="VOTES/S")
    parser.add_argument("--duration", type=int, default=60, choices=range(5, 121), metavar="SECONDS")
    args = parser.parse_args()
    if args.guests * TRACKS < args.rate * args.duration:
        parser.error(f"{args.guests} guests can cast {args.guests * TRACKS} votes at most (one per track)")
    if not (common.reachable(common.PG_PORT) and common.redis_answers()):
        print("PostgreSQL and Redis must answer on 127.0.0.1:5432 and :6379")
        return 2
    return run_and_report(args, "votes", DB, RESULTS, run, report)


def run_and_report(
    args: argparse.Namespace,
    name: str,
    database: str,
    results: Path,
    run: Callable[[argparse.Namespace, Path], Any],
    report: Callable[[argparse.Namespace, Any], tuple[str, bool]],
) -> int:
    """Run a bench, drop its database and Redis keys whatever happens, then print its report
    and keep it in ``results``; the exit status says whether its checks held."""
    signal.signal(signal.SIGTERM, on_sigterm)
    logdir = Path(tempfile.mkdtemp(prefix=f"encore-bench-{name}-"))
    try:
        outcome = run(args, logdir)
    except common.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        with contextlib.suppress(Exception), common.pg_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            common.clean_redis()

    text, ok = report(args, outcome)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(text)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
