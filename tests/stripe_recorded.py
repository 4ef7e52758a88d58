"""An HTTP client for the stripe SDK that answers from recorded Stripe responses.

localstripe has no Connect, account links or transfers, so those calls are answered
here instead: each test queues the responses it expects, by method and path, and reads
back every request the SDK made. A request nobody queued an answer for fails the test.

    def test_it_creates_a_transfer(recorded_stripe):
        recorded_stripe.answer("POST", "/v1/transfers", "transfer", override={"amount": 700})
        ...
        (sent,) = recorded_stripe.requests
        assert sent.params["amount"] == "700"  # form-encoded, as on the wire
        assert sent.idempotency_key == "payout-17"
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe
from requests.structures import CaseInsensitiveDict

RECORDINGS = Path(__file__).parent / "tips" / "recordings"
# dj-stripe rejects keys that do not look real: sk_test_ and at least 24 letters/digits.
TEST_SECRET_KEY = "sk_test_" + "RecordedStripeResponses0001"


def load_recording(name: str, override: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A recorded Stripe body from tests/tips/recordings/<name>.json, `override` merged in.

    Nested objects are merged key by key; any other value (lists included) replaces
    the recorded one.
    """
    path = RECORDINGS / f"{name}.json"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in RECORDINGS.glob("*.json")))
        raise FileNotFoundError(f"No Stripe recording {name!r}; recordings: {known}")
    return _merged(json.loads(path.read_text()), override or {})


def _merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _decode_form(encoded: str) -> dict[str, Any]:
    """`metadata[artist]=7&expand[0]=x` → {"metadata": {"artist": "7"}, "expand": ["x"]}."""
    decoded: dict[str, Any] = {}
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        name, _, tail = key.partition("[")
        parts = [name, *tail[:-1].split("][")] if tail else [name]
        node = decoded
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(decoded)


def _listify(node: Any) -> Any:
    # The SDK sends lists as `key[0]`, `key[1]`…; turn those back into lists.
    if not isinstance(node, dict):
        return node
    items = {key: _listify(value) for key, value in node.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str
    path: str
    params: dict[str, Any]
    headers: CaseInsensitiveDict

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")

    @property
    def stripe_account(self) -> str | None:
        return self.headers.get("Stripe-Account")

    @property
    def api_key(self) -> str:
        return self.headers.get("Authorization", "").removeprefix("Bearer ")


class RecordedStripe(stripe.HTTPClient):
    name = "recorded"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[RecordedRequest] = []
        self.unexpected: list[RecordedRequest] = []
        self._answers: defaultdict[tuple[str, str], deque[tuple[int, str]]] = defaultdict(deque)
        self._request_ids = itertools.count(1)

    def answer(
        self,
        method: str,
        path: str,
        recording: str,
        *,
        status: int = 200,
        override: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Answer the next `method path` request with a recording; returns the body sent.

        Each answer is used once, in the order queued, so a test that expects two
        calls queues two answers.
        """
        body = load_recording(recording, override)
        self._answers[(method.upper(), path)].append((status, json.dumps(body)))
        return body

    @property
    def pending(self) -> list[tuple[str, str]]:
        """Queued answers no request has used yet."""
        return [route for route, queue in self._answers.items() for _ in queue]

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[str, int, Mapping[str, str]]:
        parts = urlsplit(url)
        if isinstance(post_data, bytes):
            post_data = post_data.decode()
        sent = RecordedRequest(
            method=method.upper(),
            url=url,
            path=parts.path,
            params={**_decode_form(parts.query), **_decode_form(post_data or "")},
            headers=CaseInsensitiveDict(headers or {}),
        )
        self.requests.append(sent)
        queue = self._answers.get((sent.method, sent.path))
        if not queue:
            self.unexpected.append(sent)
            raise AssertionError(
                f"Unexpected Stripe request {sent.method} {sent.path} {sent.params!r}; "
                f"answers queued: {self.pending or 'none'}"
            )
        status, body = queue.popleft()
        response_headers = CaseInsensitiveDict(
            {"Content-Type": "application/json", "Request-Id": f"req_recorded{next(self._request_ids)}"}
        )
        if sent.idempotency_key:
            response_headers["Idempotency-Key"] = sent.idempotency_key
        return body, status, response_headers

    def request_stream(self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any):
        raise AssertionError(f"Unexpected streaming Stripe request {method.upper()} {url}")

    def close(self) -> None:
        pass

    # The SDK retries 409 and 5xx answers with real back-off; replaying a recording
    # needs no wait.
    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0.0

    async def request_async(self, method: str, url: str, headers: Any, post_data: Any = None):
        return self.request(method, url, headers, post_data)

    def sleep_async(self, secs: float):
        return asyncio.sleep(0)

    async def close_async(self) -> None:
        pass


@pytest.fixture
def recorded_stripe(settings) -> Iterator[RecordedStripe]:
    """Route every stripe SDK request to a RecordedStripe, with a test key configured."""
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = TEST_SECRET_KEY
    client = RecordedStripe()
    previous = stripe.default_http_client
    stripe.default_http_client = client
    try:
        yield client
    finally:
        stripe.default_http_client = previous
    # Code under test may swallow the AssertionError raised at the time.
    if client.unexpected:
        calls = "; ".join(f"{r.method} {r.path}" for r in client.unexpected)
        pytest.fail(f"Stripe was asked for something no test answer was queued for: {calls}")
