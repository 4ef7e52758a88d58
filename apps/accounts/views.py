from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.forms import add_service_errors
from apps.core.htmx import HtmxHttpRequest, template_for
from apps.places.models import Area, Genre

from . import services
from .forms import AccountSettingsForm, ArtistProfileForm
from .models import ArtistProfile, Follow, Notification


def _field_errors(request: HtmxHttpRequest, form) -> HttpResponse | None:  # noqa: ANN001
    """Answer an inline-validation request with the one field's errors."""
    name = request.POST.get("_validate")
    if not (request.htmx and name in form.fields):
        return None
    form.is_valid()
    return render(request, "components/field_errors.html", {"field": form[name]})


def _save_or_errors(form, save) -> bool:  # noqa: ANN001
    """Run a service with the form's data; its ValidationErrors become form errors."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


@require_GET
def artist_list(request: HtmxHttpRequest) -> HttpResponse:
    artists = ArtistProfile.objects.public().for_listing()
    genre, area, q = (request.GET.get(k, "").strip() for k in ("genre", "area", "q"))
    if genre:
        artists = artists.in_genre(genre)
    if area:
        artists = artists.in_area(area)
    if q:
        artists = artists.search(q)
    page = Paginator(artists, 24).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "genres": Genre.objects.all(),
        "areas": Area.objects.all(),
        "filters": {"genre": genre, "area": area, "q": q},
    }
    return render(request, template_for(request, "accounts/artist_list.html", "results"), context)


def _follow_context(request: HtmxHttpRequest, artist: ArtistProfile) -> dict:
    user = request.user
    return {
        "artist": artist,
        "following": user.is_authenticated and Follow.objects.filter(fan=user, artist=artist).exists(),
        "follower_count": artist.followers.count(),
        "is_owner": user.is_authenticated and artist.user_id == user.id,
    }


@require_GET
def artist_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    artist = get_object_or_404(
        ArtistProfile.objects.visible_to(request.user).select_related("home_area").prefetch_related("genres"),
        slug=slug,
    )
    context = _follow_context(request, artist)
    return render(request, "accounts/artist_detail.html", context)


@require_POST
@login_required
def artist_follow(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    artist = get_object_or_404(ArtistProfile.objects.visible_to(request.user), slug=slug)
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow_artist(artist, fan=request.user)
        else:
            services.follow_artist(artist, fan=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.htmx:
        return render(request, "accounts/artist_detail.html#follow", _follow_context(request, artist))
    return redirect(artist)


@require_http_methods(["GET", "POST"])
@login_required
def artist_create(request: HtmxHttpRequest) -> HttpResponse:
    if hasattr(request.user, "artist_profile"):
        return redirect("artist-edit")
    form = ArtistProfileForm(request.POST or None, request.FILES or None)
    form.enable_inline_validation(request.path)
    if request.method == "POST":
        if partial := _field_errors(request, form):
            return partial
        if _save_or_errors(form, lambda: services.create_artist_profile(request.user, **form.changes())):
            messages.success(request, "Your artist profile is live.")
            return redirect(request.user.artist_profile)
    return render(request, "accounts/artist_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@login_required
def artist_edit(request: HtmxHttpRequest) -> HttpResponse:
    profile = ArtistProfile.objects.filter(user=request.user).first()
    if profile is None:
        return redirect("artist-create")
    form = ArtistProfileForm(request.POST or None, request.FILES or None, instance=profile)
    form.enable_inline_validation(request.path)
    if request.method == "POST":
        if partial := _field_errors(request, form):
            return partial
        # The form's instance is edited in memory by validation; the service starts fresh.
        fresh = ArtistProfile.objects.get(pk=profile.pk)
        if _save_or_errors(
            form,
            lambda: services.update_artist_profile(fresh, actor=request.user, **form.changes()),
        ):
            messages.success(request, "Profile saved.")
            return redirect(reverse("artist-detail", kwargs={"slug": fresh.slug}))
    return render(request, "accounts/artist_form.html", {"form": form, "creating": False})


@require_http_methods(["GET", "POST"])
@login_required
def account_settings(request: HtmxHttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    form.enable_inline_validation(request.path)
    if request.method == "POST":
        if partial := _field_errors(request, form):
            return partial
        if _save_or_errors(
            form,
            lambda: services.update_account(
                request.user,
                actor=request.user,
                display_name=form.cleaned_data["display_name"],
                preferred_genres=form.cleaned_data["preferred_genres"],
                radius_km=form.cleaned_data["radius_km"],
            ),
        ):
            messages.success(request, "Settings saved.")
            return redirect("account-settings")
    return render(request, "accounts/settings.html", {"form": form})


@require_GET
@login_required
def notification_list(request: HtmxHttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@require_POST
@login_required
def notifications_read(request: HtmxHttpRequest) -> HttpResponse:
    services.mark_notifications_read(request.user)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("notification-list")
