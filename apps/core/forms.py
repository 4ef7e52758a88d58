from __future__ import annotations

import json

from django import forms


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
