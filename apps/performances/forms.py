from __future__ import annotations

from django import forms
from django.conf import settings
from django.forms import BaseFormSet, formset_factory

from apps.core.forms import InlineValidationMixin
from apps.places.models import Area, Genre

from .models import Performance
from .services import MAX_STOPS

WHEN_CHOICES = [("now", "Playing now"), ("today", "Today"), ("upcoming", "Coming up")]


class MapFilterForm(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    radius_km = forms.IntegerField(
        min_value=1, max_value=settings.MAX_RADIUS_KM, required=False, label="Within (km)"
    )
    when = forms.ChoiceField(choices=WHEN_CHOICES, required=False, label="When")
    genre = forms.ModelChoiceField(
        queryset=Genre.objects.all(), to_field_name="slug", required=False, empty_label="Any genre"
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.all(), to_field_name="slug", required=False, empty_label="Anywhere"
    )

    def query_values(self, default_radius: int) -> dict:
        data = self.cleaned_data
        return {
            "lat": data.get("lat") if data.get("lat") is not None else settings.CITY_CENTRE[0],
            "lng": data.get("lng") if data.get("lng") is not None else settings.CITY_CENTRE[1],
            "radius_km": data.get("radius_km") or default_radius,
            "when": data.get("when") or "today",
            "genre": data["genre"].slug if data.get("genre") else "",
            "area": data["area"].slug if data.get("area") else "",
        }


class PerformanceForm(InlineValidationMixin, forms.ModelForm):
    genre = forms.ModelChoiceField(queryset=Genre.objects.all(), required=False, empty_label="No genre")

    class Meta:
        model = Performance
        fields = ["title", "description", "genre"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}


class StopForm(forms.Form):
    place_name = forms.CharField(
        max_length=200,
        label="Place",
        help_text="An address or the name of the place. Type a few letters to pick a known place.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-place-input": ""}),
    )
    # Set by the map, a known place or the device's location; typing them stays possible.
    lat = forms.FloatField(
        min_value=-90,
        max_value=90,
        label="Latitude",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "class": "coordinate"}),
    )
    lng = forms.FloatField(
        min_value=-180,
        max_value=180,
        label="Longitude",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "class": "coordinate"}),
    )
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class BaseStopFormSet(BaseFormSet):
    default_error_messages = {
        "missing_management_form": "The route's stop count is missing: reload the page and try again.",
        "too_few_forms": "A route needs at least %(num)d stop with a place, a time and a point.",
        "too_many_forms": "A route has at most %(num)d stops.",
    }


StopFormSet = formset_factory(
    StopForm,
    formset=BaseStopFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_STOPS,
    validate_min=True,
    validate_max=True,
)


class PlaceSearchForm(forms.Form):
    q = forms.CharField(min_length=1, max_length=100, strip=True, label="Place")
    performance = forms.IntegerField(required=False, min_value=1)


def route_error_summary(form: forms.BaseForm, stops: forms.BaseFormSet) -> list[dict[str, str]]:
    """Every error of the plan form in page order, each with the anchor of what to fix."""
    entries = [{"href": "", "text": str(error)} for error in form.non_field_errors()]
    for name, field in form.fields.items():
        for error in form.errors.get(name, []):
            entries.append({"href": f"#{form[name].auto_id}", "text": f"{field.label}: {error}"})
    entries += [{"href": "#route", "text": str(error)} for error in stops.non_form_errors()]
    for number, stop in enumerate(stops.forms, start=1):
        for error in stop.non_field_errors():
            entries.append({"href": f"#stop-{number}", "text": str(error)})
        for name, field in stop.fields.items():
            for error in stop.errors.get(name, []):
                href = f"#{stop[name].auto_id}"
                entries.append({"href": href, "text": f"Stop {number}, {field.label.lower()}: {error}"})
    return entries


def first_stop_with_errors(stops: forms.BaseFormSet) -> int | None:
    return next((i for i, stop in enumerate(stops.forms) if stop.errors), None)
