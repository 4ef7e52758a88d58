"""The demo site right after `load_demo`: the curator's picks on the home page, trending that
follows the demo audience, artists' stats, and a second load that changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.curation.models import Collection, CollectionItem, Feature
from apps.media.models import Track
from apps.performances.models import Performance
from tests.browser.conftest import restore_roles

pytestmark = pytest.mark.slow

# Rows whose content a reload could change without adding or removing any.
WATCHED = {
    Collection: ["slug", "title", "status", "publish_from", "curator_id"],
    CollectionItem: ["collection_id", "position", "artist_id", "performance_id", "track_id", "note"],
    Feature: ["slot", "collection_id", "artist_id", "starts_at", "ends_at"],
    Performance: ["title", "status", "view_count", "like_count"],
    Track: ["title", "play_count"],
}


@pytest.fixture
def demo(transactional_db) -> None:
    # Media processing and live updates wait for the commit, as on the real site.
    restore_roles()
    call_command("load_demo", stdout=io.StringIO())


def snapshot() -> dict:
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    rows = {
        model._meta.label: list(model.objects.order_by("pk").values_list("pk", *fields))
        for model, fields in WATCHED.items()
    }
    return {"counts": counts, "rows": rows}


def test_the_curators_collection_and_features_show_on_the_home_page_and_its_page(demo, client):
    page = client.get("/").content.decode()

    featured, _, rest = page.partition('id="live-heading"')
    assert "Fado after dark" in featured
    assert "Tiago Sax" in featured
    collections = rest.partition('id="collections-heading"')[2]
    assert "Fado after dark" in collections
    # The draft stays off the site.
    assert "Sunday by the river" not in page
    assert client.get("/collections/sunday-by-the-river/").status_code == 404

    # Its page lists the picks in the curator's order, each with its note.
    page = client.get("/collections/fado-after-dark/").content.decode()

    picks = [
        "Start here: the voice of the Alfama steps.",
        "Follow her from Santa Luzia down to the fountain.",
        "The river, in six notes.",
        "When the fado ends, walk down to the arch.",
        "For the tram ride home.",
    ]
    positions = [page.find(note) for note in picks]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_the_demo_audience_shows_in_trending_and_in_the_artists_stats(demo, client):
    def top(kind: str) -> str:
        return client.get("/api/v1/trending/", {"kind": kind}).json()["items"][0]["title"]

    assert top("performance") == "Fado at dusk"
    assert top("artist") == "Marta Lume"
    assert top("track") == "Saudade do Tejo"

    client.force_login(User.objects.get(email="marta@demo.encore.local"))

    assert client.get(reverse("artist-stats")).status_code == 200
    response = client.get(reverse("artist-stats-csv"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 30
    assert sum(int(row["views"]) for row in rows) >= 9
    assert sum(int(row["plays"]) for row in rows) >= 6


def test_loading_the_demo_again_changes_nothing(demo):
    before = snapshot()

    call_command("load_demo", stdout=io.StringIO())

    assert snapshot() == before
