"""Live updates that cannot be sent, as just after Redis restarts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from apps.core import realtime


@pytest.fixture
def refuse_sends(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Call it to make publishing a live update raise ConnectionError from then on; it returns
    the list of groups updates were sent to."""

    def start() -> list[str]:
        attempts: list[str] = []

        def refuse(groups: list[str], message: dict) -> None:
            attempts.extend(groups)
            raise ConnectionError("Connection refused")

        monkeypatch.setattr(realtime, "_publish", refuse)
        return attempts

    return start
