"""Query filters that refuse what their schema does not allow, naming the parameter.

django-filter quietly ignores an empty or unknown value of a boolean or choice; the API
answers 400 instead, so a client's mistake does not pass for "no filter".
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError


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


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceField
