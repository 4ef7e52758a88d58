"""Every live socket, opened as every persona through the real ASGI application: the
Origin check, session and ticket sign-in, routing and the consumer, as a client meets them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.core.exceptions import SynchronousOnlyOperation
from django.db.models import Q
from django.test import Client

from apps.accounts import services as accounts
from apps.accounts.roles import CURATORS, VENUE_STAFF
from apps.performances import consumers, services
from apps.performances.models import Performance
from apps.performances.querysets import PerformanceQuerySet
from apps.venues import services as jukebox
from apps.venues.models import EventStatus
from config import asgi
from tests.factories import (
    PASSWORD,
    EventFactory,
    NotificationFactory,
    TrackFactory,
    UserFactory,
    VenueFactory,
)
from tests.performances.helpers import route
from tests.realtime import receive, session_cookie_for
from tests.socket_table import APP_PERSONAS, PERSONA_USER, PERSONAS, RULES, Refused, Rule, Snapshot, Told

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = "http://testserver"


@dataclass
class World:
    users: dict[str, Any]
    unread: dict[str | None, int]
    performance: int
    hidden_performance: int
    event: int
    draft: int


@pytest.fixture
def roles(transactional_db) -> None:
    # Transactional tests start from an empty database: the migration's groups are gone.
    for name in (CURATORS, VENUE_STAFF):
        Group.objects.get_or_create(name=name)


@pytest.fixture
def world(roles, personas) -> World:
    alice, charlie, dave = personas.owner, personas.curator, personas.venue_staff
    fan = UserFactory(email="erin@example.com", display_name="Erin")
    other_staff = UserFactory(email="frank@example.com", display_name="Frank", group=VENUE_STAFF)
    # Unread notifications, a different number each: a snapshot's count says whose it is.
    accounts.follow_artist(alice.artist_profile, fan=fan)
    NotificationFactory.create_batch(2, recipient=fan)
    public = services.create_performance(
        alice.artist_profile, actor=alice, title="Alice at Rossio", stops=route(-5)
    )
    hidden = services.create_performance(
        alice.artist_profile, actor=alice, title="Alice later", stops=route(120)
    )
    services.set_hidden(hidden, True)
    # Dave's venue runs an open night with one request queued, and a draft; Frank staffs another venue.
    tasca = VenueFactory(name="Tasca", slug="tasca", staff=[dave])
    VenueFactory(name="Adega", slug="adega", staff=[other_staff])
    night = EventFactory(venue=tasca, tracks=[TrackFactory()])
    jukebox.cast_vote(night, night.pool_tracks.get().pk, guest=jukebox.guest_for(night))
    draft = EventFactory(venue=tasca, status=EventStatus.DRAFT)
    return World(
        users={"owner": alice, "fan": fan, "curator": charlie, "staff": dave, "other_staff": other_staff},
        unread={None: 0, "owner": 1, "fan": 2, "curator": 0, "staff": 0, "other_staff": 0},
        performance=public.pk,
        hidden_performance=hidden.pk,
        event=night.pk,
        draft=draft.pk,
    )


@database_sync_to_async
def app_ticket(user) -> str:  # noqa: ANN001
    """What an app does: sign in through the headless API (no cookies), then ask for a ticket."""
    headers = {}
    if user is not None:
        login = Client().post(
            "/_allauth/app/v1/auth/login",
            {"email": user.email, "password": PASSWORD},
            content_type="application/json",
        )
        assert login.status_code == 200, login.content[:300]
        headers["X-Session-Token"] = login.json()["meta"]["session_token"]
    response = Client().post("/api/v1/realtime/ticket/", headers=headers)
    assert response.status_code == 200, response.content[:300]
    return response.json()["ticket"]


async def open_as(persona: str, path: str, world: World) -> tuple[WebsocketCommunicator, bool, Any]:
    user = world.users.get(PERSONA_USER[persona])
    if persona in APP_PERSONAS:
        ticket = await app_ticket(user)
        joiner = "&" if "?" in path else "?"
        socket = WebsocketCommunicator(asgi.application, f"/ws/app/{path}{joiner}ticket={ticket}")
    else:
        headers = [(b"origin", ORIGIN.encode()), (b"host", b"testserver")]
        if user is not None:
            headers.append((b"cookie", (await session_cookie_for(user)).encode()))
        socket = WebsocketCommunicator(asgi.application, f"/ws/{path}", headers=headers)
    connected, code = await socket.connect()
    return socket, connected, code


async def close(socket: WebsocketCommunicator) -> None:
    if not socket.future.done():
        await socket.disconnect()


async def check(rule: Rule, persona: str, world: World) -> None:
    """Open the rule's socket as the persona and assert what the table promises."""
    if rule.setup is not None:
        await database_sync_to_async(rule.setup)(world)
    expected = rule.expect[persona]
    socket, connected, code = await open_as(persona, rule.path(world), world)
    try:
        if isinstance(expected, Refused):
            assert (connected, code) == (False, expected.code)
        elif isinstance(expected, Told):
            assert connected, f"refused during the handshake ({code}) instead of being told why"
            error = await receive(socket)
            assert error["type"] == "error"
            assert error["detail"]
            closed = await socket.receive_output()
            assert (closed["type"], closed.get("code")) == ("websocket.close", expected.code)
        else:
            assert isinstance(expected, Snapshot)
            assert connected, f"refused with {code}"
            snapshot = await receive(socket)
            assert snapshot["type"] == "snapshot", snapshot
            if rule.check is not None:
                rule.check(snapshot, world, persona)
            # A resync answers the same snapshot (skipping deltas already on their way).
            await socket.send_json_to({"type": "resync"})
            while (again := await receive(socket))["type"] != "snapshot":
                assert again.get("seq", 0) <= snapshot.get("seq", 0), again
            if rule.check is not None:
                rule.check(again, world, persona)
    finally:
        await close(socket)


def socket_routes() -> set[str]:
    return {str(pattern.pattern) for pattern in asgi.sockets}


def test_every_socket_route_has_a_rule():
    missing = sorted(socket_routes() - {rule.route for rule in RULES})
    assert not missing, f"Add these socket routes to tests/socket_table.py: {missing}"


def test_every_rule_names_a_real_socket_route():
    stale = sorted({rule.route for rule in RULES} - socket_routes())
    assert not stale, f"Rules for socket routes that no longer exist: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.route} {r.name}")
async def test_each_persona_gets_what_the_socket_table_says(rule: Rule, persona: str, world: World):
    await check(rule, persona, world)


# --- refused before any consumer runs -----------------------------------------------------


def any_path(route: str, world: World) -> str:
    return next(rule for rule in RULES if rule.route == route).path(world)


@pytest.mark.parametrize("route", sorted(socket_routes()))
async def test_a_foreign_origin_is_refused_even_with_a_session(route: str, world: World):
    cookie = await session_cookie_for(world.users["fan"])
    headers = [
        (b"origin", b"https://evil.example.com"),
        (b"host", b"testserver"),
        (b"cookie", cookie.encode()),
    ]
    socket = WebsocketCommunicator(asgi.application, f"/ws/{any_path(route, world)}", headers=headers)
    # Channels' denier closes without a code of its own (a 403 over HTTP).
    assert await socket.connect() == (False, 1000)


@pytest.mark.parametrize("route", sorted(socket_routes()))
async def test_a_browser_route_without_origin_is_refused(route: str, world: World):
    cookie = await session_cookie_for(world.users["fan"])
    headers = [(b"host", b"testserver"), (b"cookie", cookie.encode())]
    socket = WebsocketCommunicator(asgi.application, f"/ws/{any_path(route, world)}", headers=headers)
    assert await socket.connect() == (False, 1000)


@pytest.mark.parametrize("route", sorted(socket_routes()))
async def test_an_app_route_needs_a_ticket_and_a_session_cookie_does_not_do(route: str, world: World):
    cookie = await session_cookie_for(world.users["fan"])
    headers = [(b"origin", ORIGIN.encode()), (b"host", b"testserver"), (b"cookie", cookie.encode())]
    socket = WebsocketCommunicator(asgi.application, f"/ws/app/{any_path(route, world)}", headers=headers)
    assert await socket.connect() == (False, 1000)


@pytest.mark.parametrize("route", sorted(socket_routes()))
async def test_a_ticket_works_once(route: str, world: World):
    ticket = await app_ticket(world.users["fan"])
    path = any_path(route, world)
    path = f"/ws/app/{path}{'&' if '?' in path else '?'}ticket={ticket}"
    first = WebsocketCommunicator(asgi.application, path)
    assert (await first.connect())[0]
    assert (await receive(first))["type"] == "snapshot"
    await first.disconnect()
    again = WebsocketCommunicator(asgi.application, path)
    assert await again.connect() == (False, 1000)


# --- the table's checks can fail ----------------------------------------------------------
# Each breaks a consumer the way it once was, or could be, and expects the check to notice.


def public_performance() -> Rule:
    return next(rule for rule in RULES if rule.name == "a public performance")


def hidden_performance() -> Rule:
    return next(rule for rule in RULES if rule.name == "a hidden performance")


async def test_the_table_catches_a_database_query_from_the_event_loop(monkeypatch, world: World):
    async def get_groups_on_the_loop(self) -> list[str]:  # noqa: ANN001
        # How the performance socket read visibility before: is_curator queried from the loop.
        self.performance_id = int(self.scope["url_route"]["kwargs"]["pk"])
        visible = Performance.objects.visible_to(self.scope.get("user")).filter(pk=self.performance_id)
        exists = await database_sync_to_async(visible.exists)()
        return [consumers.performance_group(self.performance_id)] if exists else []

    monkeypatch.setattr(consumers.PerformanceConsumer, "get_groups", get_groups_on_the_loop)
    await check(public_performance(), "anonymous", world)  # no user, no query: still fine
    for persona in ("fan", "app_fan"):
        with pytest.raises(SynchronousOnlyOperation):
            await check(public_performance(), persona, world)


async def test_the_table_catches_a_stranger_let_into_a_hidden_performance(monkeypatch, world: World):
    monkeypatch.setattr(PerformanceQuerySet, "visible_to", lambda self, user: self.filter(Q()))
    await check(hidden_performance(), "owner", world)
    with pytest.raises(AssertionError):
        await check(hidden_performance(), "fan", world)


async def test_the_table_catches_a_snapshot_without_the_socket_itself_watching(monkeypatch, world: World):
    monkeypatch.setattr(consumers, "viewers", lambda performance_id: 0)
    with pytest.raises(AssertionError):
        await check(public_performance(), "fan", world)
