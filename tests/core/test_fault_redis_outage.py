"""Redis stops for 20 s while guests vote, visitors read and screens follow the queue.

Against the production stack (gunicorn, uvicorn, Celery) on a Redis of the test's own, which
stops under load and comes back on the same port: with what it held, or empty, as a cache
without persistence does after a restart. Throughout, a vote that was acknowledged is stored,
nothing answers 500 (503 with Retry-After while Redis is away), anonymous pages and the
nearby API still answer, and /readyz says what is down. Within 2 s of Redis answering again
every socket shows the database's votes, whether a new vote brought them or a resync did.

Both outages run in one test on one stack (a test of its own each would start a stack per
xdist worker), each on an event of its own; every rule broken in either is reported at the
end. Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core import signing

from apps.venues.services import GUEST_SALT
from tests.core.fault_traffic import (
    SeededEvent,
    Sockets,
    Traffic,
    first_caught_up,
    join_guests,
    queue_counts,
    seed_events,
    stored_votes,
    summarize,
)
from tests.private_servers import PrivateRedis, private_redis
from tests.stack import Stack, running_stack

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

OUTAGE_SECONDS = 20
RESYNC_SECONDS = 2
WARM_UP_SECONDS = 5
AFTER_SECONDS = 6
COOLDOWN_SECONDS = 2
GUESTS = 30
TRACKS = 40
SOCKETS = 4
# A page opened while Redis is away: its socket is refused until Redis is back.
LATE_SOCKET_AT = 15
VARIANTS = {"with its data": True, "empty": False}


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


@pytest.fixture
def stack(redis_server: PrivateRedis) -> Iterator[Stack]:
    with running_stack(redis=redis_server, proxy=False) as stack:
        yield stack


def _pids(stack: Stack) -> dict[int, str]:
    return {p.pid: p.name for p in stack.processes() if p.name in {"web", "ws", "worker", "beat"}}


def _names_redis(answer) -> bool:  # noqa: ANN001
    down = (answer.body or {}).get("down") or []
    return any("cache" in name or "redis" in name for name in down)


def _count(items: list) -> dict:
    return {str(item): items.count(item) for item in dict.fromkeys(items)}


def test_a_redis_outage_loses_no_acknowledged_vote_and_sockets_heal_within_2_s(
    stack: Stack, redis_server: PrivateRedis
):
    events = seed_events(stack, events=len(VARIANTS), tracks=TRACKS, cooldown=COOLDOWN_SECONDS)
    pids = _pids(stack)
    broken = []
    for (returns, keep_data), event in zip(VARIANTS.items(), events, strict=True):
        broken += [
            f"Redis back {returns}: {rule}"
            for rule in _outage(stack, redis_server, event, returns, keep_data)
        ]
    if _pids(stack) != pids:
        broken.append("a process of the stack was restarted")
    assert not broken, "\n".join(broken)


def _outage(
    stack: Stack, redis_server: PrivateRedis, event: SeededEvent, returns: str, keep_data: bool
) -> list[str]:
    """Stop Redis under load and bring it back; the rules it broke."""
    guest_key = lambda token: signing.loads(token, key=stack.secret_key, salt=GUEST_SALT)["g"]  # noqa: E731
    guests = join_guests(stack.base_url, event, GUESTS, first_address=1 + 1000 * event.id)
    sockets = Sockets(stack.ws_url, stack.base_url, event.id, SOCKETS).start()
    late = Sockets(stack.ws_url, stack.base_url, event.id, 1, first_number=SOCKETS)
    traffic = Traffic(stack.base_url, event, guests, cooldown=COOLDOWN_SECONDS).start()
    try:
        time.sleep(WARM_UP_SECONDS)
        went = time.monotonic()
        redis_server.stop(keep_data=keep_data)
        time.sleep(LATE_SOCKET_AT)
        late.start()
        time.sleep(OUTAGE_SECONDS - LATE_SOCKET_AT)
        redis_server.start()
        back = time.monotonic()
        database_when_back = queue_counts(stack.database_url, event.id)
        time.sleep(AFTER_SECONDS)
        traffic.stop_voting()
        time.sleep(RESYNC_SECONDS + 1)
        settled = time.monotonic()
        database_at_end = queue_counts(stack.database_url, event.id)
    finally:
        sockets.stop()
        late.stop()
        traffic.stop()

    stored = stored_votes(stack.database_url, event.id, guest_key)
    acknowledged = traffic.acknowledged_votes()
    lost = [(v.guest[:12], v.track) for v in acknowledged if (guest_key(v.guest), v.track) not in stored]
    refused_but_stored = [
        v for v in traffic.votes if v.answer.status != 201 and (guest_key(v.guest), v.track) in stored
    ]
    answers = [v.answer for v in traffic.votes] + traffic.reads + traffic.readyz

    def phase(answer) -> str:  # noqa: ANN001
        return "before" if answer.ended < went else "during" if answer.started < back else "after"

    healed = [first_caught_up(client, back, database_when_back) for client in sockets.clients]
    next_update = [next((at - back for at, _ in c.views if at > back), None) for c in sockets.clients]
    late_client = late.clients[0]
    late_joined = next(
        (at - back for at, what in late_client.log if at > back and what.startswith("snapshot")), None
    )
    readyz_down = [a for a in traffic.readyz if a.started > went + 1 and a.ended < back]
    readyz_after = [a for a in traffic.readyz if a.started > back + RESYNC_SECONDS]
    first_ready = next((a.ended - back for a in traffic.readyz if a.started > back and a.status == 200), None)

    print(f"\nRedis stopped for {back - went:.1f} s and came back {returns}")
    for name in ("before", "during", "after"):
        votes = [v.answer for v in traffic.votes if phase(v.answer) == name]
        reads = [a for a in traffic.reads if phase(a) == name]
        readyz = [a for a in traffic.readyz if phase(a) == name]
        print(f"  {name:6}: votes {summarize(votes)}, reads {summarize(reads)}, readyz {summarize(readyz)}")
    print(
        f"  acknowledged votes {len(acknowledged)}, stored {len(stored)}, acknowledged but lost {len(lost)}"
    )
    print(f"  refused (not 201) but stored anyway: {len(refused_but_stored)}")
    print(f"  /readyz first 200 {first_ready} s after Redis answered; while down it named:")
    print(f"    {sorted({str(a.body.get('down')) for a in readyz_down if a.body})}")
    for client, heal, update in zip(sockets.clients, healed, next_update, strict=True):
        seen = [what for at, what in client.log if went - 1 < at < back + RESYNC_SECONDS + 1]
        print(f"  socket {client.number}: caught up {heal} s, next update {update} s after Redis; {seen}")
    print(
        f"  socket opened {OUTAGE_SECONDS - LATE_SOCKET_AT} s before Redis returned: its snapshot came"
        f" {late_joined} s after; refused handshakes {_count(late_client.handshake_statuses)},"
        f" while down {_count([what for at, what in late_client.log if at < back])}"
    )

    broken = []
    if len([v for v in acknowledged if v.answer.ended < went]) <= 10:
        broken.append("votes were not flowing before Redis stopped")
    if lost:
        broken.append(f"acknowledged votes with no row: {lost}")
    server_errors = [
        (a.kind, a.status) for a in answers if a.status is None or a.status >= 500 and a.status != 503
    ]
    if server_errors:
        broken.append(f"answers that were not 503 while failing: {_count(server_errors)}")
    no_retry_after = [a.kind for a in answers if a.status == 503 and a.kind != "readyz" and not a.retry_after]
    if no_retry_after:
        broken.append(f"503 without Retry-After: {_count(no_retry_after)}")
    handshakes = [code for c in [*sockets.clients, late_client] for code in c.handshake_statuses]
    if 500 in handshakes:
        broken.append(f"socket handshakes answered {_count(handshakes)}")
    unanswered = [(a.kind, a.status, round(a.started - went, 1)) for a in traffic.reads if a.status != 200]
    if unanswered:
        broken.append(f"anonymous reads not answered: {unanswered[:10]}")
    if not readyz_down or not all(a.status == 503 and _names_redis(a) for a in readyz_down):
        broken.append(f"/readyz while Redis was down: {[(a.status, a.body) for a in readyz_down][:3]}")
    if not readyz_after or not all(a.status == 200 for a in readyz_after):
        not_ready = [(a.status, a.body) for a in readyz_after if a.status != 200]
        broken.append(f"/readyz after Redis returned: {not_ready[:3]}")
    slow = {c.number: (h, u) for c, h, u in zip(sockets.clients, healed, next_update, strict=True)
            if h is None or h > RESYNC_SECONDS or u is None or u > RESYNC_SECONDS}  # fmt: skip
    if slow:
        broken.append(
            f"sockets not showing the database within {RESYNC_SECONDS} s (caught up, next update): {slow}"
        )
    # Every page shows the database once the votes stop, the one opened during the outage too.
    shown = sockets.views_at(settled) + late.views_at(settled)
    if any(view != database_at_end for view in shown):
        broken.append(f"sockets left showing another queue than the database's {database_at_end}: {shown}")
    return broken
