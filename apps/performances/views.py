from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.core.htmx import HtmxHttpRequest
from apps.core.visitors import visitor_key

from . import services
from .models import Like, Performance


@require_GET
def performance_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    performance = get_object_or_404(Performance.objects.with_related(), pk=pk)
    user = request.user if request.user.is_authenticated else None
    services.record_view(performance, visitor=visitor_key(request), user=user)
    next_stops = (
        Performance.objects.active()
        .of_artist(performance.artist)
        .exclude(pk=performance.pk)
        .with_related()
        .order_by("stops__starts_at")
        .distinct()[:3]
    )
    context = {
        "performance": performance,
        "stops": performance.stops.all(),
        "liked": user is not None and Like.objects.filter(user=user, performance=performance).exists(),
        "is_owner": user is not None and performance.artist.user_id == user.id,
        "next_performances": next_stops,
    }
    return render(request, "performances/performance_detail.html", context)
