from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.accounts.models import ArtistProfile
from apps.core.htmx import HtmxHttpRequest
from apps.performances.nearby import NearbyQuery, find
from apps.places.models import Area, Genre

from .discovery import area_discovery, for_you, genre_discovery, upcoming_events
from .services import live_features, published_collections
from .trending import trending


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The front page: the curators' picks, what plays today near the centre, what is trending."""
    artists = ArtistProfile.objects.public().for_listing()[:8]
    # Live first, then by when they start: a visitor reads it as "what can I catch next".
    results = find(NearbyQuery(*settings.CITY_CENTRE, radius_m=10_000, when="today"))
    today = sorted(results, key=lambda r: (r["status"] != "live", r["stop"]["starts_at"]))[:8]
    context = {
        "artists": artists,
        "hero_artists": [artist for artist in artists if artist.avatar][:5],
        "today": _with_profiles(today),
        "live_count": sum(result["status"] == "live" for result in results),
        "features": live_features(),
        "collections": published_collections()[:4],
        "trending_performances": trending("performance", limit=5),
        "trending_artists": trending("artist", limit=5),
        "events": upcoming_events()[:4],
    }
    return render(request, "curation/home.html", context)


def _with_profiles(results: list[dict]) -> list[dict]:
    """Nearby's results as the page's cards draw them: with the artist's profile (for their
    picture) and the time a card shows, the stop's."""
    profiles = ArtistProfile.objects.in_bulk({r["artist"]["slug"] for r in results}, field_name="slug")
    return [
        {
            **result,
            "profile": profiles.get(result["artist"]["slug"]),
            "live": result["status"] == "live",
            "starts_at": result["stop"]["starts_at"],
            "ends_at": result["stop"]["ends_at"],
        }
        for result in results
    ]


@require_GET
def area_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    area = get_object_or_404(Area, slug=slug)
    context = {"place": area, "kind": "area", "discovery": area_discovery(area)}
    return render(request, "curation/discovery.html", context)


@require_GET
def genre_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    genre = get_object_or_404(Genre, slug=slug)
    context = {"place": genre, "kind": "genre", "discovery": genre_discovery(genre)}
    return render(request, "curation/discovery.html", context)


def _coordinate(value: str | None, limit: float) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and -limit <= number <= limit else None


@require_GET
def for_you_page(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # Said, not a bare redirect: a visitor learns what signing in would give them.
        return render(request, "curation/for_you_signed_out.html", {"next": request.get_full_path()})
    lat = _coordinate(request.GET.get("lat"), 90)
    lng = _coordinate(request.GET.get("lng"), 180)
    located = lat is not None and lng is not None
    performances, tracks = for_you(request.user, lat=lat if located else None, lng=lng if located else None)
    context = {"performances": performances, "tracks": tracks, "located": located}
    return render(request, "curation/for_you.html", context)
