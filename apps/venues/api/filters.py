import django_filters

from apps.core.api.filters import StrictChoiceFilter, StrictFilterSet

from ..models import Event, EventStatus


class EventFilter(StrictFilterSet):
    venue = django_filters.CharFilter(field_name="venue__slug", max_length=100, help_text="A venue slug.")
    status = StrictChoiceFilter(choices=EventStatus.choices)

    class Meta:
        model = Event
        fields = ["venue", "status"]
