from tests.stripe_server import localstripe_server, stripe_local, stripe_sdk  # noqa: F401
