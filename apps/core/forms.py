from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError


class InlineValidationMixin:
    """Fields check themselves with the server as they change (HTMX), before submit.

    Each input posts the whole form with ``_validate=<field>``; the view answers with
    that field's errors only. Without JavaScript the form is an ordinary form.
    """

    def enable_inline_validation(self, url: str) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if isinstance(field.widget, forms.ClearableFileInput | forms.CheckboxSelectMultiple):
                continue
            field.widget.attrs.update(
                {
                    "hx-post": url,
                    "hx-trigger": "change",
                    "hx-target": f"#{self[name].auto_id}-errors",  # type: ignore[index]
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                    "hx-vals": json.dumps({"_validate": name}),
                }
            )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: on the field it names when the form has
    that field, otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
