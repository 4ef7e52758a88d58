"""Who may do what, for every URL pattern in the project.

Each rule names a route exactly as Django's resolver prints it, a method, how to build
a real URL for it, and the status each persona gets. `test_permission_matrix` runs every
rule for every persona, and fails the build if a URL pattern has no rule here.
Third-party URL trees (the admin, allauth) are covered by one prefix rule each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anonymous", "owner", "other", "curator", "venue_staff")
LOGIN = "login"  # a page redirects to the sign-in page


@dataclass(frozen=True)
class Rule:
    route: str
    method: str
    url: str | Callable[[Any], str]
    expect: dict[str, int | str]
    data: dict | Callable[[Any], dict] | None = None
    htmx: bool = False
    prefix: bool = False
    notes: str = ""
    extra: dict = field(default_factory=dict)

    def build_url(self, personas: Any) -> str:
        return self.url(personas) if callable(self.url) else self.url

    def build_data(self, personas: Any) -> dict | None:
        return self.data(personas) if callable(self.data) else self.data


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(PERSONAS, status)


def signed_in(status: int | str, *, anonymous: int | str = 401, **overrides) -> dict[str, int | str]:
    return {**dict.fromkeys(PERSONAS, status), "anonymous": anonymous, **overrides}


def alice_artist(p: Any) -> str:
    return p.owner.artist_profile.slug


def alice_show(p: Any) -> str:
    """Alice's scheduled performance, whose first stop started five minutes ago."""
    return f"/api/v1/performances/{p.owner.artist_profile.performances.get().pk}"


def alice_page(p: Any) -> str:
    return alice_show(p).replace("/api/v1", "") + "/"


def alice_dash(p: Any) -> str:
    return alice_show(p).replace("/api/v1", "/me") + "/"


def alice_media(kind: str) -> Callable[[Any], str]:
    """The API address of Alice's clip, story or track."""

    def url(p: Any) -> str:
        item = getattr(p.owner.artist_profile, {"clip": "clips", "story": "stories", "track": "tracks"}[kind])
        plural = {"clip": "clips", "story": "stories", "track": "tracks"}[kind]
        return f"/api/v1/media/{plural}/{item.get().pk}/"

    return url


def _media_rules() -> list[Rule]:
    rules = []
    for kind, plural in [("clip", "clips"), ("story", "stories"), ("track", "tracks")]:
        base = f"api/v1/media/{plural}/"
        rules += [
            Rule(base, "GET", f"/{base}", everyone(200)),
            # Uploading needs an artist profile; an empty upload is refused naming the file.
            Rule(base, "POST", f"/{base}", signed_in(403, owner=400, other=400), data={}),
            Rule(base + "<pk>/", "GET", alice_media(kind), everyone(200)),
            Rule(
                base + "<pk>/",
                "PATCH",
                alice_media(kind),
                # A story has nothing to change: the owner is told so.
                signed_in(403, owner=405 if kind == "story" else 200),
                data={"title": "Renamed"},
            ),
            Rule(base + "<pk>/", "DELETE", alice_media(kind), signed_in(403, owner=204)),
            Rule(
                base + "<pk>/report/",
                "POST",
                lambda p, kind=kind: alice_media(kind)(p) + "report/",
                signed_in(201, owner=400),
                data={"reason": "spam"},
            ),
        ]
    for base in ["api/v1/media/tracks/", "api/v1/tracks/"]:
        rules.append(
            Rule(
                base + "<pk>/plays/",
                "POST",
                lambda p, base=base: (
                    alice_media("track")(p).replace("/api/v1/media/tracks/", f"/{base}") + "plays/"
                ),
                everyone(201),
                data={"listened_seconds": 40},
            )
        )
    rules += [
        Rule("api/v1/tracks/", "GET", "/api/v1/tracks/", everyone(200)),
        Rule("api/v1/tracks/", "POST", "/api/v1/tracks/", signed_in(403, owner=400, other=400), data={}),
        Rule(
            "api/v1/tracks/<pk>/",
            "GET",
            lambda p: alice_media("track")(p).replace("/media", ""),
            everyone(200),
        ),
        Rule(
            "api/v1/tracks/<pk>/",
            "PATCH",
            lambda p: alice_media("track")(p).replace("/media", ""),
            signed_in(403, owner=200),
            data={"title": "Renamed"},
        ),
        Rule(
            "api/v1/tracks/<pk>/",
            "DELETE",
            lambda p: alice_media("track")(p).replace("/media", ""),
            signed_in(403, owner=204),
        ),
        Rule(
            "api/v1/tracks/<pk>/report/",
            "POST",
            lambda p: alice_media("track")(p).replace("/media", "") + "report/",
            signed_in(201, owner=400),
            data={"reason": "spam"},
        ),
        # Without S3 there is nowhere to upload directly: artists are told so.
        Rule(
            "api/v1/media/uploads/",
            "POST",
            "/api/v1/media/uploads/",
            signed_in(403, owner=409, other=409),
            data={"kind": "clip"},
        ),
        # --- media pages ---
        Rule("me/media/", "GET", "/me/media/", signed_in(302, anonymous=LOGIN, owner=200, other=200)),
        Rule(
            "me/media/<str:kind>/upload/",
            "POST",
            "/me/media/clip/upload/",
            # No file: the form comes back with the error; no artist profile: sent to make one.
            signed_in(302, anonymous=LOGIN, owner=400, other=400),
            data={"title": "No file"},
        ),
        Rule(
            "me/media/<str:kind>/<int:item_id>/delete/",
            "POST",
            lambda p: f"/me/media/clip/{p.owner.artist_profile.clips.get().pk}/delete/",
            # Unconfirmed, the owner is asked first (200); strangers learn nothing.
            signed_in(404, anonymous=LOGIN, owner=200),
        ),
        Rule(
            "reports/<str:kind>/<str:key>/",
            "POST",
            lambda p: f"/reports/clip/{p.owner.artist_profile.clips.get().pk}/",
            signed_in(302, anonymous=LOGIN),
            data={"reason": "spam"},
        ),
    ]
    return rules


def _jukebox(status: str = "active") -> Any:
    """Dave's venue's event: the active one (one track, one request queued) or the draft."""
    from apps.venues.models import Event

    return Event.objects.get(venue__slug="tasca", status=status)


def jukebox_api(action: str = "", status: str = "active") -> Callable[[Any], str]:
    return lambda p: f"/api/v1/events/{_jukebox(status).pk}/" + (f"{action}/" if action else "")


def jukebox_entry(p: Any) -> dict:
    return {"entry": _jukebox().entries.get().pk}


def _venue_api_rules() -> list[Rule]:
    from apps.venues import services

    base = "api/v1/events/<pk>/"
    # Running an event is for its venue's staff; to anyone else signed in, its controls do
    # not exist (404), so event ids do not leak between venues.
    staff_only = signed_in(404, venue_staff=200)
    return [
        Rule("api/v1/events/", "GET", "/api/v1/events/", everyone(200)),
        Rule(base, "GET", jukebox_api(), everyone(200)),
        Rule(
            base,
            "GET",
            jukebox_api(status="draft"),
            signed_in(404, anonymous=404, venue_staff=200),
            notes="a draft is its venue's business",
        ),
        Rule(base + "queue/", "GET", jukebox_api("queue"), everyone(200)),
        Rule(base + "pool/", "GET", jukebox_api("pool"), everyone(200)),
        Rule(
            base + "guest/",
            "POST",
            jukebox_api("guest"),
            everyone(200),
            data=lambda p: {"token": services.qr_token(_jukebox())},
        ),
        # Anonymous callers scan the display's code first; signed-in people vote as themselves.
        Rule(
            base + "votes/",
            "POST",
            jukebox_api("votes"),
            signed_in(201, anonymous=403),
            data=lambda p: {"track": _jukebox().pool_tracks.get().pk},
        ),
        Rule(base + "next/", "POST", jukebox_api("next"), staff_only),
        Rule(base + "skip/", "POST", jukebox_api("skip"), staff_only),
        Rule(base + "veto/", "POST", jukebox_api("veto"), staff_only, data=jukebox_entry),
        Rule(base + "remove/", "POST", jukebox_api("remove"), staff_only, data=jukebox_entry),
        Rule(base + "track-ended/", "POST", jukebox_api("track-ended"), staff_only, data=jukebox_entry),
    ]


def jukebox_page(part: str = "", status: str = "active") -> Callable[[Any], str]:
    return lambda p: f"/events/{_jukebox(status).pk}/" + (f"{part}/" if part else "")


def _venue_page_rules() -> list[Rule]:
    from apps.venues import services

    base = "events/<int:pk>/"
    # The venue's screen and its controls: its staff; anyone else signed in finds nothing.
    screen = signed_in(404, anonymous=LOGIN, venue_staff=200)
    return [
        Rule(base, "GET", jukebox_page(), everyone(200)),
        Rule(
            base,
            "GET",
            jukebox_page(status="draft"),
            signed_in(404, anonymous=404, venue_staff=200),
            notes="a draft is its venue's business",
        ),
        # The display's code starts a guest session (signed-in people vote as themselves).
        Rule(
            base + "join/",
            "GET",
            lambda p: jukebox_page("join")(p) + "?token=" + services.qr_token(_jukebox()),
            everyone(302),
        ),
        # The screen's short address: typing it is scanning.
        Rule(
            "j/<code>/?",
            "GET",
            lambda p: f"/j/{services.join_code(_jukebox())}",
            everyone(302),
        ),
        # Without a scan or an account there is no guest to vote with.
        Rule(
            base + "vote/",
            "POST",
            jukebox_page("vote"),
            signed_in(200, anonymous=403),
            data=lambda p: {"track": _jukebox().pool_tracks.get().pk},
            htmx=True,
        ),
        Rule(base + "display/", "GET", jukebox_page("display"), screen),
        Rule(base + "display/start/", "POST", jukebox_page("display/start"), {**screen, "venue_staff": 302}),
        Rule(
            base + "display/ended/",
            "POST",
            jukebox_page("display/ended"),
            {**screen, "venue_staff": 302},
            data=jukebox_entry,
        ),
    ]


RULES = [
    # --- pages ---------------------------------------------------------------------------
    Rule("", "GET", "/", everyone(200)),
    Rule("healthz", "GET", "/healthz", everyone(200)),
    Rule("readyz", "GET", "/readyz", everyone(200)),
    Rule("metrics", "GET", "/metrics", everyone(200), notes="from loopback; other addresses 404"),
    Rule("favicon.ico", "GET", "/favicon.ico", everyone(302)),
    Rule("artists/", "GET", "/artists/", everyone(200)),
    Rule("artists/<slug:slug>/", "GET", lambda p: f"/artists/{alice_artist(p)}/", everyone(200)),
    Rule(
        "artists/<slug:slug>/follow/",
        "POST",
        lambda p: f"/artists/{alice_artist(p)}/follow/",
        # Following yourself is refused with a message; the swap still renders the button.
        signed_in(200, anonymous=LOGIN),
        data={"action": "follow"},
        htmx=True,
    ),
    Rule("me/artist/new/", "GET", "/me/artist/new/", signed_in(200, anonymous=LOGIN, owner=302, other=302)),
    Rule("me/artist/edit/", "GET", "/me/artist/edit/", signed_in(302, anonymous=LOGIN, owner=200, other=200)),
    Rule("me/settings/", "GET", "/me/settings/", signed_in(200, anonymous=LOGIN)),
    Rule("me/notifications/", "GET", "/me/notifications/", signed_in(200, anonymous=LOGIN)),
    Rule("me/notifications/read/", "POST", "/me/notifications/read/", signed_in(302, anonymous=LOGIN)),
    Rule(
        "performances/<int:pk>/", "GET", lambda p: alice_show(p).replace("/api/v1", "") + "/", everyone(200)
    ),
    Rule("map/", "GET", "/map/", everyone(200)),
    Rule(
        "performances/<int:pk>/like/",
        "POST",
        lambda p: alice_page(p) + "like/",
        signed_in(200, anonymous=LOGIN),
        data={"action": "like"},
        htmx=True,
    ),
    # The dashboard: artists only; other artists' performances are not found.
    Rule(
        "me/performances/",
        "GET",
        "/me/performances/",
        signed_in(302, anonymous=LOGIN, owner=200, other=200),
    ),
    Rule(
        "me/performances/new/",
        "GET",
        "/me/performances/new/",
        signed_in(302, anonymous=LOGIN, owner=200, other=200),
    ),
    # Known places for a stop: artists only, and only for their own performance.
    Rule(
        "me/performances/places/",
        "GET",
        lambda p: f"/me/performances/places/?q=ba&performance={p.owner.artist_profile.performances.get().pk}",
        signed_in(403, anonymous=401, owner=200, other=404),
    ),
    Rule(
        "me/performances/<int:pk>/edit/",
        "GET",
        lambda p: alice_dash(p) + "edit/",
        signed_in(404, anonymous=LOGIN, owner=200),
    ),
    Rule(
        "me/performances/<int:pk>/go-live/",
        "POST",
        lambda p: alice_dash(p) + "go-live/",
        signed_in(404, anonymous=LOGIN, owner=302),
    ),
    Rule(
        "me/performances/<int:pk>/end/",
        "POST",
        lambda p: alice_dash(p) + "end/",
        signed_in(404, anonymous=LOGIN, owner=200),  # unconfirmed: the question
    ),
    Rule(
        "me/performances/<int:pk>/cancel/",
        "POST",
        lambda p: alice_dash(p) + "cancel/",
        signed_in(404, anonymous=LOGIN, owner=302),
    ),
    Rule(
        "me/performances/<int:pk>/delete/",
        "POST",
        lambda p: alice_dash(p) + "delete/",
        signed_in(404, anonymous=LOGIN, owner=200),  # unconfirmed: the question
    ),
    Rule("media/<path:path>", "GET", "/media/../config/settings/base.py", everyone(404)),
    # --- API -------------------------------------------------------------------------------
    Rule("api/v1/me/", "GET", "/api/v1/me/", signed_in(200)),
    Rule("api/v1/me/", "PATCH", "/api/v1/me/", signed_in(200), data={"radius_km": 7}),
    Rule("api/v1/me/artist/", "GET", "/api/v1/me/artist/", signed_in(404, owner=200, other=200)),
    Rule(
        "api/v1/me/artist/",
        "POST",
        "/api/v1/me/artist/",
        signed_in(201, owner=400, other=400),
        data={"stage_name": "Someone New"},
    ),
    Rule(
        "api/v1/me/artist/",
        "PATCH",
        "/api/v1/me/artist/",
        signed_in(404, owner=200, other=200),
        data={"bio": "Hello"},
    ),
    Rule("api/v1/me/notifications/", "GET", "/api/v1/me/notifications/", signed_in(200)),
    Rule("api/v1/me/notifications/read/", "POST", "/api/v1/me/notifications/read/", signed_in(200)),
    Rule("api/v1/artists/", "GET", "/api/v1/artists/", everyone(200)),
    Rule("api/v1/artists/<slug>/", "GET", lambda p: f"/api/v1/artists/{alice_artist(p)}/", everyone(200)),
    Rule(
        "api/v1/artists/<slug>/follow/",
        "PUT",
        lambda p: f"/api/v1/artists/{alice_artist(p)}/follow/",
        signed_in(200, owner=400),
    ),
    Rule(
        "api/v1/artists/<slug>/follow/",
        "DELETE",
        lambda p: f"/api/v1/artists/{alice_artist(p)}/follow/",
        signed_in(204),
    ),
    Rule("api/v1/realtime/ticket/", "POST", "/api/v1/realtime/ticket/", everyone(200)),
    Rule("api/v1/performances/", "GET", "/api/v1/performances/", everyone(200)),
    Rule(
        "api/v1/performances/",
        "POST",
        "/api/v1/performances/",
        # Curators and venue staff have no artist profile: planning needs one.
        signed_in(403, owner=201, other=201),
        data={
            "title": "New set",
            "stops": [
                {
                    "lat": 38.71,
                    "lng": -9.14,
                    "place_name": "Rossio",
                    "starts_at": "2030-01-01T18:00:00Z",
                    "ends_at": "2030-01-01T19:00:00Z",
                }
            ],
        },
    ),
    Rule("api/v1/performances/<pk>/", "GET", lambda p: alice_show(p) + "/", everyone(200)),
    Rule(
        "api/v1/performances/<pk>/",
        "PATCH",
        lambda p: alice_show(p) + "/",
        signed_in(403, owner=200),
        data={"title": "Renamed"},
    ),
    Rule("api/v1/performances/<pk>/", "DELETE", lambda p: alice_show(p) + "/", signed_in(403, owner=204)),
    Rule(
        "api/v1/performances/<pk>/go-live/",
        "POST",
        lambda p: alice_show(p) + "/go-live/",
        signed_in(403, owner=200),
    ),
    Rule(
        "api/v1/performances/<pk>/end/", "POST", lambda p: alice_show(p) + "/end/", signed_in(403, owner=409)
    ),
    Rule(
        "api/v1/performances/<pk>/cancel/",
        "POST",
        lambda p: alice_show(p) + "/cancel/",
        signed_in(403, owner=200),
    ),
    Rule(
        "api/v1/performances/<pk>/position/",
        "POST",
        lambda p: alice_show(p) + "/position/",
        signed_in(403, owner=409),
        data={"lat": 38.7, "lng": -9.1},
    ),
    Rule("api/v1/performances/<pk>/like/", "PUT", lambda p: alice_show(p) + "/like/", signed_in(200)),
    Rule("api/v1/performances/<pk>/like/", "DELETE", lambda p: alice_show(p) + "/like/", signed_in(200)),
    Rule(
        "api/v1/performances/nearby/",
        "GET",
        "/api/v1/performances/nearby/?lat=38.71&lng=-9.14&radius_km=2",
        everyone(200),
    ),
    Rule("api/v1/genres/", "GET", "/api/v1/genres/", everyone(200)),
    Rule("api/v1/genres/<slug>/", "GET", "/api/v1/genres/jazz/", everyone(200)),
    Rule("api/v1/areas/", "GET", "/api/v1/areas/", everyone(200)),
    Rule("api/v1/areas/<slug>/", "GET", "/api/v1/areas/alfama/", everyone(200)),
    Rule("api/schema/", "GET", "/api/schema/", everyone(200)),
    Rule("api/docs/", "GET", "/api/docs/", everyone(200)),
    # Signed by Stripe, not by a user: an unknown endpoint id is refused for everyone.
    Rule(
        "stripe/webhook/<uuid:uuid>/",
        "POST",
        "/stripe/webhook/00000000-0000-0000-0000-000000000000/",
        everyone(400),
    ),
    # --- third-party trees --------------------------------------------------------------
    Rule(
        "admin/",
        "GET",
        "/admin/",
        signed_in(200, anonymous=LOGIN, owner=LOGIN, other=LOGIN),
        prefix=True,
        notes="the back office: staff only",
    ),
    Rule(
        "accounts/",
        "GET",
        "/accounts/login/",
        signed_in(302, anonymous=200),
        prefix=True,
        notes="allauth's pages: signed-in users are sent on",
    ),
    Rule("_allauth/", "GET", "/_allauth/app/v1/config", everyone(200), prefix=True),
    *_media_rules(),
    *_venue_api_rules(),
    *_venue_page_rules(),
]

# --- tips, revenue, payouts and supporters ------------------------------------------------
# Tests run without Stripe keys: tipping answers 503 and nothing is charged; artists' payout
# buttons come back to their page with the reason, others are sent to make an artist profile.
RULES += [
    Rule("artists/<slug:slug>/tip/", "GET", lambda p: f"/artists/{alice_artist(p)}/tip/", everyone(200)),
    Rule(
        "artists/<slug:slug>/tip/",
        "POST",
        lambda p: f"/artists/{alice_artist(p)}/tip/",
        everyone(405),
        data={"amount": "500"},
        notes="the page's script sends the tip to the tips API",
    ),
    Rule("me/revenue/", "GET", "/me/revenue/", signed_in(302, anonymous=LOGIN, owner=200, other=200)),
    Rule(
        "me/revenue/statement.csv",
        "GET",
        "/me/revenue/statement.csv?month=2026-01",
        signed_in(302, anonymous=LOGIN, owner=200, other=200),
    ),
    Rule("me/payouts/", "POST", "/me/payouts/", signed_in(302, anonymous=LOGIN)),
    Rule("me/payouts/connect/", "POST", "/me/payouts/connect/", signed_in(302, anonymous=LOGIN)),
    Rule(
        "me/payouts/return/",
        "GET",
        "/me/payouts/return/",
        signed_in(302, anonymous=LOGIN, owner=200, other=200),
    ),
    Rule("me/payouts/refresh/", "GET", "/me/payouts/refresh/", signed_in(302, anonymous=LOGIN)),
    Rule("supporter/", "GET", "/supporter/", signed_in(200, anonymous=LOGIN)),
    Rule("supporter/subscribe/", "POST", "/supporter/subscribe/", signed_in(302, anonymous=LOGIN)),
    Rule("supporter/cancel/", "POST", "/supporter/cancel/", signed_in(302, anonymous=LOGIN)),
]

# The tips API. Tests run without Stripe keys; a tip is checked (amount, key, not yourself)
# before Stripe is asked, so a keyless request is a 400 naming the field.
NO_TIP = "00000000-0000-0000-0000-000000000000"
artists_only = signed_in(403, owner=200, other=200)
RULES += [
    Rule("api/v1/tips/", "GET", "/api/v1/tips/", artists_only),
    Rule("api/v1/tips/", "GET", "/api/v1/tips/?mine=true", signed_in(200), notes="tips you gave"),
    Rule(
        "api/v1/tips/",
        "POST",
        "/api/v1/tips/",
        everyone(400),
        data=lambda p: {"artist": alice_artist(p), "amount": 500},
        notes="no Idempotency-Key",
    ),
    # Only the payer (an account, or an anonymous visitor's session) may follow or pay a tip.
    Rule("api/v1/tips/<public_id>/", "GET", f"/api/v1/tips/{NO_TIP}/", everyone(404)),
    Rule("api/v1/tips/<public_id>/confirm/", "POST", f"/api/v1/tips/{NO_TIP}/confirm/", everyone(404)),
    Rule("api/v1/me/revenue/", "GET", "/api/v1/me/revenue/", artists_only),
    Rule("api/v1/me/supporter/allocation/", "GET", "/api/v1/me/supporter/allocation/", signed_in(404)),
    Rule("api/v1/supporter/subscribe/", "POST", "/api/v1/supporter/subscribe/", signed_in(503)),
    Rule("api/v1/supporter/cancel/", "POST", "/api/v1/supporter/cancel/", signed_in(409)),
]

# --- curation: collections and home-page features -----------------------------------------
# Published collections are for everyone. A draft is "not found" except to curators, who
# preview it on the site; the API shows only published collections and live features.


def curation_collection(*, published: bool, api: bool = False) -> Callable[[Any], str]:
    """Alice in a collection, published or still a draft (made on first use in each test)."""

    def url(p: Any) -> str:
        from apps.curation import services
        from apps.curation.models import Collection, CollectionItem

        slug = "picks" if published else "draft-picks"
        collection, created = Collection.objects.get_or_create(slug=slug, defaults={"title": "Picks"})
        if created:
            CollectionItem.objects.create(collection=collection, artist=p.owner.artist_profile)
            if published:
                services.publish_collection(collection, actor=p.curator)
        return f"/api/v1/collections/{slug}/" if api else collection.get_absolute_url()

    return url


RULES += [
    Rule("collections/", "GET", "/collections/", everyone(200)),
    Rule("collections/<slug:slug>/", "GET", curation_collection(published=True), everyone(200)),
    Rule(
        "collections/<slug:slug>/",
        "GET",
        curation_collection(published=False),
        everyone(404) | {"curator": 200},
        notes="a draft: curators preview it",
    ),
    Rule("api/v1/collections/", "GET", "/api/v1/collections/", everyone(200)),
    Rule("api/v1/collections/", "POST", "/api/v1/collections/", everyone(405), data={"title": "Mine"}),
    Rule("api/v1/collections/<slug>/", "GET", curation_collection(published=True, api=True), everyone(200)),
    Rule("api/v1/collections/<slug>/", "GET", curation_collection(published=False, api=True), everyone(404)),
    Rule("api/v1/features/", "GET", "/api/v1/features/", everyone(200)),
]

# Discovery pages: areas and genres for everyone, "for you" for the signed in.
RULES += [
    Rule("areas/<slug:slug>/", "GET", "/areas/missing-area/", everyone(404)),
    Rule("genres/<slug:slug>/", "GET", "/genres/missing-genre/", everyone(404)),
    # Signed out, the page says what it would show and offers signing in.
    Rule("for-you/", "GET", "/for-you/", signed_in(200, anonymous=200)),
]

# Trending for everyone; stats for artists (others are sent to make an artist profile).
RULES += [
    Rule("api/v1/trending/", "GET", "/api/v1/trending/?kind=performance", everyone(200)),
    Rule("api/v1/for-you/", "GET", "/api/v1/for-you/", signed_in(200)),
    Rule("me/stats/", "GET", "/me/stats/", signed_in(302, anonymous=LOGIN, owner=200, other=200)),
    Rule("me/stats.csv", "GET", "/me/stats.csv", signed_in(302, anonymous=LOGIN, owner=200, other=200)),
]


# --- reports about performances and artist profiles (the moderation queue's inbox) -------
RULES += [
    # Anyone signed in may report someone else's work once; nobody reports their own.
    Rule(
        "api/v1/performances/<pk>/report/",
        "POST",
        lambda p: alice_show(p) + "/report/",
        signed_in(201, owner=400),
        data={"reason": "spam"},
    ),
    Rule(
        "api/v1/artists/<slug>/report/",
        "POST",
        lambda p: f"/api/v1/artists/{alice_artist(p)}/report/",
        signed_in(201, owner=400),
        data={"reason": "spam"},
    ),
    Rule(
        "reports/<str:kind>/<str:key>/",
        "POST",
        lambda p: "/reports/performance" + alice_page(p).removeprefix("/performances"),
        signed_in(302, anonymous=LOGIN),
        data={"reason": "spam"},
    ),
    Rule(
        "reports/<str:kind>/<str:key>/",
        "POST",
        lambda p: f"/reports/artist/{alice_artist(p)}/",
        signed_in(302, anonymous=LOGIN),
        data={"reason": "spam"},
    ),
]
