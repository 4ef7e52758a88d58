"""Watching a lean path (apps.core.api.lean) answer, or hand a request to DRF."""

from __future__ import annotations

from types import ModuleType

import pytest

# The headers an answer is compared by, lean path against DRF.
HEADERS = ("Content-Type", "Allow", "Retry-After", "Cache-Control", "Vary")


class Answered(list):
    """Each request the lean path answered itself (True) or handed to DRF (False). With
    ``lean_path_on`` False every request goes to DRF, for answers to compare against."""

    lean_path_on = True


def watch(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> Answered:
    answered = Answered()
    lean = getattr(module, name)

    def watched(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        response = lean(*args, **kwargs) if answered.lean_path_on else None
        answered.append(response is not None)
        return response

    monkeypatch.setattr(module, name, watched)
    return answered
