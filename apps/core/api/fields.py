"""Serializer fields shared by the apps' APIs."""

from __future__ import annotations

from typing import Any

from django.core.validators import slug_re
from rest_framework import serializers
from rest_framework.utils import html

# For a viewset's lookup_value_regex: an address names an object by slug only when it can be
# one, so text PostgreSQL refuses (a NUL byte) is a 404 and never reaches the database.
SLUG_LOOKUP = r"[-a-zA-Z0-9_]+"


class SlugChoiceField(serializers.SlugRelatedField):
    """A related object named by its slug. Anything that cannot be a slug (a number, a
    list, text with NUL bytes that PostgreSQL would refuse) is "no such choice", checked
    before it reaches the database."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not slug_re.match(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


class QueryChoiceField(serializers.ChoiceField):
    """A choice read from the query string: left out takes the default, but present and
    empty is refused like any other value that is not a choice (DRF would take the default)."""

    def get_value(self, dictionary: Any) -> Any:
        if self.field_name in dictionary:
            return dictionary[self.field_name]
        return super().get_value(dictionary)


class QueryFloatField(serializers.FloatField):
    """A number read from the query string: left out is left out, but present and empty is
    refused as not a number (DRF would take it for left out)."""

    def get_value(self, dictionary: Any) -> Any:
        if self.field_name in dictionary:
            return dictionary[self.field_name]
        return super().get_value(dictionary)


class IdChoiceField(serializers.PrimaryKeyRelatedField):
    """A related object named by its integer id. In JSON that is an integer, as the schema
    says (DRF would take "5", 5.0 and true too); a form's values are all text, so there it
    is digits only."""

    def to_internal_value(self, data: Any) -> Any:
        from_form = html.is_html_input(getattr(self.root, "initial_data", None))
        if from_form and isinstance(data, str) and data.isascii() and data.isdigit():
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
