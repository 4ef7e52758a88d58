"""Money is whole minor units everywhere: no float or decimal field may hold an amount."""

from __future__ import annotations

import re

from django.apps import apps
from django.db import models
from rest_framework import serializers

MONEY_NAME = re.compile(
    r"amount|fee|balance|price|share|payout|total|cents|available|allocated|rolled_over|tip"
)


def project_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model.__module__.startswith("apps.")]


def test_no_money_field_in_the_project_is_a_float_or_decimal():
    offenders = [
        f"{model.__name__}.{field.name}"
        for model in project_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField | models.DecimalField) and MONEY_NAME.search(field.name)
    ]
    assert offenders == []


def test_money_fields_are_integers():
    money = [
        (model, field)
        for model in project_models()
        for field in model._meta.concrete_fields
        if MONEY_NAME.search(field.name) and not field.is_relation
    ]
    assert money, "the money fields were not found"
    wrong = [
        f"{model.__name__}.{field.name}"
        for model, field in money
        if not isinstance(
            field, models.IntegerField | models.BooleanField | models.CharField | models.UUIDField
        )
    ]
    assert wrong == []


def test_the_tips_app_has_no_float_or_decimal_anywhere():
    tips_models = [model for model in project_models() if model._meta.app_label == "tips"]
    floats = [
        f"{model.__name__}.{field.name}"
        for model in tips_models
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField | models.DecimalField)
    ]
    assert floats == []


def test_the_tips_api_never_speaks_in_floats():
    from apps.tips.api import serializers as tip_serializers

    classes = [
        value
        for value in vars(tip_serializers).values()
        if isinstance(value, type)
        and issubclass(value, serializers.Serializer)
        and value.__module__ == tip_serializers.__name__
    ]
    assert classes
    floats = [
        f"{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls().fields.items()
        if isinstance(field, serializers.FloatField | serializers.DecimalField)
    ]
    assert floats == []
