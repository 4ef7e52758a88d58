"""Signed Stripe webhooks, built from the local server's objects and delivered to dj-stripe's endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import stripe


def event_body(event_type: str, obj: Any, *, event_id: str | None = None) -> str:
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "type": event_type,
            "livemode": False,
            "api_version": stripe.api_version,
            "created": int(time.time()),
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": data},
        }
    )


def signature(body: str, secret: str, *, at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def deliver(client: Any, url: str, body: str, sig: str | None) -> Any:
    """POST a webhook the way Stripe does; returns the response."""
    headers = {"HTTP_STRIPE_SIGNATURE": sig} if sig is not None else {}
    return client.post(url, data=body, content_type="application/json", **headers)
