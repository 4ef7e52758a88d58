"""Live map fan-out: 1,000 map sockets over a city, 100 live performers moving every 5 s.

    .venv/bin/python bench/map_fanout.py [--sockets 1000] [--performers 100] [--duration 30]

Production settings on 127.0.0.1: PostgreSQL (a throwaway database), Redis (cache and
the RedisPubSubChannelLayer, db 10), gunicorn serving the API (`web`) and two uvicorn
workers serving the sockets (`ws`), as in the Procfile (`--ws-server daphne` for one daphne).
The map sockets watch random 1-2 km views spread over the city; each performer POSTs
`/api/v1/performances/{id}/position/` every 5 s with its own session token. For every
move the bench works out which sockets must receive it (those watching a map cell the
move touches, by the app's own cell rules) and records when each one did, and how many
times. Reports the delivered fraction (must be 1.0), duplicates (messages received minus
deliveries owed: a socket watching several of the cells a move touches must still get it
once), p50/p95/p99 from the POST being sent to the last subscriber receiving the move, and
the ws processes' CPU (uvicorn's master and workers, from /proc) per delivered message.

The floor, in the same run once Encore's servers are gone: a raw `websockets` server in one
process, subscribed to a Redis pub/sub channel, with as many sockets. Each of Encore's moves
is published to it at the same offset as the move was sent, carrying the list of sockets it
was owed to and a message Encore sent for it (same size), and the server broadcasts it to
those sockets: the same fan-out with no framework. Prints a markdown table (also
bench/results/map_fanout.md). Talks only to 127.0.0.1 and cleans up after itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_serving as common  # noqa: E402 - the shared server and database helpers

# A Redis database of its own, so this bench's keys and channels meet no other bench's.
common.REDIS_URL = f"redis://{common.HOST}:{common.REDIS_PORT}/10"

DB = "encore_bench_fanout"
CENTRE = (38.7223, -9.1393)
CITY_SPREAD = (0.045, 0.06)  # degrees: about 10 x 10 km of city
RESULTS = common.ROOT / "bench" / "results" / "map_fanout.md"
# The server accepts one position per 5 s; a hair more keeps clocks from colliding.
MOVE_EVERY = 5.1
GRACE_SECONDS = 3
FLOOR_CHANNEL = f"{common.CACHE_PREFIX}:map-floor"

# The floor: each Redis message is "<socket numbers, comma-separated>\n<the text to send>",
# broadcast to those sockets. A socket says its number in its path and is greeted with a
# snapshot-like first message, as Encore's are. It subscribes before it listens, so answering
# /healthz means it is ready; no compression, as the ws process sends none.
FLOOR_SERVER = """
import asyncio, http, sys
import redis.asyncio as aioredis
from websockets.asyncio.server import broadcast, serve

async def main(port, url, channel):
    sockets = {}

    async def handler(socket):
        n = int(socket.request.path.rsplit("/", 1)[1])
        sockets[n] = socket
        try:
            await socket.send('{"type": "snapshot"}')
            await socket.wait_closed()
        finally:
            sockets.pop(n, None)

    def health(connection, request):
        if request.path == "/healthz":
            return connection.respond(http.HTTPStatus.OK, "ok\\n")

    client = aioredis.Redis.from_url(url)
    pubsub = client.pubsub()
    await pubsub.subscribe(channel)
    async with serve(handler, "127.0.0.1", port, compression=None, process_request=health):
        async for message in pubsub.listen():
            if message["type"] == "message":
                head, _, text = message["data"].partition(b"\\n")
                numbers = map(int, head.split(b",")) if head else ()
                broadcast([sockets[n] for n in numbers if n in sockets], text.decode())

asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
"""


@dataclass
class Move:
    performance_id: int
    lat: float
    lng: float
    sent_at: float
    expected: set[int]
    status: int = 0
    answered_at: float = 0.0
    arrivals: dict[int, float] = field(default_factory=dict)
    received: Counter[int] = field(default_factory=Counter)  # socket -> messages about this move
    sample: str = ""  # one message a socket received about it, as sent

    def key(self) -> tuple[int, float, float]:
        return self.performance_id, self.lat, self.lng


def seed(performers: int, rng: random.Random) -> list[dict]:
    """Live performers, each with one stop playing now, and an app session token."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from apps.accounts.models import ArtistProfile, User
    from apps.performances import services

    now = datetime.now(UTC)
    seeded = []
    for n in range(performers):
        user = User.objects.create_user(email=f"performer{n}@bench.local", password=None)
        artist = ArtistProfile.objects.create(user=user, stage_name=f"Performer {n}", slug=f"performer-{n}")
        lat = CENTRE[0] + rng.uniform(-CITY_SPREAD[0], CITY_SPREAD[0])
        lng = CENTRE[1] + rng.uniform(-CITY_SPREAD[1], CITY_SPREAD[1])
        performance = services.create_performance(
            artist,
            actor=user,
            title=f"Set {n}",
            stops=[
                {
                    "lat": lat,
                    "lng": lng,
                    "place_name": f"Corner {n}",
                    "starts_at": now - timedelta(minutes=10),
                    "ends_at": now + timedelta(hours=2),
                }
            ],
        )
        services.go_live(performance, actor=user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        seeded.append(
            {"id": performance.pk, "token": session.session_key, "stop": (lat, lng), "at": (lat, lng)}
        )
    return seeded


def views(sockets: int, rng: random.Random) -> list[tuple[float, float, float]]:
    """(lat, lng, radius_km) of each map socket's view, rounded as its URL gives them (the
    cells the bench expects a socket to watch are those of the view the server is sent)."""
    return [
        (
            round(CENTRE[0] + rng.uniform(-CITY_SPREAD[0], CITY_SPREAD[0]), 6),
            round(CENTRE[1] + rng.uniform(-CITY_SPREAD[1], CITY_SPREAD[1]), 6),
            rng.choice((1.0, 1.5, 2.0)),
        )
        for _ in range(sockets)
    ]


def map_url(ws_port: int, view: tuple[float, float, float]) -> str:
    lat, lng, radius = view
    return f"ws://{common.HOST}:{ws_port}/ws/map/?lat={lat:.6f}&lng={lng:.6f}&radius_km={radius}"


async def watch(
    n: int, url: str, origin: str, ready: asyncio.Event, moves: dict, stop: asyncio.Event, counts: dict
) -> None:
    import websockets

    def settled() -> None:
        if counts["connected"] + len(counts["refused"]) == counts["wanted"]:
            ready.set()

    try:
        socket = await websockets.connect(url, origin=origin, max_size=2**22, open_timeout=120)
        first = json.loads(await socket.recv())
    except Exception as exc:  # noqa: BLE001 - counted and reported
        counts["refused"].append(repr(exc))
        settled()
        return
    if first.get("type") != "snapshot":
        counts["refused"].append(f"first message {first.get('type')}: {first.get('detail')}")
        settled()
        return
    counts["connected"] += 1
    counts["open"].add(n)
    settled()

    async def close_when_stopped() -> None:
        await stop.wait()
        await socket.close()

    closer = asyncio.create_task(close_when_stopped())
    # A plain receive loop: a timeout per message would cost the clients more CPU than
    # the servers spend sending, on the same two cores.
    with contextlib.suppress(websockets.ConnectionClosed):
        async for raw in socket:
            now = time.monotonic()
            message = orjson.loads(raw)
            counts["messages"] += 1
            if message.get("type") != "performance.moved":
                continue
            # One message for several groups numbers itself in each (`seqs`); one for a
            # single group says which (`group`, `seq`).
            counts["multi_group" if "seqs" in message else "one_group"] += 1
            performance = message["performance"]
            position = performance.get("position") or {}
            move = moves.get((performance["id"], position.get("lat"), position.get("lng")))
            if move is None:
                counts["unmatched"] += 1
                continue
            move.received[n] += 1
            if n not in move.arrivals:
                move.arrivals[n] = now
            if not move.sample:
                move.sample = raw
    await closer


def post_position(web: str, performer: dict, lat: float, lng: float) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"{web}/api/v1/performances/{performer['id']}/position/",
        data=json.dumps({"lat": lat, "lng": lng}).encode(),
        headers={"Content-Type": "application/json", "X-Session-Token": performer["token"]},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def perform(
    web: str,
    performers: list[dict],
    socket_cells: list[set],
    moves: dict,
    duration: float,
    rng: random.Random,
) -> None:
    """Every performer moves every MOVE_EVERY seconds, staggered evenly, for `duration`."""
    from apps.performances.cells import cells_of_points

    start = time.monotonic() + 0.5
    schedule = sorted(
        (start + k * MOVE_EVERY + i * MOVE_EVERY / len(performers), i)
        for k in range(int(duration // MOVE_EVERY))
        for i in range(len(performers))
    )
    for at, i in schedule:
        delay = at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        performer = performers[i]
        lat = round(performer["at"][0] + rng.gauss(0, 0.0008), 7)
        lng = round(performer["at"][1] + rng.gauss(0, 0.0008), 7)
        # The cells the app sends a move to: its stops, and its position before and after.
        touched = cells_of_points([performer["stop"], performer["at"], (lat, lng)])
        expected = {n for n, cells in enumerate(socket_cells) if cells & touched}
        move = Move(performer["id"], lat, lng, time.monotonic(), expected)
        moves[move.key()] = move
        move.status = post_position(web, performer, lat, lng)
        move.answered_at = time.monotonic()
        if move.status == 200:
            performer["at"] = (lat, lng)


def replay(plan: list[tuple[float, Move]]) -> None:
    """The floor's load: each move published at its offset, to the sockets it is owed to."""
    import redis

    client = redis.Redis.from_url(common.REDIS_URL)
    try:
        start = time.monotonic() + 0.5
        for offset, move in plan:
            delay = start + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            head = ",".join(str(n) for n in sorted(move.expected))
            move.sent_at = time.monotonic()
            client.publish(FLOOR_CHANNEL, f"{head}\n{move.sample}")
    finally:
        client.close()


async def run_sockets(urls: list[str], origin: str, moves: dict, load: threading.Thread, pgid: int) -> dict:
    """Open the sockets in waves, run `load` once all are open, wait a grace period, close.

    Also measures the CPU of the server's process group (all its processes) meanwhile.
    """
    ready, stop = asyncio.Event(), asyncio.Event()
    counts = {
        "connected": 0,
        "wanted": len(urls),
        "messages": 0,
        "one_group": 0,
        "multi_group": 0,
        "unmatched": 0,
        "refused": [],
        "open": set(),
    }
    tasks = []
    started = time.monotonic()
    for n, url in enumerate(urls):
        tasks.append(asyncio.create_task(watch(n, url, origin, ready, moves, stop, counts)))
        if n % 50 == 49:
            await asyncio.sleep(0.2)  # handshakes in waves, as a city's phones would arrive
    await asyncio.wait_for(ready.wait(), timeout=300)
    counts["connect_seconds"] = time.monotonic() - started
    if counts["refused"]:
        print(f"{len(counts['refused'])} sockets failed to open; first: {counts['refused'][0]}")
    cpu_before, busy_before, wall_before = (
        common.group_cpu_seconds(pgid),
        common.box_busy_seconds(),
        time.monotonic(),
    )
    load.start()
    while load.is_alive():
        await asyncio.sleep(0.2)
    await asyncio.sleep(GRACE_SECONDS)
    counts["seconds"] = time.monotonic() - wall_before
    counts["cpu_seconds"] = common.group_cpu_seconds(pgid) - cpu_before
    counts["busy"] = (common.box_busy_seconds() - busy_before) / counts["seconds"]
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    failed = [task.exception() for task in tasks if task.exception() is not None]
    counts["socket_errors"] = len(failed)
    if failed:
        counts["first_error"] = repr(failed[0])
    return counts


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


@dataclass
class Tally:
    """What the sockets saw of a run's moves."""

    owed: int
    delivered: int
    received: int  # messages about the moves, on any socket
    again: int  # second and later copies of a move on a socket it was owed to
    stray: int  # messages about a move on a socket it was not owed to
    to_last: list[float]  # ms from sending to the last owed socket, moves delivered everywhere
    to_first: list[float]
    cpu_seconds: float

    @property
    def duplicates(self) -> int:
        return self.received - self.owed

    @property
    def cpu_per_delivery_us(self) -> float:
        return self.cpu_seconds / self.delivered * 1e6 if self.delivered else float("nan")


def tally(moves: list[Move], open_: set[int], cpu_seconds: float) -> Tally:
    # Only sockets that opened can be owed anything; those that failed are reported.
    owed = sum(len(move.expected & open_) for move in moves)
    delivered = sum(len(move.expected & open_ & move.arrivals.keys()) for move in moves)
    to_last = [
        (max(move.arrivals[n] for n in move.expected & open_) - move.sent_at) * 1000
        for move in moves
        if move.expected & open_ and move.expected & open_ <= move.arrivals.keys()
    ]
    to_first = [(min(move.arrivals.values()) - move.sent_at) * 1000 for move in moves if move.arrivals]
    received = sum(sum(move.received.values()) for move in moves)
    again = sum(
        max(times - 1, 0) for move in moves for n, times in move.received.items() if n in move.expected
    )
    stray = sum(times for move in moves for n, times in move.received.items() if n not in move.expected)
    return Tally(owed, delivered, received, again, stray, to_last, to_first, cpu_seconds)


def floor_plan(accepted: list[Move], open_: set[int]) -> list[tuple[float, Move]]:
    """Encore's accepted moves again, at the same offsets, to the same opened sockets."""
    if not accepted:
        return []
    first = accepted[0].sent_at
    fallback = next((move.sample for move in accepted if move.sample), "{}")
    plan = []
    for move in accepted:
        again = Move(move.performance_id, move.lat, move.lng, 0.0, move.expected & open_)
        # A move nobody was owed still went out; the text of another stands in for it.
        again.sample = move.sample or fallback
        plan.append((move.sent_at - first, again))
    return plan


def ratio(num: float, den: float) -> str:
    return f"{num / den:.2f}x" if den and den == den and num == num else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--performers", type=int, default=100)
    parser.add_argument("--duration", type=int, default=30, choices=range(10, 121), metavar="SECONDS")
    parser.add_argument("--ws-server", choices=("daphne", "uvicorn"), default="uvicorn")
    parser.add_argument("--ws-workers", type=int, default=2, help="uvicorn's worker processes")
    args = parser.parse_args()
    if not (common.reachable(common.PG_PORT) and common.redis_answers()):
        print("PostgreSQL and Redis must answer on 127.0.0.1:5432 and :6379")
        return 2

    rng = random.Random(5)
    database_url = f"postgres://postgres@{common.HOST}:{common.PG_PORT}/{DB}"
    logdir = Path(tempfile.mkdtemp(prefix="encore-bench-fanout-"))
    with common.pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    running: list[common.Running] = []
    load_before = os.getloadavg()
    try:
        env = common.base_env(database_url, use_redis=True)
        common.manage(env, "migrate", "--no-input", timeout=600)
        # Seeding here: going live notifies followers inline (there are none), quietly.
        os.environ.update(env, CELERY_TASK_ALWAYS_EAGER="true", LOG_LEVEL="WARNING")
        sys.path.insert(0, str(common.ROOT))
        import django

        django.setup()
        from apps.performances.cells import cells_in_box
        from apps.performances.querysets import bounding_box

        performers = seed(args.performers, rng)
        views_ = views(args.sockets, rng)
        socket_cells = [
            set(cells_in_box(*bounding_box(lat, lng, radius * 1000))) for lat, lng, radius in views_
        ]

        web = common.gunicorn_sync(1, {"LOG_LEVEL": "WARNING"})
        if args.ws_server == "daphne":
            ws = common.daphne_ws({"LOG_LEVEL": "WARNING"})
        else:
            ws = common.uvicorn_ws(args.ws_workers, {"LOG_LEVEL": "WARNING"})
        for server in (web, ws):
            running.append(common.Running(server, env, None, logdir))
        for server in running:
            server.wait_ready()
        web_url = running[0].url("").rstrip("/")
        ws_port = running[1].port

        load_before = os.getloadavg()
        print(f"Encore: {args.performers} performers moving for {args.duration} s", flush=True)
        moves: dict = {}
        performing = threading.Thread(
            target=perform, args=(web_url, performers, socket_cells, moves, args.duration, rng), daemon=True
        )
        counts = asyncio.run(
            run_sockets(
                [map_url(ws_port, view) for view in views_],
                f"http://{common.HOST}:{ws_port}",
                moves,
                performing,
                running[1].proc.pid,
            )
        )
        for server in running:
            if server.proc.poll() is not None:
                raise common.BenchError(f"{server.server.label} died:\n{server.log_tail()}")
    finally:
        for server in running:
            server.stop()
        with contextlib.suppress(Exception), common.pg_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')

    accepted = [move for move in moves.values() if move.status == 200]
    refused = len(moves) - len(accepted)

    # The floor: the same sockets, the same moves to the same recipients, no framework.
    floor_server = common.Server(
        key="floor",
        label="websockets + Redis pub/sub",
        interface="websockets",
        argv=[sys.executable, "-c", FLOOR_SERVER, "{port}", common.REDIS_URL, FLOOR_CHANNEL],
    )
    plan = floor_plan(accepted, counts["open"])
    floor_running = common.Running(floor_server, env, None, logdir)
    try:
        floor_running.wait_ready()
        print(f"floor: {len(plan)} moves again", flush=True)
        floor_moves = {move.key(): move for _, move in plan}
        floor_counts = asyncio.run(
            run_sockets(
                [f"ws://{common.HOST}:{floor_running.port}/{n}" for n in range(args.sockets)],
                f"http://{common.HOST}:{floor_running.port}",
                floor_moves,
                threading.Thread(target=replay, args=(plan,), daemon=True),
                floor_running.proc.pid,
            )
        )
    finally:
        floor_running.stop()
        with contextlib.suppress(Exception):
            common.clean_redis()
    load_after = os.getloadavg()

    encore = tally(accepted, counts["open"], counts["cpu_seconds"])
    floor = tally([move for _, move in plan], floor_counts["open"], floor_counts["cpu_seconds"])
    fanout = statistics.mean(len(move.expected & counts["open"]) for move in accepted) if accepted else 0
    sizes = [len(move.sample.encode()) for move in accepted if move.sample]
    post_ms = [(move.answered_at - move.sent_at) * 1000 for move in accepted]
    ws_label = "daphne (1 process)" if args.ws_server == "daphne" else f"uvicorn ({args.ws_workers} workers)"

    out = io.StringIO()
    out.write(
        f"# Live map fan-out: {args.sockets:,} sockets, {args.performers} performers moving every 5 s\n\n"
    )
    out.write(
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores; load average (1/5/15 min)"
        f" {'/'.join(f'{v:.2f}' for v in load_before)} before Encore's run,"
        f" {'/'.join(f'{v:.2f}' for v in load_after)} after the floor's; box {counts['busy']:.0%} busy during"
        f" Encore's moves, {floor_counts['busy']:.0%} during the floor's (100% = every core)\n"
    )
    out.write(
        f"- {args.duration} s of moves; sockets connected in {counts['connect_seconds']:.1f} s"
        f" (the floor's in {floor_counts['connect_seconds']:.1f} s); position POST p50/p95"
        f" {percentile(post_ms, 50):.0f}/{percentile(post_ms, 95):.0f} ms"
        " (part of Encore's time to a socket)\n"
    )
    out.write(
        f"- gunicorn (1 sync worker) takes the position POSTs; {ws_label} (psycopg pool) serves"
        " the sockets; RedisPubSubChannelLayer; PostgreSQL; all on this box with the clients\n"
    )
    out.write(
        f"- {len(accepted)} moves accepted ({refused} refused), each due to {fanout:.0f} sockets on average;"
        f" message {statistics.median(sizes) if sizes else 0:.0f} bytes (median);"
        f" {counts['messages']:,} messages received, {counts['one_group']:,} of the moves' for one group"
        f" (`group`, `seq`) and {counts['multi_group']:,} for several (`seqs`), {counts['unmatched']}"
        f" about no move sent; {len(counts['refused'])} sockets failed to open, {counts['socket_errors']}"
        " failed later\n"
    )
    out.write(
        "- floor: a raw `websockets.broadcast` server (one process) subscribed to a Redis channel,"
        f" {len(floor_counts['open']):,} sockets; each move published at its offset with its recipients"
        f" and one of Encore's messages for it; {floor_counts['messages']:,} messages received,"
        f" {len(floor_counts['refused'])} sockets failed to open\n"
    )
    out.write(
        "- CPU: the ws server's whole process group (uvicorn's master and workers) and the floor's process,"
        " from /proc, from the first move to the end of a 3 s grace; divided by the deliveries owed and"
        " made\n\n"
    )
    out.write(
        "| run | delivered | received − owed (duplicates) | p50 to last socket | p95 to last socket"
        " | p99 to last socket | p50 to first socket | ws CPU | CPU per delivered message |\n"
    )
    out.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for label, run, seconds in (
        (f"Encore, {ws_label}, from the POST", encore, counts["seconds"]),
        ("floor, from the publish", floor, floor_counts["seconds"]),
    ):
        fraction = run.delivered / run.owed if run.owed else float("nan")
        out.write(
            f"| {label} | **{fraction:.4f}** ({run.delivered:,} of {run.owed:,}) |"
            f" **{run.duplicates:,}** ({run.received:,} received; {run.again:,} second copies,"
            f" {run.stray:,} to sockets not owed the move) | {percentile(run.to_last, 50):.0f} ms |"
            f" **{percentile(run.to_last, 95):.0f} ms** | {percentile(run.to_last, 99):.0f} ms |"
            f" {percentile(run.to_first, 50):.0f} ms | {run.cpu_seconds / seconds:.2f} cores |"
            f" **{run.cpu_per_delivery_us:.0f} µs** |\n"
        )
    p95_ratio = ratio(percentile(encore.to_last, 95), percentile(floor.to_last, 95))
    cpu_ratio = ratio(encore.cpu_per_delivery_us, floor.cpu_per_delivery_us)
    out.write(
        f"\nEncore / floor: p95 to the last socket **{p95_ratio}** (target ≤ 2x); ws CPU per delivered"
        f" message **{cpu_ratio}** (target ≤ 2x).\n"
    )
    if counts["refused"]:
        out.write(f"\nFirst socket that failed to open: `{counts['refused'][0]}`\n")
    if counts.get("first_error"):
        out.write(f"\nFirst socket error: `{counts['first_error']}`\n")
    report = out.getvalue()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)
    ok = encore.owed and encore.delivered == encore.owed and not counts["refused"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
