"""A channel layer that refuses every send, as one does just after Redis restarts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from channels.layers import get_channel_layer


@pytest.fixture
def refuse_sends(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Call it to make the layer's group_send raise ConnectionError from then on; it returns
    the list of groups the layer was asked to reach."""

    def start() -> list[str]:
        attempts: list[str] = []

        async def refuse(group: str, message: dict) -> None:
            attempts.append(group)
            raise ConnectionError("Connection refused")

        monkeypatch.setattr(get_channel_layer(), "group_send", refuse)
        return attempts

    return start
