import re

import pytest
from django.urls import URLResolver, get_resolver

from apps.performances import services
from apps.venues import services as jukebox
from apps.venues.models import EventStatus
from tests.factories import (
    AreaFactory,
    ClipFactory,
    EventFactory,
    GenreFactory,
    StoryFactory,
    TrackFactory,
    VenueFactory,
)
from tests.performances.helpers import route
from tests.permission_table import LOGIN, PERSONAS, RULES, Rule

_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def normalise(route: str) -> str:
    """DRF's regex routes printed like Django's path routes: `artists/<slug>/`."""
    return _GROUP.sub(r"<\1>", route.replace("^", "").replace("$", ""))


def project_routes(patterns=None, prefix: str = ""):  # noqa: ANN001, ANN201
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from project_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield normalise(prefix + str(pattern.pattern))


def test_every_url_pattern_has_a_permission_rule():
    exact = {rule.route for rule in RULES if not rule.prefix}
    prefixes = tuple(rule.route for rule in RULES if rule.prefix)
    missing = sorted(
        route for route in set(project_routes()) if route not in exact and not route.startswith(prefixes)
    )
    assert not missing, f"Add these routes to tests/permission_table.py: {missing}"


def test_every_rule_names_a_real_route():
    routes = set(project_routes())
    stale = [r.route for r in RULES if not r.prefix and r.route not in routes]
    assert not stale, f"Rules for routes that no longer exist: {stale}"


@pytest.fixture
def world(personas):
    GenreFactory(slug="jazz", name="Jazz")
    AreaFactory(slug="alfama", name="Alfama")
    alice = personas.owner
    services.create_performance(alice.artist_profile, actor=alice, title="Alice at Rossio", stops=route(-5))
    for media in (ClipFactory, StoryFactory, TrackFactory):
        media(artist=alice.artist_profile)
    # Dave's venue: a jukebox night with one track in its pool and one request queued, and a draft.
    tasca = VenueFactory(name="Tasca", slug="tasca", staff=[personas.venue_staff])
    night = EventFactory(venue=tasca, tracks=[TrackFactory()])
    EventFactory(venue=tasca, status=EventStatus.DRAFT)
    jukebox.cast_vote(night, night.pool_tracks.get().pk, guest=jukebox.guest_for(night))
    return personas


def _user_for(world, persona: str):  # noqa: ANN001, ANN202
    return None if persona == "anonymous" else getattr(world, persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.method} {r.route}")
def test_each_persona_gets_what_the_table_says(rule: Rule, persona: str, world, client):
    user = _user_for(world, persona)
    if user is not None:
        client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if rule.htmx else {}
    url = rule.build_url(world)
    is_api = url.startswith("/api/v1/")
    kwargs = {"content_type": "application/json" if is_api else "application/x-www-form-urlencoded"}
    response = client.generic(
        rule.method,
        url,
        **({"data": _encode(rule.build_data(world), is_api)} if rule.data is not None else {}),
        **kwargs,
        **headers,
    )
    expected = rule.expect[persona]
    if expected == LOGIN:
        assert response.status_code == 302, response.content[:300]
        assert "/login/" in response["Location"]
    else:
        assert response.status_code == expected, response.content[:300]


def _encode(data: dict, is_api: bool) -> str:
    import json
    from urllib.parse import urlencode

    return json.dumps(data) if is_api else urlencode(data)
