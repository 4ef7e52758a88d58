"""Live updates about tips, sent after the transaction commits.

``performance.tipped`` goes to the performance's page; the artist's own note arrives on
``/ws/me/`` as a notification.
"""

from __future__ import annotations

from apps.core.realtime import broadcast
from apps.performances.events import performance_group

from .models import Tip
from .money import format_money


def performance_tipped(tip: Tip) -> None:
    """``performance.tipped``: someone tipped the performer; no payer is named on a public page."""
    payload = {
        "performance": {"id": tip.performance_id},
        "tip": {"amount": tip.amount, "currency": tip.currency},
        "text": f"Someone just tipped {format_money(tip.amount, tip.currency)}!",
    }
    broadcast(performance_group(tip.performance_id), "performance.tipped", payload)
