import django_filters

from apps.core.api.filters import StrictFilterSet

from ..models import ArtistProfile


class ArtistFilter(StrictFilterSet):
    genre = django_filters.CharFilter(method="filter_genre", help_text="A genre slug.")
    area = django_filters.CharFilter(method="filter_area", help_text="An area slug.")
    q = django_filters.CharFilter(method="filter_q", max_length=100, help_text="Search text.")

    class Meta:
        model = ArtistProfile
        fields = ["genre", "area", "q"]

    def filter_genre(self, queryset, name, value):  # noqa: ANN001, ANN201
        return queryset.in_genre(value)

    def filter_area(self, queryset, name, value):  # noqa: ANN001, ANN201
        return queryset.in_area(value)

    def filter_q(self, queryset, name, value):  # noqa: ANN001, ANN201
        return queryset.search(value)
