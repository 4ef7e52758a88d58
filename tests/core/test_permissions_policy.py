"""Browsers grant the site only the powers it uses: position for the map, payment for Stripe."""

import pytest

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:  # noqa: ANN001
    parts = (part.strip() for part in response["Permissions-Policy"].split(","))
    return dict(part.split("=", 1) for part in parts if part)


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/v1/genres/", "/no-such-page/", "/static/js/map.js"])
def test_every_response_has_a_permissions_policy_allowing_position_to_the_site_only(client, path):
    response = client.get(path)
    assert policy(response)["geolocation"] == "(self)"


def test_camera_microphone_and_other_devices_are_refused(client):
    directives = policy(client.get("/"))
    for feature in ("camera", "microphone", "usb", "serial", "hid", "bluetooth", "display-capture"):
        assert directives[feature] == "()", feature


def test_payment_is_allowed_to_the_site_and_stripe_js_only(client, settings):
    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
    assert policy(client.get("/"))["payment"] == '(self "https://js.stripe.com")'


def test_payment_follows_a_local_stripe_js(client, settings):
    settings.STRIPE_JS_URL = "http://127.0.0.1:8420/js.stripe.com/v3/"
    assert policy(client.get("/"))["payment"] == '(self "http://127.0.0.1:8420")'
