"""PostgreSQL restarts (``pg_ctl restart -m fast``) while guests vote and visitors read.

Against the production stack on a PostgreSQL cluster of the test's own. Every connection the
processes hold is cut; they must find their way back by themselves (no process restarted),
answer 503 with Retry-After rather than 500 while the database is away, and keep every vote
they acknowledged. The error window (first failed answer to the last) is measured and printed.

Run with ``-s`` to see the figures.
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
    error_window,
    join_guests,
    queue_counts,
    seed_events,
    stored_votes,
    summarize,
)
from tests.private_servers import PrivatePostgres, private_postgres
from tests.stack import Stack, running_stack

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

# Generous: the restart itself takes well under a second here.
ERROR_WINDOW_LIMIT_SECONDS = 15
BEFORE_SECONDS = 5
AFTER_SECONDS = 10
COOLDOWN_SECONDS = 2
GUESTS = 30
TRACKS = 30
SOCKETS = 3


@pytest.fixture(scope="module")
def database() -> Iterator[PrivatePostgres]:
    with private_postgres() as server:
        yield server


@pytest.fixture(scope="module")
def stack(database: PrivatePostgres) -> Iterator[Stack]:
    with running_stack(database_url=database.url("encore"), proxy=False) as stack:
        yield stack


@pytest.fixture(scope="module")
def event(stack: Stack) -> SeededEvent:
    return seed_events(stack, events=1, tracks=TRACKS, cooldown=COOLDOWN_SECONDS)[0]


def _pids(stack: Stack) -> dict[int, str]:
    return {p.pid: p.name for p in stack.processes() if p.name in {"web", "ws", "worker", "beat"}}


def test_a_database_restart_is_ridden_out_without_500s_lost_votes_or_restarted_processes(
    stack: Stack, database: PrivatePostgres, event: SeededEvent
):
    guest_key = lambda token: signing.loads(token, key=stack.secret_key, salt=GUEST_SALT)["g"]  # noqa: E731
    guests = join_guests(stack.base_url, event, GUESTS)
    pids = _pids(stack)
    sockets = Sockets(stack.ws_url, stack.base_url, event.id, SOCKETS).start()
    # A page opened just after the restart: its handshake reads the database.
    late = Sockets(stack.ws_url, stack.base_url, event.id, 1, first_number=SOCKETS)
    traffic = Traffic(stack.base_url, event, guests, cooldown=COOLDOWN_SECONDS).start()
    try:
        time.sleep(BEFORE_SECONDS)
        restarting = time.monotonic()
        database.restart("fast")
        restarted = time.monotonic()
        late.start()
        time.sleep(AFTER_SECONDS)
        traffic.stop_voting()
        time.sleep(2)
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
    # /readyz is left out of the window: its 503 while the database is away is its job.
    answers = [v.answer for v in traffic.votes] + traffic.reads
    window = error_window(answers)
    failed = [a for a in answers if a.status is None or a.status >= 500]

    print(f"\npg_ctl restart -m fast took {restarted - restarting:.2f} s")
    print(f"  votes {summarize([v.answer for v in traffic.votes])}, reads {summarize(traffic.reads)}")
    print(f"  readyz {summarize(traffic.readyz)}")
    if window:
        print(
            f"  error window {window[1] - window[0]:.2f} s, from {window[0] - restarting:+.2f} s to "
            f"{window[1] - restarting:+.2f} s of the restart's start; {len(failed)} answers failed: "
            f"{summarize(failed)}"
        )
    else:
        print("  no answer failed")
    print(
        f"  acknowledged votes {len(acknowledged)}, stored {len(stored)}, acknowledged but lost {len(lost)}"
    )
    print(f"  refused (not 201) but stored anyway: {len(refused_but_stored)}")
    for client in [*sockets.clients, *late.clients]:
        update = next((at - restarted for at, _ in client.views if at > restarted), None)
        seen = [what for at, what in client.log if at > restarting]
        print(f"  socket {client.number}: next update {update} s after the restart; {seen[:4]}")

    assert len(acknowledged) > 20, "votes were not flowing"
    assert not lost, f"acknowledged votes with no row: {lost}"
    not_503 = [(a.kind, a.status, a.error) for a in failed if a.status != 503]
    assert not not_503, f"failures other than 503: {not_503[:10]}"
    assert all(a.retry_after for a in failed), "a 503 without Retry-After"
    if window:
        assert window[1] - window[0] < ERROR_WINDOW_LIMIT_SECONDS
    # Mended, not just quiet: the last seconds answered.
    mended = [a for a in answers if a.started > restarted + AFTER_SECONDS / 2]
    assert mended and all(a.ok for a in mended), summarize(mended)
    # Every page shows the database once the votes stop, the one opened after the restart too.
    shown = sockets.views_at(settled) + late.views_at(settled)
    assert all(view == database_at_end for view in shown), (database_at_end, shown)
    handshakes = [code for c in [*sockets.clients, *late.clients] for code in c.handshake_statuses]
    assert not handshakes, f"socket handshakes refused: {handshakes}"
    assert _pids(stack) == pids, "a process of the stack was restarted"
