"""Demo people: artists with profiles, a fan, a curator and venue staff."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from apps.core import artwork
from apps.places.models import Area, Genre

from .models import ArtistProfile, Follow, User
from .roles import CURATORS, VENUE_STAFF


@dataclass(frozen=True)
class DemoArtist:
    email: str
    stage_name: str
    slug: str
    genres: tuple[str, ...]
    area: str
    bio: str


ARTISTS = [
    DemoArtist(
        "marta@demo.encore.local",
        "Marta Lume",
        "marta-lume",
        ("fado", "folk"),
        "alfama",
        "<p>Fado on the steps of Alfama, most evenings after seven.</p>",
    ),
    DemoArtist(
        "tiago@demo.encore.local",
        "Tiago Sax",
        "tiago-sax",
        ("jazz",),
        "baixa",
        "<p>Tenor sax, standards and a few of my own, under the Arco da Rua Augusta.</p>",
    ),
    DemoArtist(
        "kora@demo.encore.local",
        "Kora Collective",
        "kora-collective",
        ("world", "latin"),
        "arroios",
        "<p>Kora, cajón and voices from four continents.</p>",
    ),
    DemoArtist(
        "neon@demo.encore.local",
        "Neon Tram",
        "neon-tram",
        ("electronic", "pop"),
        "bairro-alto",
        "<p>Battery-powered synth pop on the corners of Bairro Alto.</p>",
    ),
    DemoArtist(
        "ines@demo.encore.local",
        "Inês Cordas",
        "ines-cordas",
        ("classical",),
        "belem",
        "<p>Cello suites by the river, weekends at Belém.</p>",
    ),
]
STAFF = [
    ("fan@demo.encore.local", "Demo Fan", None),
    ("curator@demo.encore.local", "Demo Curator", CURATORS),
    ("venue@demo.encore.local", "Demo Venue Staff", VENUE_STAFF),
]


@cache
def _password_hash(password: str) -> str:
    # Hashing takes a third of a second by design; the demo accounts share one password, so
    # they share one hash (and its salt) rather than paying that for each account.
    return make_password(password)


def demo_user(email: str, display_name: str, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, display_name=display_name, is_staff=staff)
        user.password = _password_hash(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    # allauth requires a verified address to sign in.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _pictures(profile: ArtistProfile) -> None:
    """An avatar and a cover drawn from the stage name, where the artist has none yet."""
    missing = [field for field in ("avatar", "cover") if not getattr(profile, field)]
    for field in missing:
        picture = (
            artwork.avatar(profile.stage_name) if field == "avatar" else artwork.cover(profile.stage_name)
        )
        getattr(profile, field).save(picture.name, picture, save=False)
    if missing:
        profile.save(update_fields=missing)


@transaction.atomic
def load() -> list[tuple[str, str]]:
    """Create what is missing; returns (role, email) of the demo accounts."""
    accounts = []
    for spec in ARTISTS:
        user = demo_user(spec.email, spec.stage_name)
        profile, created = ArtistProfile.objects.get_or_create(
            user=user,
            defaults={
                "stage_name": spec.stage_name,
                "slug": spec.slug,
                "bio": spec.bio,
                "home_area": Area.objects.filter(slug=spec.area).first(),
            },
        )
        if created:
            profile.genres.set(Genre.objects.filter(slug__in=spec.genres))
        _pictures(profile)
        accounts.append(("artist", spec.email))
    for email, name, group in STAFF:
        user = demo_user(email, name, staff=group is not None)
        if group:
            user.groups.add(Group.objects.get(name=group))
        accounts.append((group or "fan", email))
    fan = User.objects.get(email=STAFF[0][0])
    for profile in ArtistProfile.objects.filter(slug__in=["marta-lume", "tiago-sax"]):
        Follow.objects.get_or_create(fan=fan, artist=profile)
    return accounts
