"""Traffic against a running stack for the fault tests: guests voting, anonymous readers,
a readiness poller and WebSocket clients that follow an event's queue as the browser does.

Everything is recorded with the monotonic clock, so a test can line answers and socket
states up against the moment it broke or mended a server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import psycopg
import requests
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

# Run with the stack's settings (``manage.py shell -c``): an active event with a pool of its
# own, guests' limits that a steady stream of votes from many guests stays within, and a live
# performance near the venue for the nearby API.
SEED = """
import json
from datetime import timedelta

from django.utils import timezone

from apps.performances.models import PerformanceStatus
from apps.venues.models import EventStatus
from apps.venues.services import qr_token
from tests.factories import (
    ArtistProfileFactory, EventFactory, PerformanceFactory, StopFactory, TrackFactory, VenueFactory,
)

artist = ArtistProfileFactory()
performance = PerformanceFactory(artist=artist, status=PerformanceStatus.LIVE)
StopFactory(performance=performance, lat=38.7110, lng=-9.1440)
found = []
for _ in range({events}):
    tracks = [
        TrackFactory(artist=artist, source="tracks/s.mp3", web_file="tracks/w.m4a", thumbnail="")
        for _ in range({tracks})
    ]
    event = EventFactory(
        venue=VenueFactory(), tracks=tracks, status=EventStatus.ACTIVE,
        vote_cooldown_seconds={cooldown}, votes_per_guest_per_hour=1000,
        ends_at=timezone.now() + timedelta(hours=6),
    )
    found.append({{"id": event.pk, "tracks": [t.pk for t in tracks], "qr": qr_token(event)}})
print("SEEDED " + json.dumps(found))
"""

NEARBY = "/api/v1/performances/nearby/?lat=38.7110&lng=-9.1440&radius_km=5"


@dataclass
class SeededEvent:
    id: int
    tracks: list[int]
    qr: str


def seed_events(stack, *, events: int, tracks: int, cooldown: int) -> list[SeededEvent]:  # noqa: ANN001
    script = SEED.format(events=events, tracks=tracks, cooldown=cooldown)
    result = stack.manage("shell", "-c", script, "--no-imports", timeout=300)
    line = next(line for line in result.stdout.splitlines() if line.startswith("SEEDED "))
    return [SeededEvent(**item) for item in json.loads(line.removeprefix("SEEDED "))]


@dataclass
class Answer:
    kind: str  # "vote", a read's path, "readyz"
    started: float
    ended: float
    status: int | None  # None: no answer at all (refused connection, timeout)
    retry_after: str | None = None
    body: Any = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _request(method: str, url: str, kind: str, **kwargs: Any) -> Answer:
    started = time.monotonic()
    try:
        response = requests.request(method, url, timeout=15, allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        return Answer(kind, started, time.monotonic(), None, error=type(exc).__name__)
    try:
        body = response.json()
    except ValueError:
        body = None
    return Answer(
        kind, started, time.monotonic(), response.status_code, response.headers.get("Retry-After"), body
    )


def _address(n: int) -> dict[str, str]:
    # Each phone on its own network: the stack trusts X-Forwarded-For from loopback, as from
    # its load balancer, so the per-address limits see many clients, as in a real room.
    return {"X-Forwarded-For": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"}


@dataclass
class Guest:
    number: int
    token: str
    tracks: list[int]  # not voted yet
    free_at: float = 0.0


@dataclass
class Vote:
    guest: str  # the guest's token
    track: int
    answer: Answer


def join_guests(base_url: str, event: SeededEvent, count: int, first_address: int = 1) -> list[Guest]:
    guests = []
    for n in range(first_address, first_address + count):
        answer = _request(
            "POST",
            f"{base_url}/api/v1/events/{event.id}/guest/",
            "join",
            json={"token": event.qr},
            headers=_address(n),
        )
        assert answer.status == 200, (answer.status, answer.body)
        tracks = list(event.tracks)
        random.shuffle(tracks)
        guests.append(Guest(n, answer.body["guest_token"], tracks))
    return guests


class Traffic:
    """Votes at a steady rate from many guests, anonymous reads and /readyz polls, on threads."""

    def __init__(
        self,
        base_url: str,
        event: SeededEvent,
        guests: list[Guest],
        *,
        cooldown: float,
        votes_per_second: float = 6,
        reads_per_second: float = 3,
        readyz_every: float = 0.5,
    ) -> None:
        self.base_url = base_url
        self.event = event
        self.guests = guests
        self.cooldown = cooldown
        self.votes_per_second = votes_per_second
        self.reads_per_second = reads_per_second
        self.readyz_every = readyz_every
        self.votes: list[Vote] = []
        self.reads: list[Answer] = []
        self.readyz: list[Answer] = []
        self.lock = threading.Lock()
        self.voting = threading.Event()
        self.stopping = threading.Event()
        self.vote_pool = ThreadPoolExecutor(max_workers=6, thread_name_prefix="fault-votes")
        self.read_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fault-reads")
        self.in_flight: list[Future] = []
        self.threads = [
            threading.Thread(target=self._vote_loop, daemon=True),
            threading.Thread(target=self._read_loop, daemon=True),
            threading.Thread(target=self._readyz_loop, daemon=True),
        ]

    def start(self) -> Traffic:
        self.voting.set()
        for thread in self.threads:
            thread.start()
        return self

    def stop_voting(self) -> None:
        """No more votes; returns once every vote sent is answered."""
        self.voting.clear()
        time.sleep(1 / self.votes_per_second)
        with self.lock:
            in_flight = list(self.in_flight)
        wait(in_flight)

    def stop(self) -> None:
        self.voting.clear()
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)
        self.vote_pool.shutdown(wait=True)
        self.read_pool.shutdown(wait=True)

    def _paced(self, rate: float, step: Callable[[], None]) -> None:
        period = 1 / rate
        due = time.monotonic()
        while not self.stopping.is_set():
            step()
            due += period
            time.sleep(max(0.0, due - time.monotonic()))

    def _vote_loop(self) -> None:
        def step() -> None:
            if not self.voting.is_set():
                return
            now = time.monotonic()
            ready = [guest for guest in self.guests if guest.free_at <= now and guest.tracks]
            if not ready:
                return
            guest = random.choice(ready)
            track = guest.tracks.pop()
            # Past the cooldown with a margin, whatever the answer: a refusal is not the point.
            guest.free_at = now + 1_000_000
            with self.lock:
                self.in_flight = [f for f in self.in_flight if not f.done()]
                self.in_flight.append(self.vote_pool.submit(self._vote, guest, track))

        self._paced(self.votes_per_second, step)

    def _vote(self, guest: Guest, track: int) -> None:
        headers = {"X-Guest-Token": guest.token, **_address(guest.number)}
        answer = _request(
            "POST", f"{self.base_url}/api/v1/events/{self.event.id}/votes/", "vote", json={"track": track},
            headers=headers,
        )  # fmt: skip
        guest.free_at = answer.ended + self.cooldown + 1.5
        with self.lock:
            self.votes.append(Vote(guest.token, track, answer))

    def _read_loop(self) -> None:
        paths = ["/", f"/events/{self.event.id}/", NEARBY]
        count = iter(range(10**9))

        def read(path: str, n: int) -> None:
            answer = _request("GET", self.base_url + path, path, headers=_address(100_000 + n % 50))
            with self.lock:
                self.reads.append(answer)

        def step() -> None:
            n = next(count)
            self.read_pool.submit(read, paths[n % len(paths)], n)

        self._paced(self.reads_per_second, step)

    def _readyz_loop(self) -> None:
        def step() -> None:
            answer = _request("GET", self.base_url + "/readyz", "readyz")
            with self.lock:
                self.readyz.append(answer)

        self._paced(1 / self.readyz_every, step)

    def acknowledged_votes(self) -> list[Vote]:
        return [vote for vote in self.votes if vote.answer.status == 201]


# --- the database, read directly ----------------------------------------------------------


def queue_counts(database_url: str, event_id: int) -> dict[int, int]:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT id, votes FROM venues_queueentry WHERE event_id = %s AND status = 'queued'", [event_id]
        ).fetchall()
    return dict(rows)


def stored_votes(database_url: str, event_id: int, guest_key: Callable[[str], str]) -> set[tuple[str, int]]:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return set(
            conn.execute(
                "SELECT g.key::text, v.track_id FROM venues_vote v JOIN venues_guest g ON g.id = v.guest_id"
                " WHERE v.event_id = %s",
                [event_id],
            ).fetchall()
        )


# --- sockets that follow the queue as the browser does (static/js/realtime.js) ---------------


@dataclass
class SocketClient:
    """One browser tab on the event's page: applies snapshots and updates, asks for a fresh
    snapshot on a gap, reconnects with the same back-off after a close."""

    number: int
    url: str
    origin: str
    seqs: dict[str, int] | None = None
    retry: int = 0
    # (monotonic time, {entry id: votes}) each time the queue shown changes.
    views: list[tuple[float, dict[int, int]]] = field(default_factory=list)
    log: list[tuple[float, str]] = field(default_factory=list)
    handshake_statuses: list[int] = field(default_factory=list)

    def note(self, what: str) -> None:
        self.log.append((time.monotonic(), what))

    def show(self, message: dict[str, Any]) -> None:
        view = {entry["id"]: entry["votes"] for entry in message.get("queue", [])}
        if not self.views or self.views[-1][1] != view:
            self.views.append((time.monotonic(), view))

    async def receive(self, ws, message: dict[str, Any]) -> None:  # noqa: ANN001
        if message.get("type") == "snapshot":
            self.seqs = dict(message["seqs"]) if message.get("seqs") else {"*": message.get("seq")}
            self.note(f"snapshot seq={message.get('seq')}")
            self.show(message)
            return
        seq, group = message.get("seq"), message.get("group")
        if isinstance(seq, int) and group and self.seqs is not None:
            last = self.seqs.get(group, self.seqs.get("*"))
            if isinstance(last, int):
                if seq <= last:
                    return
                if seq != last + 1:
                    self.note(f"gap {last} -> {seq}: resync")
                    self.seqs = None
                    await ws.send(json.dumps({"type": "resync"}))
                    return
            self.seqs[group] = seq
        if message.get("type") == "queue.updated":
            self.show(message)

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            self.seqs = None
            try:
                async with connect(self.url, origin=self.origin, open_timeout=10, ping_interval=None) as ws:
                    self.retry = 0
                    self.note("open")
                    receiving = asyncio.ensure_future(self._receive_all(ws))
                    stopped = asyncio.ensure_future(stopping.wait())
                    await asyncio.wait({receiving, stopped}, return_when=asyncio.FIRST_COMPLETED)
                    stopped.cancel()
                    if not receiving.done():
                        receiving.cancel()
                        return
                    self.note(f"closed {ws.close_code}")
            except InvalidStatus as exc:
                self.handshake_statuses.append(exc.response.status_code)
                self.note(f"handshake {exc.response.status_code}")
            except (OSError, TimeoutError, ConnectionClosed) as exc:
                self.note(f"no connection: {type(exc).__name__}")
            if stopping.is_set():
                return
            # The browser's back-off: up to 30 s, with jitter.
            delay = min(30.0, 0.5 * 2**self.retry) * (0.5 + random.random())
            self.retry += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), delay)

    async def _receive_all(self, ws) -> None:  # noqa: ANN001
        try:
            async for text in ws:
                await self.receive(ws, json.loads(text))
        except ConnectionClosed:
            pass


class Sockets:
    """Several SocketClients on an event loop of their own thread."""

    def __init__(self, ws_url: str, origin: str, event_id: int, count: int, first_number: int = 0) -> None:
        url = f"{ws_url}/ws/events/{event_id}/"
        self.clients = [SocketClient(n, url, origin) for n in range(first_number, first_number + count)]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.stopping: asyncio.Event | None = None
        self.ready = threading.Event()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def main() -> None:
            self.stopping = asyncio.Event()
            self.ready.set()
            await asyncio.gather(*(client.run(self.stopping) for client in self.clients))

        self.loop.run_until_complete(main())

    def start(self) -> Sockets:
        self.thread.start()
        self.ready.wait(10)
        return self

    def stop(self) -> None:
        if self.stopping is None:
            return  # never started
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(15)

    def views_at(self, moment: float) -> list[dict[int, int] | None]:
        """What each client showed at ``moment``."""
        shown = []
        for client in self.clients:
            before = [view for at, view in list(client.views) if at <= moment]
            shown.append(before[-1] if before else None)
        return shown


def caught_up(view: dict[int, int], database: dict[int, int]) -> bool:
    """The view shows at least every vote the database had: counts only grow while nothing plays."""
    return all(view.get(entry, 0) >= votes for entry, votes in database.items())


def first_caught_up(client: SocketClient, after: float, database: dict[int, int]) -> float | None:
    """Seconds from ``after`` until the client showed every vote of ``database``."""
    views = list(client.views)
    # The view shown at ``after`` counts too, if it already has them all.
    current = [view for at, view in views if at <= after]
    if current and caught_up(current[-1], database):
        return 0.0
    for at, view in views:
        if at > after and caught_up(view, database):
            return at - after
    return None


def summarize(answers: list[Answer]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for answer in answers:
        key = str(answer.status) if answer.status is not None else f"no answer ({answer.error})"
        counts[key] = counts.get(key, 0) + 1
    return counts


def error_window(answers: list[Answer]) -> tuple[float, float] | None:
    """From the first answer that failed to the last: 5xx or no answer at all."""
    failed = [a for a in answers if a.status is None or a.status >= 500]
    if not failed:
        return None
    return min(a.started for a in failed), max(a.ended for a in failed)
