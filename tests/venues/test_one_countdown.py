"""The guest page counts the wait before the next vote in one place: after a vote, after a
vote too soon and after a reload, one countdown, and the buttons carry no numbers of their own."""

import re

import pytest
from django.urls import reverse

from tests.factories import EventFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def event():
    tracks = [TrackFactory(title=title) for title in ("Lisboa Menina", "Rua Escura", "Fado do Cais")]
    return EventFactory(tracks=tracks, vote_cooldown_seconds=30)


def countdowns(html: str) -> list[str]:
    """Every number of seconds the page shows as a wait, wherever it is."""
    text = re.sub(r"<[^>]+>", "", html)
    return re.findall(r"\b(?:again )?in (\d+) s\b", text)


def vote(client, event, track):  # noqa: ANN001, ANN201
    return client.post(reverse("event-vote", kwargs={"pk": event.pk}), {"track": track.pk}, **HTMX)


def test_after_a_vote_the_wait_is_shown_once(client, event):
    client.force_login(UserFactory())
    html = vote(client, event, event.pool_tracks.get(title="Lisboa Menina")).content.decode()
    assert html.count("data-countdown") == 1
    assert countdowns(html) == ["30"]


def test_a_vote_too_soon_shows_the_same_single_wait(client, event):
    client.force_login(UserFactory())
    vote(client, event, event.pool_tracks.get(title="Lisboa Menina"))
    too_soon = vote(client, event, event.pool_tracks.get(title="Rua Escura"))
    assert too_soon.status_code == 429
    wait = too_soon["Retry-After"]
    assert countdowns(too_soon.content.decode()) == [wait]


def test_a_reload_during_the_wait_shows_it_once_and_the_buttons_only_wait(client, event):
    client.force_login(UserFactory())
    vote(client, event, event.pool_tracks.get(title="Lisboa Menina"))
    page = client.get(event.get_absolute_url()).content.decode()
    assert page.count("data-countdown>") == 1
    assert len(countdowns(page)) == 1
    request = re.search(r'<button[^>]*data-label="Request"[^>]*>.*?</button>', page, re.S).group(0)
    assert "disabled" in request
    assert not re.search(r"\d+ s", re.sub(r"<[^>]+>", "", request))
