"""Links shown to a person who is on a request use that request's address: served on another
port or host, the venue screen's join link and the sign-up email must not point elsewhere."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.roles import VENUE_STAFF
from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = {"HTTP_HOST": "127.0.0.1:8100"}


def test_the_screens_join_link_uses_the_address_the_screen_was_opened_at(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    staff = UserFactory(group=VENUE_STAFF)
    event = EventFactory(venue=VenueFactory(staff=[staff]), tracks=[TrackFactory()])
    client.force_login(staff)

    html = client.get(reverse("event-display", kwargs={"pk": event.pk}), **ELSEWHERE).content.decode()

    url = urlsplit(unescape(re.search(r'data-join-url="([^"]+)"', html).group(1)))
    assert (url.scheme, url.netloc) == ("http", "127.0.0.1:8100")
    assert url.path == reverse("event-join", kwargs={"pk": event.pk})


def test_the_sign_up_email_names_the_address_signed_up_at(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nova@example.com",
            "password1": "a long fresh passphrase",
            "password2": "a long fresh passphrase",
        },
        **ELSEWHERE,
    )
    assert response.status_code == 302, response.content.decode()[:500]

    body = mail.outbox[-1].body
    assert "127.0.0.1:8100" in body
    assert "127.0.0.1:8000" not in body
