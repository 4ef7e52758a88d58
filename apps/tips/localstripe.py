"""localstripe, a Stripe-compatible fake, for the tests and the demo site.

localstripe's own command listens on every interface and pickles its whole store to
/tmp after each write; ``start_localstripe`` binds 127.0.0.1 only and keeps the store
in memory. localstripe is a dev dependency, imported only when a server starts; the
rest of this module serves the site too (``configure_stripe_sdk``, ``seed_djstripe``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import logging
import socket
import threading
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import stripe

HOST = "127.0.0.1"
# localstripe has no GET /v1/account, so dj-stripe gets this account from its database.
ACCOUNT_ID = "acct_encorelocalstripe"
WEBHOOK_ENDPOINT_ID = "we_encorelocalstripe"
WEBHOOK_ID = "encore"
_log = logging.getLogger("aiohttp.access")
_SDK_BASES = ("api_base", "connect_api_base", "upload_api_base", "meter_events_api_base")

# localstripe keeps its store and webhooks in module globals: one server per process, and
# its data outlives stop() (reset_data empties it).
_running: LocalStripe | None = None
_deliveries: set[asyncio.Future] = set()


class LocalStripeError(RuntimeError):
    pass


class LocalStripe:
    """A running localstripe: ``url`` to reach it, ``stop()`` to end it."""

    def __init__(self, url: str, loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        self.url = url
        self._loop = loop
        self._thread = thread

    def wait_for_webhooks(self, timeout: float = 10.0) -> None:
        """Wait until every webhook scheduled so far has been delivered (or has failed)."""

        async def drain() -> None:
            while _deliveries:
                await asyncio.gather(*list(_deliveries), return_exceptions=True)

        asyncio.run_coroutine_threadsafe(drain(), self._loop).result(timeout)

    def drop_webhooks(self) -> None:
        """Cancel deliveries not yet made: a test's events must not reach the next test's site."""

        async def cancel() -> None:
            for delivery in list(_deliveries):
                delivery.cancel()
            await asyncio.gather(*list(_deliveries), return_exceptions=True)

        asyncio.run_coroutine_threadsafe(cancel(), self._loop).result(10)

    def forget_webhooks(self) -> None:
        """Unregister every webhook; localstripe's HTTP API can only add them."""
        from localstripe import webhooks

        async def clear() -> None:
            webhooks._webhooks.clear()

        asyncio.run_coroutine_threadsafe(clear(), self._loop).result(10)

    def stop(self) -> None:
        global _running
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        _running = None

    def __repr__(self) -> str:
        return f"<LocalStripe {self.url}>"


class _CardAsPaymentMethod:
    """A card (``card_…``) as Stripe's Payment Methods API answers for it.

    localstripe's stand-in Stripe.js makes tokens, not payment methods, so pages pay with
    the token's card. Stripe answers GET /v1/payment_methods/card_… with a
    ``payment_method``; localstripe answers with the ``card`` itself, which dj-stripe
    refuses ("Trying to fit 'card' into 'PaymentMethod'") when a webhook names it.
    Everything but the answer's shape goes to the card.
    """

    def __init__(self, card: Any) -> None:
        object.__setattr__(self, "_card", card)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._card, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._card, name, value)

    def _export(self, expand: list[str] | None = None) -> dict[str, Any]:
        card = self._card._export(expand=expand)
        return {
            "id": card["id"],
            "object": "payment_method",
            "type": "card",
            "created": card["created"],
            "livemode": card["livemode"],
            "customer": card["customer"],
            "metadata": card["metadata"],
            "billing_details": {
                "address": {
                    "city": card["address_city"],
                    "country": card["address_country"],
                    "line1": card["address_line1"],
                    "line2": card["address_line2"],
                    "postal_code": card["address_zip"],
                    "state": card["address_state"],
                },
                "email": None,
                "name": card["name"],
                "phone": None,
            },
            "card": {
                "brand": card["brand"].lower(),
                "checks": {
                    "address_line1_check": card["address_line1_check"],
                    "address_postal_code_check": card["address_zip_check"],
                    "cvc_check": card["cvc_check"],
                },
                "country": card["country"],
                "exp_month": card["exp_month"],
                "exp_year": card["exp_year"],
                "fingerprint": card["fingerprint"],
                "funding": card["funding"],
                "last4": card["last4"],
            },
        }


def _cards_as_payment_methods() -> None:
    """Let the cards localstripe's Stripe.js hands out be used as Stripe lets payment methods be."""
    from localstripe import resources

    if getattr(resources, "_cards_as_payment_methods", False):
        return
    resources._cards_as_payment_methods = True
    retrieve = resources.PaymentMethod._api_retrieve

    def retrieve_like_stripe(cls: type, id: str) -> Any:
        found = retrieve(id)
        return _CardAsPaymentMethod(found) if isinstance(found, resources.Card) else found

    attach = resources.PaymentMethod._api_attach

    def attach_like_stripe(cls: type, id: str, customer: str | None = None, **kwargs: Any) -> Any:
        # localstripe attaches only pm_… ids; a supporter's card is saved on the customer the same way.
        if not (isinstance(id, str) and id.startswith("card_")):
            return attach(id, customer=customer, **kwargs)
        resources.Customer._api_retrieve(customer)
        card = resources.Card._api_retrieve(id)
        card.customer = customer
        return _CardAsPaymentMethod(card)

    resources.PaymentMethod._api_retrieve = classmethod(retrieve_like_stripe)
    resources.PaymentMethod._api_attach = classmethod(attach_like_stripe)
    # Its server routes to the methods bound when resources was imported: point them at the new one.
    resources.extra_apis[:] = [
        (
            method,
            url,
            resources.PaymentMethod._api_attach if url == "/v1/payment_methods/{id}/attach" else func,
        )
        for method, url, func in resources.extra_apis
    ]


def _patch_localstripe(webhook_delay: float) -> None:
    from localstripe import resources

    # Every write would otherwise pickle the whole store to /tmp/localstripe.pickle.
    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None

    one_at_a_time = asyncio.Lock()

    def schedule_webhook(event: Any) -> None:
        delivery = asyncio.ensure_future(_deliver(event, webhook_delay, one_at_a_time))
        _deliveries.add(delivery)
        delivery.add_done_callback(_deliveries.discard)

    resources.schedule_webhook = schedule_webhook


async def _deliver(event: Any, delay: float, lock: asyncio.Lock) -> None:
    """localstripe's delivery, one webhook at a time and in the order of the events.

    localstripe posts them all at once, about a second after their events; a site
    that handles them concurrently may then see them out of order, and the test live
    server on SQLite, which shares one connection between its threads, fails with
    "database table is locked".
    """
    import aiohttp
    from localstripe import webhooks

    await asyncio.sleep(delay)
    async with lock:
        payload = json.dumps(event._export(), indent=2, sort_keys=True).encode()
        signed = b"%d.%s" % (event.created, payload)
        for webhook in list(webhooks._webhooks.values()):
            if webhook.events is not None and event.type not in webhook.events:
                continue
            signature = hmac.new(webhook.secret.encode(), signed, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": f"t={event.created},v1={signature}",
            }
            try:
                async with (
                    aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
                    session.post(webhook.url, data=payload, headers=headers) as response,
                ):
                    outcome = f"HTTP {response.status}"
            except (aiohttp.ClientError, TimeoutError) as e:
                outcome = f"failed: {e}"
            _log.info('webhook "%s" to %s: %s', event.type, webhook.url, outcome)


def _copy_app(app: Any) -> Any:
    # aiohttp ties an application to the first event loop that runs it; a copy per start
    # lets the server start again after stop().
    from aiohttp import web

    copy = web.Application(middlewares=list(app.middlewares))
    copy.on_response_prepare.extend(app.on_response_prepare)
    for route in app.router.routes():
        copy.router.add_route(route.method, route.resource.canonical, route.handler)
    return copy


def start_localstripe(
    port: int = 0, *, webhook_delay: float = 1.0, access_log: logging.Logger | None = None
) -> LocalStripe:
    """Serve localstripe on 127.0.0.1:``port`` (0: a free port) from a thread of its own.

    Webhooks leave ``webhook_delay`` seconds after their event, as with localstripe:
    the API's answer reaches the caller first.
    """
    global _running
    if _running is not None:
        raise LocalStripeError(f"localstripe is already running at {_running.url}")

    from aiohttp import web

    # Before its server module builds its routes from the resources' methods.
    _cards_as_payment_methods()
    with warnings.catch_warnings():
        # localstripe registers plain functions as handlers, which aiohttp frowns upon.
        warnings.filterwarnings("ignore", "Bare functions are deprecated", DeprecationWarning)
        from localstripe import server

    _patch_localstripe(webhook_delay)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        sock.close()
        raise LocalStripeError(f"cannot listen on {HOST}:{port}: {e.strerror}") from e
    url = f"http://{HOST}:{sock.getsockname()[1]}"

    loop = asyncio.new_event_loop()
    runner = web.AppRunner(_copy_app(server.app), access_log=access_log)
    started = threading.Event()
    errors: list[BaseException] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.SockSite(runner, sock).start())
        except BaseException as e:
            errors.append(e)
            sock.close()
            loop.close()
            return
        finally:
            started.set()
        loop.run_forever()
        # Webhooks not yet delivered go with the server.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="localstripe", daemon=True)
    thread.start()
    started.wait()
    if errors:
        raise LocalStripeError(f"localstripe did not start: {errors[0]!r}") from errors[0]
    _running = LocalStripe(url, loop, thread)
    return _running


def _call(base_url: str, method: str, path: str, data: dict | None = None) -> None:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        body = json.dumps(data) if data is not None else None
        headers = {"Content-Type": "application/json"} if body else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status >= 300:
        raise LocalStripeError(f"{method} {base_url}{path} answered HTTP {response.status}")


def register_webhook(
    base_url: str,
    url: str,
    secret: str,
    *,
    webhook_id: str = WEBHOOK_ID,
    events: list[str] | None = None,
) -> None:
    """Have localstripe POST its events (all, or ``events``) to ``url``, signed with ``secret``."""
    data: dict = {"url": url, "secret": secret}
    if events is not None:
        data["events"] = events
    _call(base_url, "POST", f"/_config/webhooks/{webhook_id}", data)


def reset_data(base_url: str) -> None:
    """Delete every object localstripe holds; registered webhooks stay."""
    _call(base_url, "DELETE", "/_config/data")


def configure_stripe_sdk(api_base: str) -> Callable[[], None]:
    """Send every call of the stripe SDK (and so of dj-stripe) to ``api_base``.

    Returns a function that restores the previous addresses.
    """
    previous = {name: getattr(stripe, name) for name in _SDK_BASES}
    # Connect, upload and meter calls go there too: localstripe answers 404 rather
    # than letting them reach the real Stripe.
    for name in _SDK_BASES:
        setattr(stripe, name, api_base.rstrip("/"))

    def restore() -> None:
        for name, value in previous.items():
            setattr(stripe, name, value)

    return restore


def seed_djstripe(*, secret_key: str, webhook_secret: str, site_url: str) -> str:
    """Store what dj-stripe would otherwise ask Stripe for, and the endpoint webhooks post to.

    dj-stripe looks up the account behind ``secret_key`` (GET /v1/account, which
    localstripe lacks) and verifies each webhook with the secret of the
    ``WebhookEndpoint`` in its URL. Returns that URL on ``site_url``.
    """
    from django.urls import reverse
    from djstripe.enums import APIKeyType, WebhookEndpointStatus
    from djstripe.models import Account, APIKey, WebhookEndpoint

    account, _ = Account.objects.update_or_create(
        id=ACCOUNT_ID,
        defaults={
            "livemode": False,
            "stripe_data": {
                "id": ACCOUNT_ID,
                "object": "account",
                "type": "standard",
                "country": "FR",
                "default_currency": "eur",
                "charges_enabled": True,
                "payouts_enabled": True,
                "settings": {"dashboard": {"display_name": "Encore (localstripe)"}},
            },
        },
    )
    APIKey.objects.update_or_create(
        secret=secret_key,
        defaults={
            "type": APIKeyType.secret,
            "livemode": False,
            "name": "localstripe",
            "djstripe_owner_account": account,
        },
    )
    endpoint, _ = WebhookEndpoint.objects.update_or_create(
        id=WEBHOOK_ENDPOINT_ID,
        defaults={
            "livemode": False,
            "djstripe_owner_account": account,
            "secret": webhook_secret,
            "enabled_events": ["*"],
            "status": WebhookEndpointStatus.enabled,
        },
    )
    path = reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid})
    endpoint.url = site_url.rstrip("/") + path
    endpoint.save(update_fields=["url"])
    return endpoint.url
