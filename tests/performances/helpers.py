from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone


def stop(
    start: datetime, minutes: int = 60, lat: float = 38.7139, lng: float = -9.1394, place: str = "Rossio"
) -> dict:
    return {
        "lat": lat,
        "lng": lng,
        "place_name": place,
        "starts_at": start,
        "ends_at": start + timedelta(minutes=minutes),
    }


def route(*starts_in_minutes: int, minutes: int = 60) -> list[dict]:
    now = timezone.now()
    return [
        stop(now + timedelta(minutes=m), minutes, place=f"Stop {i}")
        for i, m in enumerate(starts_in_minutes, 1)
    ]


def plan(artist, *starts_in_minutes: int, title: str = "Set"):  # noqa: ANN001, ANN201
    """A scheduled performance of one-hour stops starting the given minutes from now."""
    from apps.performances import services

    return services.create_performance(
        artist, actor=artist.user, title=title, stops=route(*starts_in_minutes)
    )
