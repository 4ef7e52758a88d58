"""Idle sockets: 10,000 map sockets open and idle beside one jukebox event taking 20 votes/s.

    .venv/bin/python bench/idle_sockets.py [--idle 10000] [--sockets 200] [--rate 20] [--duration 30]

Production settings on 127.0.0.1, as bench/votes.py starts them: PostgreSQL (a throwaway
database), Redis (cache, rate limits and the RedisPubSubChannelLayer; db 12), gunicorn (2 sync
workers) taking the vote POSTs and the Procfile's `ws`, two uvicorn workers, serving every
socket. The idle map sockets watch random 1-2 km views spread over a 10 x 10 km city (as in
bench/map_fanout.py); two client processes of their own open them in waves and then only
hold them (answering the server's pings). The event is bench/votes.py's: 40 pool tracks,
signed-in fans voting at a steady rate, `--sockets` event sockets watching its queue.

Three runs of the same votes on the same servers: without the idle sockets, with them, and
without them again once they have closed. Reports the ws processes' memory (RSS summed over
uvicorn's master and workers, from /proc; target < 1 GB with the idle sockets open), the
ws CPU while the idle sockets are only held, and for each run the event's vote -> last socket
p50/p95, delivered fraction (must be 1.0) and acknowledged votes against Vote rows. The floor
is the same bench without the idle sockets: the p95 with them should be within 1.5x of it.
Prints a markdown table (also bench/results/idle_sockets.md). Raises its own open-file limit
(and so its children's) to the hard limit. Talks only to 127.0.0.1, stops by itself and
cleans up after itself.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import resource
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_serving as common  # noqa: E402 - the shared server and database helpers
import votes as jukebox  # noqa: E402 - the event, its votes and its sockets
from map_fanout import map_url, percentile, views  # noqa: E402

# A Redis database of its own, so this bench's keys and channels meet no other bench's.
common.REDIS_URL = f"redis://{common.HOST}:{common.REDIS_PORT}/12"

DB = "encore_bench_idle"
RESULTS = common.ROOT / "bench" / "results" / "idle_sockets.md"
CLIENTS = 2  # processes holding the idle sockets
# Each client opens a wave, waits for every snapshot of it, pauses, then opens the next:
# a city's phones arriving, never more than CLIENTS x WAVE handshakes at once.
WAVE, WAVE_PAUSE = 50, 0.1
OPEN_TIMEOUT = 900  # seconds for all the idle sockets to open
HOLD_SECONDS = 10  # the idle sockets alone, before the votes start again: their own CPU
SETTLE_SECONDS = 3


# --- the idle sockets (in client processes of their own) --------------------------------------


def hold(urls: list[str], origin: str, conn: Connection) -> None:
    """Open `urls` in waves, report, hold them until told, then close them and report again."""
    asyncio.run(_hold(urls, origin, conn))


async def _hold(urls: list[str], origin: str, conn: Connection) -> None:
    from websockets.asyncio.client import connect
    from websockets.protocol import State

    opened, refused = [], []

    async def open_one(url: str) -> None:
        try:
            # No keep-alive pings of their own: the server pings, and the library answers.
            socket = await connect(
                url,
                origin=origin,
                max_size=2**22,
                open_timeout=120,
                compression=None,
                proxy=None,
                ping_interval=None,
            )
            first = orjson.loads(await socket.recv())
        except Exception as exc:  # noqa: BLE001 - counted and reported
            refused.append(repr(exc))
            return
        if first.get("type") != "snapshot":
            refused.append(f"first message {first.get('type')}: {first.get('detail')}")
            await socket.close()
            return
        opened.append(socket)

    started = time.monotonic()
    for start in range(0, len(urls), WAVE):
        await asyncio.gather(*(open_one(url) for url in urls[start : start + WAVE]))
        await asyncio.sleep(WAVE_PAUSE)
    conn.send(
        {
            "opened": len(opened),
            "refused": len(refused),
            "first_refusal": refused[0] if refused else "",
            "seconds": time.monotonic() - started,
        }
    )
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    dropped = [socket for socket in opened if socket.state is not State.OPEN]
    for start in range(0, len(opened), 500):
        await asyncio.gather(
            *(socket.close() for socket in opened[start : start + 500]), return_exceptions=True
        )
    conn.send(
        {
            "dropped": len(dropped),
            "first_drop": f"{dropped[0].close_code} {dropped[0].close_reason}" if dropped else "",
        }
    )


@dataclass
class Idle:
    processes: list
    conns: list[Connection]
    opened: int = 0
    refused: int = 0
    first_refusal: str = ""
    seconds: float = 0.0
    dropped: int = 0
    first_drop: str = ""


def open_idle(urls: list[str], origin: str) -> Idle:
    context = get_context("spawn")
    idle = Idle([], [])
    for k in range(CLIENTS):
        ours, theirs = context.Pipe()
        process = context.Process(target=hold, args=(urls[k::CLIENTS], origin, theirs), daemon=True)
        process.start()
        idle.processes.append(process)
        idle.conns.append(ours)
    for conn in idle.conns:
        if not conn.poll(OPEN_TIMEOUT):
            raise common.BenchError(f"the idle sockets did not open within {OPEN_TIMEOUT} s")
        report = conn.recv()
        idle.opened += report["opened"]
        idle.refused += report["refused"]
        idle.first_refusal = idle.first_refusal or report["first_refusal"]
        idle.seconds = max(idle.seconds, report["seconds"])
    return idle


def close_idle(idle: Idle) -> None:
    for conn in idle.conns:
        conn.send("close")
    for conn in idle.conns:
        if conn.poll(120):
            report = conn.recv()
            idle.dropped += report["dropped"]
            idle.first_drop = idle.first_drop or report["first_drop"]
    for process in idle.processes:
        process.join(30)
        if process.is_alive():
            process.kill()


# --- memory -------------------------------------------------------------------------------------


@dataclass
class Memory:
    rss_kb: dict[str, int]  # process -> RSS
    pss_kb: int  # shared pages divided among the processes that share them

    @property
    def rss_mb(self) -> float:
        return sum(self.rss_kb.values()) / 1024


def _role(pid: int, pgid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            argv = cmdline.read().decode(errors="replace")
    except OSError:
        argv = ""
    if pid == pgid:
        return "master"
    if "resource_tracker" in argv:
        return f"resource tracker {pid}"
    return f"worker {pid}"


def group_memory(pgid: int) -> Memory:
    """RSS of every process in the group (uvicorn's master and workers), and their PSS."""
    rss, pss = {}, 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[2]) != pgid:
                    continue
            with open(f"/proc/{entry.name}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            with open(f"/proc/{entry.name}/smaps_rollup") as rollup:
                pss += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        except (OSError, ValueError):
            continue
        rss[_role(int(entry.name), pgid)] = int(fields["VmRSS"].split()[0])
    return Memory(rss, pss)


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Phase:
    label: str
    votes: list[jukebox.Vote]
    sockets: jukebox.Sockets
    window: jukebox.Window
    memory: Memory
    load: tuple[float, float, float]


@dataclass
class Outcome:
    phases: list[Phase]
    idle: Idle
    memory_start: Memory
    memory_idle: Memory
    idle_cores: float
    rows: int
    acknowledged: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def split(votes: list[jukebox.Vote], parts: int) -> list[list[jukebox.Vote]]:
    """The plan cut into `parts` runs, each with offsets from its own start."""
    size = len(votes) // parts
    runs = []
    for k in range(parts):
        chunk = votes[k * size : (k + 1) * size]
        runs.append([jukebox.Vote(v.token, v.track, v.offset - chunk[0].offset) for v in chunk])
    return runs


def run(args: argparse.Namespace, logdir: Path) -> Outcome:
    rng = random.Random(11)
    env = jukebox.prepare(DB, args.rate)
    from django.db import connections

    from apps.venues.models import Vote as VoteRow

    event_id, tracks, tokens = jukebox.seed(args.guests + 1)
    # A guest of its own votes for every track first, so every queue message of every run
    # carries the whole queue.
    probe = tokens.pop()
    jukebox.count_queries(event_id, [(probe, track) for track in tracks])
    rows_before = VoteRow.objects.filter(event_id=event_id).count()
    plans = split(jukebox.plan(tokens, tracks, args.rate, 3 * args.duration, rng), 3)
    connections.close_all()
    idle_views = views(args.idle, rng)

    running, phases, idle = [], [], None
    load_before = os.getloadavg()
    try:
        running = jukebox.start_servers(env, logdir)
        ws = running[1]
        idle_urls = [map_url(ws.port, view) for view in idle_views]
        origin = f"http://{common.HOST}:{ws.port}"
        memory_start = group_memory(ws.proc.pid)
        load_before = os.getloadavg()

        def phase(label: str, votes: list[jukebox.Vote]) -> None:
            print(f"{label}: {args.rate} votes/s for {args.duration} s", flush=True)
            load = os.getloadavg()
            sockets, window = jukebox.vote_load(running, event_id, votes, args.sockets)
            phases.append(Phase(label, votes, sockets, window, group_memory(ws.proc.pid), load))

        phase("without the idle sockets", plans[0])
        print(f"opening {args.idle:,} idle map sockets from {CLIENTS} processes ...", flush=True)
        idle = open_idle(idle_urls, origin)
        print(f"  {idle.opened:,} open in {idle.seconds:.0f} s, {idle.refused} refused", flush=True)
        time.sleep(SETTLE_SECONDS)
        cpu_before = common.group_cpu_seconds(ws.proc.pid)
        time.sleep(HOLD_SECONDS)
        idle_cores = (common.group_cpu_seconds(ws.proc.pid) - cpu_before) / HOLD_SECONDS
        memory_idle = group_memory(ws.proc.pid)
        phase(f"with {idle.opened:,} idle map sockets", plans[1])
        close_idle(idle)
        time.sleep(SETTLE_SECONDS)
        phase("without them again", plans[2])
        rows = VoteRow.objects.filter(event_id=event_id).count() - rows_before
        connections.close_all()
    finally:
        if idle is not None:
            for process in idle.processes:
                if process.is_alive():
                    process.kill()
        for server in running:
            server.stop()
    acknowledged = sum(1 for p in phases for vote in p.votes if vote.status == 201)
    return Outcome(
        phases, idle, memory_start, memory_idle, idle_cores, rows, acknowledged, load_before, os.getloadavg()
    )


# --- the report ---------------------------------------------------------------------------------


def report(args: argparse.Namespace, outcome: Outcome) -> tuple[str, bool]:
    idle = outcome.idle
    ncpu = os.cpu_count() or 1
    out = io.StringIO()
    out.write(
        f"# Idle sockets: {args.idle:,} map sockets held open beside a jukebox event"
        f" at {args.rate} votes/s\n\n"
    )
    out.write(
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {ncpu} cores; load average (1/5/15 min)"
        f" {jukebox.loadavg(outcome.load_before)} before the first run,"
        f" {jukebox.loadavg(outcome.load_after)} after the last\n"
    )
    out.write(
        "- gunicorn (2 sync workers) takes the vote POSTs; uvicorn (2 workers, psycopg pool) serve every"
        " socket; RedisPubSubChannelLayer; PostgreSQL; all on this box with the clients\n"
    )
    out.write(
        f"- {idle.opened:,} of {args.idle:,} idle map sockets opened (random 1-2 km views over a 10 x 10 km"
        f" city) from {CLIENTS} client processes in {idle.seconds:.0f} s, in waves of {WAVE} per process;"
        f" {idle.refused} refused, {idle.dropped} closed by the server while held\n"
    )
    out.write(
        f"- each run: {args.sockets} event sockets, {args.rate} votes/s for {args.duration} s; the same"
        " servers throughout\n\n"
    )
    out.write("| ws memory (RSS, master + workers) | total | per process | PSS total |\n")
    out.write("| --- | ---: | --- | ---: |\n")
    rows = [("just started", outcome.memory_start)]
    rows += [(f"after the run {p.label}", p.memory) for p in outcome.phases[:1]]
    rows += [(f"{idle.opened:,} idle sockets held", outcome.memory_idle)]
    rows += [(f"after the run {p.label}", p.memory) for p in outcome.phases[1:]]
    for label, memory in rows:
        each = ", ".join(f"{role.split()[0]} {kb / 1024:.0f}" for role, kb in memory.rss_kb.items())
        out.write(f"| {label} | **{memory.rss_mb:,.0f} MB** | {each} MB | {memory.pss_kb / 1024:,.0f} MB |\n")
    without = outcome.phases[0].memory
    per_socket = (outcome.memory_idle.rss_mb - without.rss_mb) * 1024 / max(idle.opened, 1)
    out.write(
        f"\nTarget: < 1 GB with the idle sockets open. {per_socket:.0f} KB of ws RSS per idle socket;"
        f" the ws processes used {outcome.idle_cores:.2f} cores while only holding them"
        f" ({HOLD_SECONDS} s, no votes).\n\n"
    )
    out.write(
        "| run | vote POST p50 / p95 | vote → last socket p50 / p95 | p99 | delivered"
        " | box busy | ws CPU | load average before |\n"
    )
    out.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    p95s = []
    delivered_all = True
    for p in outcome.phases:
        accepted, owed, delivered, to_last, _ = jukebox.latency(p.votes, p.sockets.seen)
        post_ms = [(v.answered_at - v.sent_at) * 1000 for v in p.votes if v.sent_at]
        p95s.append(percentile(to_last, 95))
        delivered_all = delivered_all and bool(owed) and delivered == owed and not p.sockets.refused
        fraction = delivered / owed if owed else float("nan")
        ws_cores = list(p.window.cores.values())[1]
        out.write(
            f"| {p.label} | {percentile(post_ms, 50):.0f} / {percentile(post_ms, 95):.0f} ms |"
            f" {percentile(to_last, 50):.0f} / **{p95s[-1]:.0f} ms** | {percentile(to_last, 99):.0f} ms |"
            f" **{fraction:.4f}** ({delivered:,} of {owed:,}) | {p.window.busy / ncpu:.0%} |"
            f" {ws_cores:.2f} cores | {jukebox.loadavg(p.load)} |\n"
        )
    ratio = p95s[1] / p95s[0] if p95s[0] else float("nan")
    again = p95s[1] / p95s[2] if p95s[2] else float("nan")
    out.write(
        f"\nvote → last socket p95 with the idle sockets / without: **{ratio:.2f}x** (the run before them),"
        f" {again:.2f}x (the run after); target ≤ 1.5x.\n"
    )
    out.write(f"\nVotes acknowledged (201) {outcome.acknowledged:,}, Vote rows {outcome.rows:,}.\n")
    if idle.first_refusal:
        out.write(f"\nFirst idle socket that failed to open: `{idle.first_refusal}`\n")
    if idle.first_drop:
        out.write(f"\nFirst idle socket the server closed: `{idle.first_drop}`\n")
    for p in outcome.phases:
        if p.sockets.refused:
            out.write(f"\nFirst event socket that failed to open ({p.label}): `{p.sockets.refused[0]}`\n")
        if p.sockets.errors:
            out.write(f"\nFirst event socket closed early ({p.label}): `{p.sockets.errors[0]}`\n")
    ok = (
        delivered_all
        and outcome.acknowledged == outcome.rows
        and idle.opened == args.idle
        and not idle.dropped
    )
    return out.getvalue(), ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--idle", type=int, default=10_000, choices=range(0, 15_001), metavar="0..15000")
    parser.add_argument("--sockets", type=int, default=200, choices=range(1, 2001), metavar="1..2000")
    parser.add_argument("--guests", type=int, default=200, choices=range(1, 2001), metavar="1..2000")
    parser.add_argument("--rate", type=int, default=20, choices=range(1, 101), metavar="VOTES/S")
    parser.add_argument("--duration", type=int, default=30, choices=range(5, 121), metavar="SECONDS")
    args = parser.parse_args()
    if args.guests * jukebox.TRACKS < 3 * args.rate * args.duration:
        parser.error(
            f"{args.guests} guests can cast {args.guests * jukebox.TRACKS} votes at most (three runs)"
        )
    if not (common.reachable(common.PG_PORT) and common.redis_answers()):
        print("PostgreSQL and Redis must answer on 127.0.0.1:5432 and :6379")
        return 2
    # Each socket is a file on both ends: the servers and clients are this process's children.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.idle // 2 + args.sockets + 1000:
        print(f"the open-file limit is {hard}: too few for {args.idle:,} sockets over two ws workers")
        return 2
    return jukebox.run_and_report(args, "idle", DB, RESULTS, run, report)


if __name__ == "__main__":
    sys.exit(main())
