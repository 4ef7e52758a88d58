"""Live map fan-out: 1,000 map sockets over a city, 100 live performers moving every 5 s.

    .venv/bin/python bench/map_fanout.py [--sockets 1000] [--performers 100] [--duration 30]

Production settings on 127.0.0.1: PostgreSQL (a throwaway database), Redis (cache and
the RedisPubSubChannelLayer), gunicorn serving the API (`web`) and two uvicorn workers
serving the sockets (`ws`), as in the Procfile (`--ws-server daphne` for one daphne). The
map sockets watch random 1-2 km views spread over the city; each performer POSTs
`/api/v1/performances/{id}/position/` every 5 s with its own session token. For every
move the bench works out which sockets must receive it (those watching a map cell the
move touches, by the app's own cell rules) and records when each one did. Reports the
delivered fraction (must be 1.0) and p50/p95/p99 from the POST being sent to the last
subscriber receiving the move. Prints a markdown table (also
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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_serving as common  # noqa: E402 - the shared server and database helpers

DB = "encore_bench_fanout"
CENTRE = (38.7223, -9.1393)
CITY_SPREAD = (0.045, 0.06)  # degrees: about 10 x 10 km of city
RESULTS = common.ROOT / "bench" / "results" / "map_fanout.md"
# The server accepts one position per 5 s; a hair more keeps clocks from colliding.
MOVE_EVERY = 5.1
GRACE_SECONDS = 3


@dataclass
class Move:
    performance_id: int
    lat: float
    lng: float
    sent_at: float
    expected: set[int]
    status: int = 0
    arrivals: dict[int, float] = field(default_factory=dict)


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
    """(lat, lng, radius_km) of each map socket's view."""
    return [
        (
            CENTRE[0] + rng.uniform(-CITY_SPREAD[0], CITY_SPREAD[0]),
            CENTRE[1] + rng.uniform(-CITY_SPREAD[1], CITY_SPREAD[1]),
            rng.choice((1.0, 1.5, 2.0)),
        )
        for _ in range(sockets)
    ]


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
            performance = message["performance"]
            position = performance.get("position") or {}
            move = moves.get((performance["id"], position.get("lat"), position.get("lng")))
            if move is not None and n not in move.arrivals:
                move.arrivals[n] = now
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
        moves[(performer["id"], lat, lng)] = move
        move.status = post_position(web, performer, lat, lng)
        if move.status == 200:
            performer["at"] = (lat, lng)


async def run_sockets(ws_port: int, views_: list, moves: dict, performing: threading.Thread) -> dict:
    ready, stop = asyncio.Event(), asyncio.Event()
    counts = {"connected": 0, "wanted": len(views_), "messages": 0, "refused": [], "open": set()}
    origin = f"http://{common.HOST}:{ws_port}"
    tasks = []
    for n, (lat, lng, radius) in enumerate(views_):
        url = f"ws://{common.HOST}:{ws_port}/ws/map/?lat={lat:.6f}&lng={lng:.6f}&radius_km={radius}"
        tasks.append(asyncio.create_task(watch(n, url, origin, ready, moves, stop, counts)))
        if n % 50 == 49:
            await asyncio.sleep(0.2)  # handshakes in waves, as a city's phones would arrive
    started = time.monotonic()
    await asyncio.wait_for(ready.wait(), timeout=300)
    counts["connect_seconds"] = time.monotonic() - started
    if counts["refused"]:
        print(f"{len(counts['refused'])} sockets failed to open; first: {counts['refused'][0]}")
    performing.start()
    while performing.is_alive():
        await asyncio.sleep(0.2)
    await asyncio.sleep(GRACE_SECONDS)
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

        moves: dict = {}
        performing = threading.Thread(
            target=perform, args=(web_url, performers, socket_cells, moves, args.duration, rng), daemon=True
        )
        busy_before = common.box_busy_seconds()
        wall_before = time.monotonic()
        counts = asyncio.run(run_sockets(running[1].port, views_, moves, performing))
        busy = (common.box_busy_seconds() - busy_before) / (time.monotonic() - wall_before)
    finally:
        for server in running:
            server.stop()
        with contextlib.suppress(Exception), common.pg_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            common.clean_redis()

    accepted = [move for move in moves.values() if move.status == 200]
    for move in accepted:
        # Only sockets that opened can be owed anything; those that failed are reported.
        move.expected &= counts["open"]
    refused = len(moves) - len(accepted)
    expected = sum(len(move.expected) for move in accepted)
    delivered = sum(len(move.expected & move.arrivals.keys()) for move in accepted)
    to_last = [
        (max(move.arrivals[n] for n in move.expected) - move.sent_at) * 1000
        for move in accepted
        if move.expected and move.expected <= move.arrivals.keys()
    ]
    to_first = [(min(move.arrivals.values()) - move.sent_at) * 1000 for move in accepted if move.arrivals]
    fanout = statistics.mean(len(move.expected) for move in accepted) if accepted else 0
    ws_label = "daphne (1 process)" if args.ws_server == "daphne" else f"uvicorn ({args.ws_workers} workers)"

    out = io.StringIO()
    out.write(
        f"# Live map fan-out: {args.sockets:,} sockets, {args.performers} performers moving every 5 s\n\n"
    )
    out.write(
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, box {busy:.0%} busy on average;"
        f" {args.duration} s of moves; sockets connected in {counts['connect_seconds']:.1f} s\n"
    )
    out.write(
        f"- gunicorn (1 sync worker) takes the position POSTs; {ws_label} (psycopg pool) serves"
        " the sockets; RedisPubSubChannelLayer; PostgreSQL; all on this box with the clients\n"
    )
    out.write(
        f"- {len(accepted)} moves accepted ({refused} refused), each due to {fanout:.0f} sockets on average;"
        f" {counts['messages']:,} messages received; {len(counts['refused'])} sockets failed to open,"
        f" {counts['socket_errors']} failed later\n\n"
    )
    out.write(
        "| delivered | p50 to last socket | p95 to last socket | p99 to last socket | p50 to first socket |\n"
    )
    out.write("| ---: | ---: | ---: | ---: | ---: |\n")
    fraction = delivered / expected if expected else float("nan")
    out.write(
        f"| **{fraction:.4f}** ({delivered:,} of {expected:,}) | {percentile(to_last, 50):.0f} ms |"
        f" **{percentile(to_last, 95):.0f} ms** | {percentile(to_last, 99):.0f} ms |"
        f" {percentile(to_first, 50):.0f} ms |\n"
    )
    if counts["refused"]:
        out.write(f"\nFirst socket that failed to open: `{counts['refused'][0]}`\n")
    if counts.get("first_error"):
        out.write(f"\nFirst socket error: `{counts['first_error']}`\n")
    report = out.getvalue()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)
    return 0 if expected and delivered == expected and not counts["refused"] else 1


if __name__ == "__main__":
    sys.exit(main())
