"""Who may open which live socket, for every WebSocket route in the project.

The socket twin of permission_table.py. Each rule names a route exactly as config/asgi.py
assembles it (without its `ws/` or `ws/app/` prefix), how to build a real path for it, and
what each persona gets: the snapshot the consumer promises (whose key fields `check`
asserts), or the close code that refuses them. `tests/core/test_socket_matrix.py` opens
every rule as every persona through the real ASGI application, and fails the build if a
socket route has no rule here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Browsers sign in with their session cookie and send our Origin; apps open `/ws/app/...`
# with a one-time ticket from `POST /api/v1/realtime/ticket/` and no cookie or Origin.
PERSONAS = (
    "anonymous",
    "fan",
    "owner",
    "curator",
    "staff",
    "other_staff",
    "app_fan",
    "app_anonymous",
)
# Which of the world's users each persona is (None: nobody signed in).
PERSONA_USER = {
    "anonymous": None,
    "fan": "fan",
    "owner": "owner",
    "curator": "curator",
    "staff": "staff",
    "other_staff": "other_staff",
    "app_fan": "fan",
    "app_anonymous": None,
}
APP_PERSONAS = frozenset({"app_fan", "app_anonymous"})


@dataclass(frozen=True)
class Snapshot:
    """Accepted: the first message is `{"type": "snapshot", ...}`."""


@dataclass(frozen=True)
class Refused:
    """Closed during the handshake, with the consumer's code."""

    code: int


@dataclass(frozen=True)
class Told:
    """Accepted only to send `{"type": "error", "detail": ...}`, then closed with the code."""

    code: int


SNAPSHOT = Snapshot()
Expectation = Snapshot | Refused | Told


@dataclass(frozen=True)
class Rule:
    route: str
    name: str
    path: Callable[[Any], str]
    expect: dict[str, Expectation]
    check: Callable[[dict, Any, str], None] | None = None
    # Changes the world before the socket opens (e.g. a curator hides the artist).
    setup: Callable[[Any], None] | None = None


def everyone(expectation: Expectation) -> dict[str, Expectation]:
    return dict.fromkeys(PERSONAS, expectation)


def only(personas: set[str], otherwise: Expectation) -> dict[str, Expectation]:
    return {persona: SNAPSHOT if persona in personas else otherwise for persona in PERSONAS}


# --- what each snapshot must carry -----------------------------------------------------------


def own_notifications(snapshot: dict, world: Any, persona: str) -> None:
    # Each user has a different number of unread notifications: the count says whose they are.
    unread = world.unread[PERSONA_USER[persona]]
    assert isinstance(snapshot["seq"], int)
    assert snapshot["unread_count"] == unread
    assert len(snapshot["notifications"]) == unread


def public_map(snapshot: dict, world: Any, persona: str) -> None:
    # A hidden performance stays off the map even for its owner and curators.
    assert [p["id"] for p in snapshot["performances"]] == [world.performance]
    assert snapshot["seqs"]
    assert all(group.startswith("map.") for group in snapshot["seqs"])
    assert set(snapshot["area"]) == {"south", "west", "north", "east"}


def the_performance(attribute: str) -> Callable[[dict, Any, str], None]:
    def check(snapshot: dict, world: Any, persona: str) -> None:
        assert snapshot["performance"]["id"] == getattr(world, attribute)
        assert isinstance(snapshot["seq"], int)
        # The socket counts itself: a signed-in fan once saw "0 watching".
        assert snapshot["viewers"] == 1

    return check


def the_event(attribute: str, status: str, queued: int) -> Callable[[dict, Any, str], None]:
    def check(snapshot: dict, world: Any, persona: str) -> None:
        assert snapshot["event"] == {"id": getattr(world, attribute), "status": status}
        assert isinstance(snapshot["seq"], int)
        assert len(snapshot["queue"]) == queued
        assert "now_playing" in snapshot

    return check


def hide_the_artist(world: Any) -> None:
    from apps.accounts.models import ArtistProfile

    ArtistProfile.objects.filter(user=world.users["owner"]).update(hidden=True)


LISBON = "lat=38.7139&lng=-9.1394&radius_km=2"
NOBODY = 999_999
owner_and_curators = {"owner", "curator"}
signed_in = set(PERSONAS) - {"anonymous", "app_anonymous"}

RULES: list[Rule] = [
    Rule("me/", "own notifications", lambda w: "me/", only(signed_in, Refused(4403)), own_notifications),
    Rule("map/", "an area", lambda w: f"map/?{LISBON}", everyone(SNAPSHOT), public_map),
    Rule("map/", "a too-wide area", lambda w: "map/?lat=38.7&lng=-9.1&radius_km=80", everyone(Told(4400))),
    Rule(
        "performances/<int:pk>/",
        "a public performance",
        lambda w: f"performances/{w.performance}/",
        everyone(SNAPSHOT),
        the_performance("performance"),
    ),
    Rule(
        "performances/<int:pk>/",
        "a hidden performance",
        lambda w: f"performances/{w.hidden_performance}/",
        only(owner_and_curators, Refused(4404)),
        the_performance("hidden_performance"),
    ),
    Rule(
        "performances/<int:pk>/",
        "a hidden artist's performance",
        lambda w: f"performances/{w.performance}/",
        only(owner_and_curators, Refused(4404)),
        the_performance("performance"),
        setup=hide_the_artist,
    ),
    Rule(
        "performances/<int:pk>/",
        "no such performance",
        lambda w: f"performances/{NOBODY}/",
        everyone(Refused(4404)),
    ),
    Rule(
        "events/<int:pk>/",
        "an open event",
        lambda w: f"events/{w.event}/",
        everyone(SNAPSHOT),
        the_event("event", "active", queued=1),
    ),
    Rule(
        "events/<int:pk>/",
        "a draft event",
        # The venue's own staff only; staff of another venue are strangers here.
        lambda w: f"events/{w.draft}/",
        only({"staff"}, Told(4403)),
        the_event("draft", "draft", queued=0),
    ),
    Rule("events/<int:pk>/", "no such event", lambda w: f"events/{NOBODY}/", everyone(Told(4404))),
]
