"""Moving a model to another app without losing what points at its content type."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def move_content_types(moves: Iterable[tuple[str, str, str]]) -> tuple[Callable, Callable]:
    """RunPython forward and backward functions for ``(model, from_app, to_app)`` moves.

    The old content type row is relabelled, so its permissions (and the groups holding them),
    admin log entries and generic relations keep pointing at the same model. A row already
    made for the new label (a fresh database's earlier migrations create them) holds nothing
    yet and gives way.
    """
    moves = list(moves)

    def relabel(apps: Any, pairs: list[tuple[str, str, str]]) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for model, old, new in pairs:
            if not content_type.objects.filter(app_label=old, model=model).exists():
                continue
            content_type.objects.filter(app_label=new, model=model).delete()
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)

    def forward(apps: Any, schema_editor: Any) -> None:
        relabel(apps, moves)

    def backward(apps: Any, schema_editor: Any) -> None:
        relabel(apps, [(model, new, old) for model, old, new in moves])

    return forward, backward
