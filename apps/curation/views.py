from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.core.htmx import HtmxHttpRequest, template_for

from . import services
from .models import Collection

PAGE_SIZE = 12


@require_GET
def collection_list(request: HtmxHttpRequest) -> HttpResponse:
    page = Paginator(services.published_collections(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template_for(request, "curation/collection_list.html", "results"), {"page": page})


@require_GET
def collection_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    collection = get_object_or_404(
        Collection.objects.select_related("curator").prefetch_related("areas", "genres"), slug=slug
    )
    public = services.is_public(collection)
    # Drafts and collections outside their window exist only for curators, as a preview.
    if not public and not services.can_curate(request.user):
        raise Http404("No such collection.")
    context = {
        "collection": collection,
        "items": services.items_for(collection, request.user),
        "preview": not public,
    }
    return render(request, "curation/collection_detail.html", context)
