"""View decorators for pages that belong to an artist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import ArtistProfile

ArtistView = Callable[..., HttpResponse]


def artist_required(why: str) -> Callable[[ArtistView], Callable[..., HttpResponse]]:
    """The view gets the signed-in user's artist profile after the request; anyone without one
    is sent to make one, told ``why``."""

    def decorator(view: ArtistView) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            artist = ArtistProfile.objects.filter(user=request.user).first()
            if artist is None:
                messages.info(request, why)
                return redirect("artist-create")
            return view(request, artist, *args, **kwargs)

        return wrapper

    return decorator
