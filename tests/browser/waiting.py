"""Waiting in a browser test for something the page does by itself.

Playwright's sync API handles the page's events (socket frames, responses) only while the test
calls into it, so a wait polls with the page's own timer instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Page


def soon(page: Page, check: Callable[[], bool], seconds: float = 5) -> bool:
    """Whether `check()` comes true within `seconds`."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return check()
        page.wait_for_timeout(100)
    return True
