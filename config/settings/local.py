"""The embedded default: what `make run` serves on a developer's machine."""

from apps.core.env import env

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
INTERNAL_IPS = ["127.0.0.1"]

# A local Stripe-compatible server for trying payments (`make localstripe`); never in production.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
if STRIPE_API_BASE:
    # The local server serves a stand-in for Stripe.js.
    STRIPE_JS_URL = f"{STRIPE_API_BASE}/js.stripe.com/v3/"
