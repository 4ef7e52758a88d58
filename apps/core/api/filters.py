"""Query filters that refuse what their schema does not allow, naming the parameter.

django-filter quietly ignores an empty or unknown value of a boolean or choice; the API
answers 400 instead, so a client's mistake does not pass for "no filter".
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .query import structured

WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class StrictBooleanField(forms.Field):
    def to_python(self, value: str | None) -> bool | None:
        if value is None:
            return None
        if value.lower() in {"true", "1"}:
            return True
        if value.lower() in {"false", "0"}:
            return False
        raise ValidationError("Give true or false.")


class StrictChoiceField(forms.ChoiceField):
    def to_python(self, value: str | None) -> str | None:
        # Absent is "no filter"; present but empty is a mistake.
        if value is None:
            return None
        if value == "":
            raise ValidationError("Choose one of the values, or leave the parameter out.")
        return super().to_python(value)


class StrictIntegerField(forms.Field):
    def to_python(self, value: str | None) -> int | None:
        # Digits only: Django's IntegerField would take "1.0" and " 1" for 1.
        if value is None:
            return None
        if not WHOLE_NUMBER.fullmatch(value):
            raise ValidationError("Give a whole number.")
        return int(value)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceField


@extend_schema_field(OpenApiTypes.INT)
class StrictIntegerFilter(django_filters.Filter):
    field_class = StrictIntegerField


class StrictFilterSet(django_filters.FilterSet):
    """Refuses a filter sent as an object (``genre[x]=…``) or more than once, naming it."""

    def get_form_class(self) -> type[forms.Form]:
        base = super().get_form_class()

        class StrictForm(base):
            def clean(self) -> dict:
                cleaned = super().clean()
                for name, reasons in structured(self.data, self.fields).items():
                    self.add_error(name, reasons)
                return cleaned

        return StrictForm
