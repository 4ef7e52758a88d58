import django_filters

from apps.core.api.filters import StrictChoiceFilter, StrictFilterSet

from ..models import Performance, PerformanceStatus


class PerformanceFilter(StrictFilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, help_text="Search text.")
    genre = django_filters.CharFilter(field_name="genre__slug", help_text="A genre slug.")
    area = django_filters.CharFilter(method="filter_area", help_text="An area slug.")
    artist = django_filters.CharFilter(field_name="artist__slug", help_text="An artist slug.")
    status = StrictChoiceFilter(choices=PerformanceStatus.choices)

    class Meta:
        model = Performance
        fields = ["q", "genre", "area", "artist", "status"]

    def filter_q(self, queryset, name, value):  # noqa: ANN001, ANN201
        return queryset.search(value)

    def filter_area(self, queryset, name, value):  # noqa: ANN001, ANN201
        return queryset.filter(stops__area__slug=value).distinct()
