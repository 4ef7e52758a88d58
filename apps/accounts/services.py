"""Account rules: artist profiles, follows, preferences and notifications."""

from __future__ import annotations

import contextlib
import hashlib
import io
import ipaddress
import math
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.core.counters import increment
from apps.places.models import Area, Genre

from . import events
from .models import ArtistProfile, Follow, Notification, NotificationKind, User

BIO_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li"}
LINK_HOSTS = {
    "instagram_url": ("instagram.com",),
    "spotify_url": ("open.spotify.com", "spotify.com"),
    "youtube_url": ("youtube.com", "youtu.be"),
    "website_url": (),
}
PROFILE_FIELDS = {"stage_name", "bio", "genres", "home_area", "avatar", "cover", *LINK_HOSTS}
IMAGE_FIELDS = ("avatar", "cover")
# The cover is shown as a wide banner: cropped to 3:1 at a size that stays sharp on a laptop.
COVER_SIZE = (1200, 400)
AVATAR_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Decoding is refused past this many pixels: a tiny file can claim a huge canvas.
AVATAR_MAX_PIXELS = 40_000_000


def sanitize_bio(html: str) -> str:
    return nh3.clean(
        html,
        tags=BIO_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    ).strip()


def check_link(field: str, url: str) -> None:
    """Links go where their name says: an Instagram link to instagram.com, and so on."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({field: "Enter a full http(s) address."})
    hosts = LINK_HOSTS[field]
    host = parts.hostname.lower().removeprefix("www.").removeprefix("m.")
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        raise ValidationError({field: f"This must be a link to {hosts[0]}."})


def process_avatar(upload: Any) -> ContentFile:
    """A square JPEG of the uploaded image, re-encoded so no metadata (EXIF, GPS) survives."""
    return _process_image(upload, "avatar", (settings.AVATAR_SIZE, settings.AVATAR_SIZE))


def process_cover(upload: Any) -> ContentFile:
    """The banner behind an artist's page: a 3:1 JPEG of the image, without its metadata."""
    return _process_image(upload, "cover", COVER_SIZE)


def _process_image(upload: Any, field: str, size: tuple[int, int]) -> ContentFile:
    if upload.size > settings.AVATAR_MAX_BYTES:
        limit = settings.AVATAR_MAX_BYTES // (1024 * 1024)
        raise ValidationError({field: f"The image is larger than {limit} MB."})
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in AVATAR_FORMATS:
                raise ValidationError({field: "Upload a JPEG, PNG, WebP or GIF image."})
            if width * height > AVATAR_MAX_PIXELS:
                raise ValidationError({field: "The image has too many pixels."})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
            image = ImageOps.fit(image, size)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({field: "This file is not an image we can read."}) from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _unique_slug(stage_name: str, *, exclude_id: int | None = None) -> str:
    base = slugify(stage_name)[:70] or "artist"
    taken = set(
        ArtistProfile.objects.filter(slug__startswith=base)
        .exclude(id=exclude_id)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply_profile_changes(profile: ArtistProfile, changes: dict[str, Any]) -> list[Genre] | None:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be changed."))
    for field in LINK_HOSTS:
        if field in changes:
            changes[field] = (changes[field] or "").strip()
            check_link(field, changes[field])
    if "stage_name" in changes:
        name = (changes["stage_name"] or "").strip()
        if not name:
            raise ValidationError({"stage_name": "A stage name is required."})
        changes["stage_name"] = name
    if "bio" in changes:
        changes["bio"] = sanitize_bio(changes["bio"] or "")
    if changes.get("home_area") is not None and not isinstance(changes["home_area"], Area):
        raise ValidationError({"home_area": "Choose an area from the list."})
    if changes.get("avatar"):
        changes["avatar"] = process_avatar(changes["avatar"])
    if changes.get("cover"):
        changes["cover"] = process_cover(changes["cover"])
    genres = changes.pop("genres", None)
    for field, value in changes.items():
        setattr(profile, field, value)
    return list(genres) if genres is not None else None


@transaction.atomic
def create_artist_profile(user: User, **fields: Any) -> ArtistProfile:
    """Give a user their one artist profile."""
    if ArtistProfile.objects.filter(user=user).exists():
        raise ValidationError({"non_field_errors": "You already have an artist profile."})
    profile = ArtistProfile(user=user)
    fields.setdefault("stage_name", "")
    genres = _apply_profile_changes(profile, fields)
    profile.slug = _unique_slug(profile.stage_name)
    profile.full_clean(exclude=["user", *IMAGE_FIELDS])
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:
        # Two requests raced for the same user or slug; the loser gets a clear answer.
        raise ValidationError({"non_field_errors": "You already have an artist profile."}) from exc
    if genres is not None:
        profile.genres.set(genres)
    return profile


@transaction.atomic
def update_artist_profile(profile: ArtistProfile, *, actor: User, **changes: Any) -> ArtistProfile:
    """Change a profile; only its owner may."""
    if profile.user_id != actor.id:
        raise PermissionDenied("Only the artist can edit this profile.")
    profile = ArtistProfile.objects.select_for_update().get(pk=profile.pk)
    old_files = {field: getattr(profile, field).name for field in IMAGE_FIELDS if getattr(profile, field)}
    genres = _apply_profile_changes(profile, changes)
    if "stage_name" in changes:
        profile.slug = _unique_slug(profile.stage_name, exclude_id=profile.id)
    profile.full_clean(exclude=["user", *IMAGE_FIELDS])
    profile.save()
    if genres is not None:
        profile.genres.set(genres)
    for field, old_name in old_files.items():
        if getattr(profile, field).name != old_name:
            storage = getattr(profile, field).storage
            transaction.on_commit(lambda storage=storage, old_name=old_name: storage.delete(old_name))
    return profile


@transaction.atomic
def update_account(
    user: User,
    *,
    actor: User,
    display_name: str | None = None,
    preferred_genres: Iterable[Genre] | None = None,
    radius_km: int | None = None,
) -> User:
    """Change a user's own name and preferences."""
    if user.id != actor.id:
        raise PermissionDenied("You can only change your own account.")
    if display_name is not None:
        user.display_name = display_name.strip()
    if radius_km is not None:
        user.radius_km = radius_km
    user.full_clean(exclude=["password", "email"])
    user.save(update_fields=["display_name", "radius_km"])
    if preferred_genres is not None:
        user.preferred_genres.set(list(preferred_genres))
    return user


@transaction.atomic
def follow_artist(artist: ArtistProfile, *, fan: User) -> Follow:
    """Follow an artist; following again changes nothing and notifies no one."""
    if artist.user_id == fan.id:
        raise ValidationError({"artist": "You cannot follow yourself."})
    follow, created = Follow.objects.get_or_create(fan=fan, artist=artist)
    if created:
        notify(
            artist.user,
            kind=NotificationKind.NEW_FOLLOWER,
            text=f"{fan.public_name} started following you.",
            url=artist.get_absolute_url(),
            actor=fan,
        )
    return follow


@transaction.atomic
def unfollow_artist(artist: ArtistProfile, *, fan: User) -> None:
    Follow.objects.filter(fan=fan, artist=artist).delete()


def notify(
    recipient: User,
    *,
    kind: str,
    text: str,
    url: str = "",
    actor: User | None = None,
    data: dict | None = None,
) -> Notification:
    """Store a notification and push it to the recipient's open pages and apps."""
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, text=text, url=url, actor=actor, data=data or {}
    )
    events.notification_created(notification)
    return notification


def mark_notifications_read(user: User, *, ids: Iterable[int] | None = None) -> int:
    """Mark a user's notifications read (all, or the given ones); returns how many changed."""
    unread = Notification.objects.for_user(user).unread()
    if ids is not None:
        unread = unread.filter(id__in=list(ids))
    count = unread.update(read_at=timezone.now())
    if count:
        events.notifications_read(user)
    return count


def set_hidden(artist: ArtistProfile, hidden: bool) -> ArtistProfile:
    """Hide a profile from every public place, or put it back.

    Curators decide through apps.moderation; the map's side is apps.performances'
    set_artist_hidden, which calls this.
    """
    artist.hidden = hidden
    artist.save(update_fields=["hidden"])
    return artist


def _sign_in_scopes(email: str, address: str) -> list[tuple[str, int]]:
    """The counters a failed sign-in adds to: account at address, and address alone."""
    # IPv6 clients usually hold a whole /64; counting single addresses would let them rotate.
    with contextlib.suppress(ValueError):
        ip = ipaddress.ip_address(address)
        if ip.version == 6:
            address = str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    pair = hashlib.sha256(f"{email.strip().lower()}|{address}".encode()).hexdigest()
    return [
        (f"signin:pair:{pair}", settings.SIGN_IN_FAILURES_PER_ACCOUNT),
        (f"signin:address:{address}", settings.SIGN_IN_FAILURES_PER_ADDRESS),
    ]


class SignInWait(Exception):  # noqa: N818 - a refusal, not a fault
    """This address must wait ``seconds`` before trying this account again."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass(frozen=True)
class SignInAttempt:
    """What start_sign_in_attempt counted, for sign_in_succeeded to take back."""

    email: str
    address: str
    # Per scope whose wait this attempt started: the end of the wait it replaced.
    started_waits: dict[str, float | None]


def _wait_left(key: str, now: float) -> int | None:
    until = cache.get(f"{key}:until")
    return math.ceil(until - now) if until is not None and until > now else None


def start_sign_in_attempt(email: str, address: str) -> SignInAttempt:
    """Count a sign-in as failed before its password is checked; raise SignInWait while a wait runs.

    Counting first, atomically, holds attempts sent at once to the free tries: past them,
    one attempt per wait claims the end of the last wait and starts the next, twice as long
    (2 s, 4 s, 8 s, ...) up to SIGN_IN_MAX_WAIT_SECONDS.
    """
    memory = settings.SIGN_IN_FAILURE_MEMORY_SECONDS
    now = time.time()
    scopes = _sign_in_scopes(email, address)
    untils = {key: cache.get(f"{key}:until") for key, _ in scopes}
    waits = [math.ceil(until - now) for until in untils.values() if until is not None and until > now]
    if waits:
        raise SignInWait(max(waits))
    counted: list[str] = []
    claims: dict[str, str] = {}
    try:
        for key, free in scopes:
            failures = increment(f"{key}:failures", timeout=memory)
            counted.append(key)
            cache.touch(f"{key}:failures", memory)
            if failures >= free:
                # Only the first attempt to see this wait over may try; the others lose the add.
                claim = f"{key}:claim:{untils[key]!r}"
                if not cache.add(claim, 1, timeout=memory):
                    raise SignInWait(_wait_left(key, now) or 1)
                claims[key] = claim
    except SignInWait:
        # A refused attempt is not a failure: the count stays what the tries that ran made it.
        for key in counted:
            increment(f"{key}:failures", -1, timeout=memory)
        cache.delete_many(list(claims.values()))
        raise
    for key in claims:
        started = increment(f"{key}:waits", timeout=memory)
        wait = min(2**started, settings.SIGN_IN_MAX_WAIT_SECONDS)
        # Kept as long as the failures, so a claim is always made against the wait's end.
        cache.set(f"{key}:until", now + wait, timeout=memory)
    return SignInAttempt(email=email, address=address, started_waits={key: untils[key] for key in claims})


def sign_in_succeeded(attempt: SignInAttempt) -> None:
    """The right password: this address may try this account freely again.

    The address's own count only loses this attempt, or one account of the attacker's would wipe it.
    """
    memory = settings.SIGN_IN_FAILURE_MEMORY_SECONDS
    (pair, _), (address_key, _) = _sign_in_scopes(attempt.email, attempt.address)
    cache.delete_many([f"{pair}:failures", f"{pair}:until", f"{pair}:waits", f"{pair}:claim:None"])
    increment(f"{address_key}:failures", -1, timeout=memory)
    if address_key in attempt.started_waits:
        previous = attempt.started_waits[address_key]
        increment(f"{address_key}:waits", -1, timeout=memory)
        cache.delete(f"{address_key}:claim:{previous!r}")
        if previous is None:
            cache.delete(f"{address_key}:until")
        else:
            cache.set(f"{address_key}:until", previous, timeout=memory)
