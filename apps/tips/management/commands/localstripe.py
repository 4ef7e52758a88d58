import importlib.util
import logging
import re
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from djstripe.models.api import redact_api_key

from apps.tips.localstripe import LocalStripeError, register_webhook, seed_djstripe, start_localstripe


class Command(BaseCommand):
    help = (
        "Serve localstripe, a Stripe stand-in, on 127.0.0.1 for the demo site, and send its "
        "webhooks to the site. Needs the dev requirements and test-mode keys in the environment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8420, help="port on 127.0.0.1 (default 8420)")
        parser.add_argument("--site", default=None, help="where the site is served (default: SITE_URL)")

    def handle(self, *args, port: int, site: str | None, **options) -> None:
        site = (site or settings.SITE_URL).rstrip("/")
        self._check_settings(site)
        if importlib.util.find_spec("localstripe") is None:
            raise CommandError("localstripe is not installed: pip install -r requirements/dev.txt")

        try:
            server = start_localstripe(port, access_log=self._access_log())
        except LocalStripeError as e:
            raise CommandError(str(e)) from e
        try:
            webhook_url = seed_djstripe(
                secret_key=settings.STRIPE_TEST_SECRET_KEY,
                webhook_secret=settings.DJSTRIPE_WEBHOOK_SECRET,
                site_url=site,
            )
        except DatabaseError as e:
            server.stop()
            raise CommandError(f"cannot store the webhook endpoint ({e}): run manage.py migrate first") from e
        register_webhook(server.url, webhook_url, settings.DJSTRIPE_WEBHOOK_SECRET)

        self.stdout.write(self.style.SUCCESS(f"localstripe is serving {server.url} (Ctrl-C to stop)."))
        self.stdout.write(f"Its webhooks go to {webhook_url}")
        self.stdout.write("Serve the site with this in its environment:")
        self.stdout.write(f"  STRIPE_API_BASE={server.url}")
        self.stdout.write("and the same Stripe settings as this command:")
        self.stdout.write(f"  STRIPE_TEST_SECRET_KEY={redact_api_key(settings.STRIPE_TEST_SECRET_KEY)}")
        self.stdout.write(f"  STRIPE_PUBLISHABLE_KEY={settings.STRIPE_PUBLISHABLE_KEY}")
        self.stdout.write(f"  DJSTRIPE_WEBHOOK_SECRET={redact_api_key(settings.DJSTRIPE_WEBHOOK_SECRET)}")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()

    def _check_settings(self, site: str) -> None:
        if settings.STRIPE_LIVE_MODE:
            raise CommandError("STRIPE_LIVE_MODE is on: localstripe only stands in for test mode")
        if not re.fullmatch(r"https?://[^/]+", site):
            raise CommandError(f"--site must be a scheme and host, like http://127.0.0.1:8000, not {site!r}")
        missing = []
        # dj-stripe refuses keys that do not have Stripe's shape, even for localstripe.
        if not re.fullmatch(r"sk_test_[a-zA-Z0-9]{24,}", settings.STRIPE_TEST_SECRET_KEY):
            missing.append("STRIPE_TEST_SECRET_KEY (sk_test_ then 24 or more letters or digits)")
        if not re.fullmatch(r"pk_test_[a-zA-Z0-9]{24,}", settings.STRIPE_PUBLISHABLE_KEY):
            missing.append("STRIPE_PUBLISHABLE_KEY (pk_test_ then 24 or more letters or digits)")
        if not settings.DJSTRIPE_WEBHOOK_SECRET.startswith("whsec_"):
            missing.append("DJSTRIPE_WEBHOOK_SECRET (whsec_ then anything)")
        if missing:
            raise CommandError("Set " + ", ".join(missing) + "; any values of that shape do for localstripe.")

    def _access_log(self) -> logging.Logger:
        # localstripe reports webhook deliveries on aiohttp's access logger too.
        log = logging.getLogger("aiohttp.access")
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("localstripe: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
        return log
