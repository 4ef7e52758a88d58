from __future__ import annotations

import csv
from datetime import date, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.decorators import artist_required
from apps.accounts.models import ArtistProfile
from apps.core.htmx import HtmxHttpRequest
from apps.tips.money import format_money

from .models import ArtistDay
from .stats import ARTIST_COUNTS, artist_stats, artist_totals, site_today

SPANS = (30, 90)
LABELS = {
    "views": "Views",
    "unique_viewers": "Unique viewers",
    "likes": "Likes",
    "plays": "Plays",
    "votes": "Votes",
    "tips": "Tips",
    "tips_amount": "Tips received",
    "new_followers": "New followers",
}
CSV_COUNTS = ("views", "unique_viewers", "likes", "plays", "votes", "tips")
# One chart per group: series in a group share a scale (a count of tips and euros do not).
CHARTS = (
    ("views", "Views and unique viewers", ("views", "unique_viewers")),
    ("engagement", "Likes, plays and votes", ("likes", "plays", "votes")),
    ("tips", "Tips", ("tips",)),
    ("tips-amount", "Tips received (€)", ("tips_amount",)),
    ("followers", "New followers", ("new_followers",)),
)


def _span(request: HtmxHttpRequest) -> tuple[date, date, int]:
    value = request.GET.get("days", "").strip() or str(SPANS[0])
    if value not in {str(n) for n in SPANS}:
        raise ValueError(f"Stats cover the last {' or '.join(map(str, SPANS))} days, not “{value[:20]}”.")
    days = int(value)
    end = site_today()
    return end - timedelta(days=days - 1), end, days


def _chart_data(days: list[ArtistDay]) -> dict:
    series = {name: [getattr(day, name) for day in days] for name in ARTIST_COUNTS}
    # Charts draw euros; amounts stay integer cents everywhere else.
    series["tips_amount"] = [cents / 100 for cents in series["tips_amount"]]
    return {
        "dates": [day.date.isoformat() for day in days],
        "series": series,
        "labels": LABELS,
        "charts": [{"id": key, "title": title, "series": list(names)} for key, title, names in CHARTS],
    }


SEE_STATS = "Create your artist profile to see who watches, listens and votes."


@require_GET
@artist_required(SEE_STATS)
def stats(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    try:
        start, end, span = _span(request)
    except ValueError as exc:
        context = {"artist": artist, "span_error": str(exc), "spans": SPANS}
        return render(request, "curation/stats.html", context, status=400)
    days = artist_stats(artist, start, end)
    context = {
        "artist": artist,
        "days": days,
        "rows": list(reversed(days)),
        "totals": artist_totals(artist, days),
        "chart_data": _chart_data(days),
        "charts": CHARTS,
        "start": start,
        "end": end,
        "span": span,
        "spans": SPANS,
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "curation/stats.html", context)


@require_GET
@artist_required(SEE_STATS)
def stats_csv(request: HtmxHttpRequest, artist: ArtistProfile) -> HttpResponse:
    try:
        start, end, _span_days = _span(request)
    except ValueError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="encore-stats-{artist.slug}-{start}-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", *CSV_COUNTS, "tips_amount_minor", "tips_amount", "new_followers"])
    # Every cell is a date or a number the site computed, never someone's text, so no cell
    # can start a spreadsheet formula.
    for day in artist_stats(artist, start, end):
        writer.writerow(
            [
                day.date.isoformat(),
                *(getattr(day, name) for name in CSV_COUNTS),
                day.tips_amount,
                format_money(day.tips_amount),
                day.new_followers,
            ]
        )
    return response
