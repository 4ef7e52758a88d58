from __future__ import annotations

import mimetypes
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST, require_safe

from apps.core import views as core
from apps.core.confirm import ask_first, is_confirmed
from apps.core.forms import add_service_errors
from apps.core.htmx import HtmxHttpRequest
from apps.core.ranges import ranged_file_response

from . import services
from .forms import UPLOAD_FORMS
from .models import Clip, MediaItem, MediaStatus, Story, Track

MODELS: dict[str, type[MediaItem]] = {"clip": Clip, "story": Story, "track": Track}
FOLDERS: dict[str, type[MediaItem]] = {model.FOLDER: model for model in MODELS.values()}


@require_safe
def serve_file(request: HtmxHttpRequest, path: str) -> HttpResponseBase:
    """Local media with range requests. A clip's, story's or track's files are served only
    while the item may be seen: never once hidden (but to curators) or expired."""
    folder, _, rest = path.partition("/")
    model = FOLDERS.get(folder)
    if model is None:
        return core.serve_media(request, path)
    public_id, _, _ = rest.partition("/")
    try:
        public_id = uuid.UUID(public_id)
    except ValueError as exc:
        raise Http404("No such file") from exc
    user = request.user
    item = model.objects.visible_to(user).servable_to(user).filter(public_id=public_id).first()
    if item is None or path not in {f.name for f in item.files()}:
        raise Http404("No such file")
    try:
        size = default_storage.size(path)
        modified = default_storage.get_modified_time(path).timestamp()
        handle = default_storage.open(path, "rb")
    except OSError as exc:
        raise Http404("No such file") from exc
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = ranged_file_response(
        request, handle, size=size, content_type=content_type, last_modified=modified
    )
    # Stories must stop at their expiry and hidden items at once: no shared caches.
    response["Cache-Control"] = "private, max-age=60"
    return response


def _artist_or_redirect(request: HtmxHttpRequest):  # noqa: ANN202
    artist = getattr(request.user, "artist_profile", None)
    if artist is None:
        messages.info(request, "Create your artist profile to upload clips, stories and tracks.")
    return artist


def _uploads(artist) -> dict:  # noqa: ANN001
    items = {
        "clips": list(Clip.objects.by_artist(artist).order_by("-created_at")[:50]),
        "stories": list(Story.objects.by_artist(artist).order_by("-created_at")),
        "tracks": list(Track.objects.by_artist(artist).select_related("genre").order_by("-created_at")[:50]),
    }
    items["processing"] = any(
        item.status == MediaStatus.PROCESSING for group in items.values() for item in group
    )
    return items


def _dashboard_context(request: HtmxHttpRequest, artist, forms: dict | None = None) -> dict:  # noqa: ANN001
    forms = forms or {}
    return {
        "artist": artist,
        "forms": {kind: forms.get(kind) or form(artist=artist) for kind, form in UPLOAD_FORMS.items()},
        "limits": {
            "video_mb": settings.MEDIA_VIDEO_MAX_BYTES // (1024 * 1024),
            "audio_mb": settings.MEDIA_AUDIO_MAX_BYTES // (1024 * 1024),
            "image_mb": settings.MEDIA_IMAGE_MAX_BYTES // (1024 * 1024),
        },
        **_uploads(artist),
    }


@require_GET
@login_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    artist = _artist_or_redirect(request)
    if artist is None:
        return redirect("artist-create")
    if request.htmx and request.GET.get("part") == "uploads":
        return render(request, "media/dashboard.html#uploads", _uploads(artist) | {"artist": artist})
    return render(request, "media/dashboard.html", _dashboard_context(request, artist))


@require_POST
@login_required
def upload(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    artist = _artist_or_redirect(request)
    if artist is None:
        return redirect("artist-create")
    if kind not in UPLOAD_FORMS:
        raise Http404("No such kind of upload")
    form = UPLOAD_FORMS[kind](request.POST, request.FILES, artist=artist)
    saved = False
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["upload"] = data.pop("file")
        try:
            services.UPLOADERS[kind](artist, actor=request.user, **data)
            saved = True
        except ValidationError as exc:
            add_service_errors(form, exc)
    if request.htmx:
        forms = {} if saved else {kind: form}
        context = _dashboard_context(request, artist, forms) | {"kind": kind, "saved": saved}
        context["form"] = context["forms"][kind]
        return render(request, "media/dashboard.html#upload-result", context)
    if saved:
        messages.success(request, "Uploaded. It is being processed; it appears on your page when ready.")
        return redirect("media-dashboard")
    return render(
        request, "media/dashboard.html", _dashboard_context(request, artist, {kind: form}), status=400
    )


def _item_for_owner(request: HtmxHttpRequest, kind: str, item_id: int) -> MediaItem:
    model = MODELS.get(kind)
    if model is None:
        raise Http404("No such kind of media")
    # Someone else's item is "not found", not "forbidden": ids say nothing.
    return get_object_or_404(model.objects.owned_by(request.user), pk=item_id)


@require_POST
@login_required
def delete(request: HtmxHttpRequest, kind: str, item_id: int) -> HttpResponse:
    item = _item_for_owner(request, kind, item_id)
    if not is_confirmed(request):
        name = getattr(item, "title", "") or f"this {item.kind_name}"
        return ask_first(
            request,
            question=f"Delete “{name}”?" if getattr(item, "title", "") else f"Delete {name}?",
            detail="It is removed from your page and its files are deleted for good.",
            button="Delete",
            cancel_url=reverse("media-dashboard"),
        )
    services.delete_item(item, actor=request.user)
    messages.success(request, "Deleted.")
    if request.htmx:
        artist = request.user.artist_profile
        return render(request, "media/dashboard.html#uploads", _uploads(artist) | {"artist": artist})
    return redirect("media-dashboard")
