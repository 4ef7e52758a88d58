import django_filters
from django.db.models import Q

from apps.core.api.filters import StrictBooleanFilter, StrictFilterSet, StrictIntegerFilter


class MediaFilter(StrictFilterSet):
    artist = django_filters.CharFilter(field_name="artist__slug", help_text="An artist slug.")
    mine = StrictBooleanFilter(method="filter_mine", help_text="Only my uploads, in any state.")

    def filter_mine(self, queryset, name, value):  # noqa: ANN001, ANN201
        return queryset.owned_by(self.request.user) if value else queryset


class PerformanceMediaFilter(MediaFilter):
    performance = StrictIntegerFilter(field_name="performance_id", help_text="A performance id.")


class TrackFilter(MediaFilter):
    q = django_filters.CharFilter(method="filter_q", max_length=100, help_text="Search titles and artists.")
    genre = django_filters.CharFilter(field_name="genre__slug", help_text="A genre slug.")
    area = django_filters.CharFilter(field_name="area__slug", help_text="An area slug.")

    def filter_q(self, queryset, name, value):  # noqa: ANN001, ANN201
        return queryset.filter(Q(title__icontains=value) | Q(artist__stage_name__icontains=value))
