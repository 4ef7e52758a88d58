"""Media rules: uploads checked by content, processing, plays, and hiding."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ArtistProfile, NotificationKind, User
from apps.accounts.services import notify
from apps.core import background
from apps.core.errors import Conflict
from apps.performances.models import Performance
from apps.places.models import Area, Genre

from . import direct_uploads, processing
from .models import Clip, MediaItem, MediaStatus, Play, Story, Track
from .probe import MediaKind, Probe, RejectedUpload, inspect_file

logger = structlog.get_logger(__name__)

TITLE_MAX = 100
NOTE_MAX = 500
REASON_MAX = 300
UNREADABLE = "We could not process this file. Try exporting it again, or another format."


@dataclass(frozen=True)
class UploadRule:
    """What one kind of item accepts."""

    model: type[MediaItem]
    accept: frozenset[MediaKind]
    max_seconds: int
    noun: str

    def max_bytes(self, kind: MediaKind | None = None) -> int:
        limits = {
            MediaKind.VIDEO: settings.MEDIA_VIDEO_MAX_BYTES,
            MediaKind.AUDIO: settings.MEDIA_AUDIO_MAX_BYTES,
            MediaKind.IMAGE: settings.MEDIA_IMAGE_MAX_BYTES,
        }
        if kind is not None:
            return limits[kind]
        return max(limits[k] for k in self.accept)


def rules() -> dict[str, UploadRule]:
    return {
        "clip": UploadRule(Clip, frozenset({MediaKind.VIDEO}), settings.CLIP_MAX_SECONDS, "clip"),
        "story": UploadRule(
            Story, frozenset({MediaKind.VIDEO, MediaKind.IMAGE}), settings.STORY_MAX_SECONDS, "story"
        ),
        "track": UploadRule(Track, frozenset({MediaKind.AUDIO}), settings.TRACK_MAX_SECONDS, "track"),
    }


def rule_for(item: MediaItem | type[MediaItem]) -> UploadRule:
    return rules()[item._meta.model_name]


# --- uploads ------------------------------------------------------------------------------


def _check_owner(artist: ArtistProfile, actor: User | None) -> None:
    if actor is None or artist.user_id != actor.id:
        raise PermissionDenied("Only the artist can change their media.")


@contextmanager
def _local_upload(
    upload: Any = None, direct_key: str = "", *, owner: User | None = None, max_bytes: int
) -> Iterator[Path]:
    """A local path holding the uploaded bytes, from a form/multipart file or a direct upload."""
    if direct_key:
        try:
            path = direct_uploads.fetch_direct_upload(direct_key, owner_id=owner.id, max_bytes=max_bytes)
        except direct_uploads.DirectUploadError as exc:
            raise ValidationError({"upload": exc.message}) from exc
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)
            # The object was only a staging copy: what is kept is stored under the item.
            direct_uploads.discard_direct_upload(direct_key)
        return
    if upload is None:
        raise ValidationError({"file": "Choose a file to upload."})
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError({"file": f"The file is larger than {max_bytes // (1024 * 1024)} MB."})
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(prefix=direct_uploads.COPY_PREFIX, suffix=".upload") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        yield Path(handle.name)


def _inspect(path: Path, rule: UploadRule, field: str) -> Probe:
    try:
        probe = inspect_file(
            path, accept=rule.accept, max_bytes=rule.max_bytes(), max_seconds=rule.max_seconds
        )
        limit = rule.max_bytes(probe.kind)
        if path.stat().st_size > limit:
            raise RejectedUpload(f"The file is larger than {limit // (1024 * 1024)} MB.")
    except RejectedUpload as exc:
        raise ValidationError({field: exc.message}) from exc
    return probe


def _inspect_artwork(upload: Any) -> Path:
    """A metadata-free JPEG of an uploaded cover image, in a temporary file."""
    image_rule = UploadRule(Track, frozenset({MediaKind.IMAGE}), 0, "artwork")
    with _local_upload(upload, max_bytes=settings.MEDIA_IMAGE_MAX_BYTES) as path:
        _inspect(path, image_rule, "artwork")
        out = Path(tempfile.mkstemp(suffix=".jpg")[1])
        try:
            processing.clean_image(path, out)
        except processing.ProcessingError as exc:
            out.unlink(missing_ok=True)
            raise ValidationError({"artwork": exc.message}) from exc
    return out


def _store(item: MediaItem, field: str, name: str, path: Path) -> None:
    with path.open("rb") as handle:
        getattr(item, field).save(name, File(handle), save=False)


def _delete_files_later(names: list[str]) -> None:
    """Remove stored files once the transaction commits (a rollback keeps them)."""

    def delete() -> None:
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("media_file_not_deleted", name=name)

    transaction.on_commit(delete)


def _create_item(
    rule: UploadRule,
    artist: ArtistProfile,
    *,
    actor: User,
    upload: Any,
    direct_key: str,
    fields: dict[str, Any],
    artwork: Path | None = None,
) -> MediaItem:
    file_field = "upload" if direct_key else "file"
    with _local_upload(upload, direct_key, owner=actor, max_bytes=rule.max_bytes()) as path:
        probe = _inspect(path, rule, file_field)
        item = rule.model(
            artist=artist,
            kind=probe.kind.value,
            container=probe.container,
            mime_type=probe.mime_type,
            duration=probe.duration,
            width=probe.width,
            height=probe.height,
            size_bytes=path.stat().st_size,
            **fields,
        )
        stored: list[str] = []
        try:
            with transaction.atomic():
                if probe.kind == MediaKind.IMAGE:
                    # Images are re-encoded before anything is stored: EXIF (and GPS) never lands.
                    clean = Path(tempfile.mkstemp(suffix=".jpg")[1])
                    try:
                        item.width, item.height = processing.clean_image(path, clean)
                        item.container, item.mime_type = "jpeg", "image/jpeg"
                        item.size_bytes = clean.stat().st_size
                        _store(item, "source", "source.jpg", clean)
                    finally:
                        clean.unlink(missing_ok=True)
                else:
                    _store(item, "source", f"source{probe.extension}", path)
                stored.append(item.source.name)
                if artwork is not None:
                    _store(item, "artwork", "artwork.jpg", artwork)
                    stored.append(item.artwork.name)
                item.save()
                kind = item.kind_name
                transaction.on_commit(lambda: _enqueue_processing(kind, item.pk))
        except BaseException:
            # Nothing of a refused or failed upload stays behind: no row, and no file.
            for name in stored:
                default_storage.delete(name)
            raise
        finally:
            if artwork is not None:
                artwork.unlink(missing_ok=True)
    return item


def _enqueue_processing(kind: str, item_id: int) -> None:
    from .tasks import process_media

    background.start(process_media, kind, item_id)


def _text(value: str, field: str, *, required: bool = False, limit: int = TITLE_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "This field is required."})
    if len(value) > limit:
        raise ValidationError({field: f"Use at most {limit} characters."})
    return value


def _own_performance(artist: ArtistProfile, performance: Performance | None) -> Performance | None:
    if performance is not None and performance.artist_id != artist.pk:
        raise ValidationError({"performance": "Choose one of your own performances."})
    return performance


def upload_clip(
    artist: ArtistProfile,
    *,
    actor: User,
    upload: Any = None,
    direct_key: str = "",
    title: str = "",
    performance: Performance | None = None,
) -> Clip:
    """Check an uploaded video and store it as a clip that is processed in the background."""
    _check_owner(artist, actor)
    fields = {
        "title": _text(title, "title"),
        "performance": _own_performance(artist, performance),
    }
    return _create_item(
        rules()["clip"], artist, actor=actor, upload=upload, direct_key=direct_key, fields=fields
    )


def upload_story(
    artist: ArtistProfile,
    *,
    actor: User,
    upload: Any = None,
    direct_key: str = "",
    performance: Performance | None = None,
) -> Story:
    """Post a video (up to 60 s) or an image that expires 24 hours from now."""
    _check_owner(artist, actor)
    now = timezone.now()
    fields = {
        "performance": _own_performance(artist, performance),
        "created_at": now,
        "expires_at": now + timedelta(hours=settings.STORY_LIFETIME_HOURS),
    }
    return _create_item(
        rules()["story"], artist, actor=actor, upload=upload, direct_key=direct_key, fields=fields
    )


def upload_track(
    artist: ArtistProfile,
    *,
    actor: User,
    upload: Any = None,
    direct_key: str = "",
    title: str = "",
    genre: Genre | None = None,
    area: Area | None = None,
    artwork: Any = None,
) -> Track:
    """Add a recording to the local catalog; artwork, if given, is checked and cleaned too."""
    _check_owner(artist, actor)
    fields = {"title": _text(title, "title", required=True), "genre": genre, "area": area}
    artwork_path = _inspect_artwork(artwork) if artwork else None
    return _create_item(
        rules()["track"],
        artist,
        actor=actor,
        upload=upload,
        direct_key=direct_key,
        fields=fields,
        artwork=artwork_path,
    )


# Each kind of upload's service, by the name the URLs and forms use.
UPLOADERS = {"clip": upload_clip, "story": upload_story, "track": upload_track}


def start_direct_upload(artist: ArtistProfile, *, actor: User, kind: str) -> dict[str, Any]:
    """A presigned POST so an app can send a big file straight to storage, then confirm it."""
    _check_owner(artist, actor)
    if kind not in rules():
        raise ValidationError({"kind": "Choose clip, story or track."})
    if not direct_uploads.direct_uploads_enabled():
        raise Conflict(
            "Direct uploads need S3 storage; send the file in the request instead.",
            code="direct_uploads_unavailable",
            field="kind",
        )
    return direct_uploads.start_direct_upload(owner_id=actor.id, max_bytes=rules()[kind].max_bytes())


@transaction.atomic
def update_item(item: MediaItem, *, actor: User, **changes: Any) -> MediaItem:
    """Change a clip's or track's details (title, genre, area); the file stays as it is."""
    _check_owner(item.artist, actor)
    allowed = {"clip": {"title"}, "story": set(), "track": {"title", "genre", "area"}}[item.kind_name]
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This cannot be changed."})
    if "title" in changes:
        changes["title"] = _text(changes["title"], "title", required=isinstance(item, Track))
    for name, value in changes.items():
        setattr(item, name, value)
    if changes:
        item.save(update_fields=list(changes))
    return item


@transaction.atomic
def delete_item(item: MediaItem, *, actor: User) -> None:
    """The artist removes an item: its row now, its files once that commits."""
    _check_owner(item.artist, actor)
    _delete_files_later([f.name for f in item.files()])
    item.delete()


# --- processing -------------------------------------------------------------------------


@contextmanager
def _readable_copy(field_file: Any) -> Iterator[Path]:
    """A local path for a stored file: the file itself on disk, a temporary copy from S3."""
    try:
        yield Path(field_file.path)
        return
    except NotImplementedError:
        pass
    suffix = Path(field_file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        with field_file.open("rb") as stored:
            shutil.copyfileobj(stored, handle, length=1024 * 1024)
        handle.flush()
        yield Path(handle.name)


def _render_outputs(item: MediaItem, workdir: Path) -> tuple[Probe, dict[str, Path]]:
    """Make the poster, thumbnail and web variant an item needs, as files in ``workdir``."""
    rule = rule_for(item)
    outputs: dict[str, Path] = {}
    with _readable_copy(item.source) as source:
        # Trust nothing stored: the file is checked again where it is processed.
        probe = inspect_file(
            source, accept=rule.accept, max_bytes=rule.max_bytes(), max_seconds=rule.max_seconds
        )
        if probe.kind == MediaKind.VIDEO:
            outputs["poster"] = workdir / "poster.jpg"
            processing.make_poster(source, outputs["poster"], duration=probe.duration)
            if not processing.is_web_ready(probe):
                outputs["web_file"] = workdir / "web.mp4"
                processing.transcode_video(source, outputs["web_file"])
        elif probe.kind == MediaKind.AUDIO:
            if not processing.is_web_ready(probe):
                outputs["web_file"] = workdir / "web.m4a"
                processing.transcode_audio(source, outputs["web_file"])
        else:
            outputs["poster"] = workdir / "poster.jpg"
            processing.make_thumbnail(source, outputs["poster"], box=(1280, 1280))
    cover = outputs.get("poster")
    if cover is None and isinstance(item, Track) and item.artwork:
        with _readable_copy(item.artwork) as artwork:
            outputs["thumbnail"] = workdir / "thumb.jpg"
            processing.make_thumbnail(artwork, outputs["thumbnail"])
    elif cover is not None:
        outputs["thumbnail"] = workdir / "thumb.jpg"
        processing.make_thumbnail(cover, outputs["thumbnail"])
    return probe, outputs


def process_item(item: MediaItem) -> MediaItem:
    """Probe, poster, thumbnail and web variant, then ready (or failed with a reason).

    Safe to run twice, even at once: outputs are kept only by the run that finds the item
    still processing, under a lock, and their names are fixed per item.
    """
    if item.status != MediaStatus.PROCESSING:
        return item
    model = type(item)
    with tempfile.TemporaryDirectory(prefix=WORK_FOLDER_PREFIX) as workdir:
        try:
            probe, outputs = _render_outputs(item, Path(workdir))
        except (RejectedUpload, processing.ProcessingError) as exc:
            return mark_failed(item, exc.message)
        except Exception:
            logger.exception("media_processing_failed", kind=item.kind_name, item_id=item.pk)
            return mark_failed(item, UNREADABLE)
        with transaction.atomic():
            locked = model._base_manager.select_for_update().filter(pk=item.pk).first()
            if locked is None or locked.status != MediaStatus.PROCESSING:
                return locked or item
            for field, path in outputs.items():
                final = locked._meta.get_field(field).generate_filename(locked, path.name)
                # A run that died after storing but before committing left this name behind.
                if default_storage.exists(final):
                    default_storage.delete(final)
                _store(locked, field, path.name, path)
            if "web_file" not in outputs:
                locked.web_file.name = locked.source.name
            locked.duration = probe.duration
            locked.width = probe.width if probe.kind != MediaKind.AUDIO else None
            locked.height = probe.height if probe.kind != MediaKind.AUDIO else None
            locked.status = MediaStatus.READY
            locked.failure_reason = ""
            locked.processed_at = timezone.now()
            locked.save()
            _tell_uploader_processed(locked)
    return locked


@transaction.atomic
def mark_failed(item: MediaItem, reason: str) -> MediaItem:
    """The item could not be processed: the uploader sees why, and nobody else sees it."""
    updated = (
        type(item)
        ._base_manager.filter(pk=item.pk, status=MediaStatus.PROCESSING)
        .update(status=MediaStatus.FAILED, failure_reason=reason[:REASON_MAX], processed_at=timezone.now())
    )
    if updated:
        item.refresh_from_db()
        _tell_uploader_processed(item)
    return item


STOPPED = "Processing this file kept stopping before it finished. Try a shorter or smaller file."
# The work folders of processing runs (process_item), in the system's temporary folder.
WORK_FOLDER_PREFIX = "encore-media-"


def start_processing_attempt(item: MediaItem) -> None:
    """A run of the processing starts: counted and timed, so a run that dies is found."""
    type(item)._base_manager.filter(pk=item.pk, status=MediaStatus.PROCESSING).update(
        processing_attempts=F("processing_attempts") + 1, processing_started_at=timezone.now()
    )
    item.refresh_from_db(fields=["processing_attempts", "processing_started_at"])


def requeue_stuck_media(now: datetime | None = None) -> int:
    """Items whose processing stopped part-way (a killed worker) go to processing again, or,
    after their last try, fail with a reason their uploader is told; the work folders the
    dead runs left are removed. Returns how many items were sent again or failed."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.MEDIA_STUCK_AFTER_MINUTES)
    handled = 0
    for model in (Clip, Story, Track):
        for item in model.objects.stuck_in_processing(cutoff).select_related("artist__user"):
            if item.processing_attempts >= settings.MEDIA_PROCESSING_ATTEMPTS:
                mark_failed(item, STOPPED)
            else:
                logger.warning("media_processing_requeued", kind=item.kind_name, item_id=item.pk)
                _enqueue_processing(item.kind_name, item.pk)
            handled += 1
    _remove_dead_work_folders(cutoff)
    return handled


def _remove_dead_work_folders(cutoff: datetime) -> None:
    # A killed run cannot clean up after itself; a live one touched its folder more recently.
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_FOLDER_PREFIX}*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff.timestamp():
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def remove_abandoned_uploads(now: datetime | None = None) -> int:
    """Direct uploads staged but never confirmed, and the local copies of uploads a killed
    process left, are deleted once older than their window (a staged upload has no row: only
    its confirmation creates one). Returns how many objects and copies were removed."""
    cutoff = (now or timezone.now()) - timedelta(hours=direct_uploads.STAGED_UPLOAD_HOURS)
    removed = direct_uploads.remove_copies_before(cutoff)
    if direct_uploads.direct_uploads_enabled():
        removed += direct_uploads.remove_staged_before(cutoff)
    if removed:
        logger.info("abandoned_uploads_removed", count=removed)
    return removed


def _dashboard_url() -> str:
    return reverse("media-dashboard")


def _tell_uploader_processed(item: MediaItem) -> None:
    noun = rule_for(item).noun
    title = getattr(item, "title", "")
    label = f"{noun} “{title}”" if title else noun
    if item.status == MediaStatus.READY:
        kind, text = NotificationKind.MEDIA_READY, f"Your {label} is ready."
    else:
        kind, text = (
            NotificationKind.MEDIA_FAILED,
            f"Your {label} could not be processed: {item.failure_reason}",
        )
    notify(
        item.artist.user,
        kind=kind,
        text=text[:200],
        url=_dashboard_url(),
        data={"item": noun, "id": item.pk, "status": item.status},
    )


# --- stories --------------------------------------------------------------------------------


def delete_expired_stories(*, now: datetime | None = None) -> int:
    """Delete stories past their 24 hours, rows and files; running it again finds nothing."""
    now = now or timezone.now()
    deleted = 0
    for story in Story.everything.filter(expires_at__lte=now).iterator():
        with transaction.atomic():
            _delete_files_later([f.name for f in story.files()])
            story.delete()
        deleted += 1
    return deleted


# --- plays ----------------------------------------------------------------------------------


def play_threshold(track: Track) -> float:
    """Seconds of listening after which a play counts (a short track counts near its end)."""
    counts_after = float(settings.PLAY_COUNTS_AFTER_SECONDS)
    if track.duration:
        return min(counts_after, max(track.duration - 1.0, 1.0))
    return counts_after


def record_play(track: Track, *, listener: str, user: User | None, listened_seconds: float) -> Play | None:
    """Count a play once the listener passed the counting point, once per listener per window.

    Returns the new play, or None when this listener's play was already counted recently.
    """
    threshold = play_threshold(track)
    if listened_seconds < threshold:
        raise ValidationError(
            {"listened_seconds": f"A play counts after {threshold:g} seconds of listening."}
        )
    window = timedelta(seconds=settings.PLAY_REPEAT_WINDOW_SECONDS)
    with transaction.atomic():
        # The track's row lock makes two tabs reporting the same play at once count it once.
        Track.objects.select_for_update().filter(pk=track.pk).values_list("pk").first()
        if Play.objects.recent(track, listener, window).exists():
            return None
        play = Play.objects.create(track=track, listener=listener, user=user)
        Track.objects.filter(pk=track.pk).update(play_count=F("play_count") + 1)
    return play


# --- hiding -----------------------------------------------------------------------------------


def set_hidden(item: MediaItem, hidden: bool, *, reason: str = "") -> MediaItem:
    """Hide an item from every public place (keeping why on the item), or put it back.

    Curators decide through apps.moderation, which records the decision and tells the uploader.
    """
    if hidden:
        reason = _text(reason, "reason", required=True, limit=REASON_MAX)
        item.hidden, item.hidden_reason, item.hidden_at = True, reason, timezone.now()
    else:
        item.hidden, item.hidden_reason, item.hidden_at = False, "", None
    item.save(update_fields=["hidden", "hidden_reason", "hidden_at"])
    return item
