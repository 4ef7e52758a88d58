from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from . import services
from .models import CollectionItem, Feature


class WithoutConstraintRepeats(forms.ModelForm):
    """The model's check constraints say what clean() already said, only as "Constraint
    “…” is violated."; those repeats are dropped so the curator reads one clear reason."""

    def _update_errors(self, errors: ValidationError) -> None:
        repeats = {c.get_violation_error_message() for c in self._meta.model._meta.constraints}
        if hasattr(errors, "error_dict"):
            kept = {
                field: [m for m in messages if m.message not in repeats]
                for field, messages in errors.error_dict.items()
            }
            kept = {field: messages for field, messages in kept.items() if messages}
            if not kept:
                return
            errors = ValidationError(kept)
        elif all(m.message in repeats for m in errors.error_list):
            return
        super()._update_errors(errors)


class CollectionItemAdminForm(WithoutConstraintRepeats):
    class Meta:
        model = CollectionItem
        fields = ["position", "artist", "performance", "track", "note"]


class FeatureAdminForm(WithoutConstraintRepeats):
    """The back-office form for a feature: the services' rules, shown before anything is saved."""

    class Meta:
        model = Feature
        fields = [
            "slot",
            "starts_at",
            "ends_at",
            "artist",
            "performance",
            "track",
            "collection",
            "headline",
            "note",
        ]

    def clean(self) -> dict:
        data = super().clean()
        try:
            services.check_feature_target(**{name: data.get(name) for name in services.TARGETS})
        except ValidationError as exc:
            self._add(exc)
        slot, starts_at, ends_at = data.get("slot"), data.get("starts_at"), data.get("ends_at")
        if slot and starts_at and ends_at:
            try:
                services.check_feature_span(slot, starts_at, ends_at, exclude_id=self.instance.pk)
            except ValidationError as exc:
                self._add(exc)
        return data

    def _add(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else NON_FIELD_ERRORS, messages)
