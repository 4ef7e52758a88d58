import pytest
from django.templatetags.static import static
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

FAVICON = static("favicon.svg")


def test_every_page_links_the_favicon(client):
    html = client.get(reverse("home")).content.decode()
    assert f'<link rel="icon" href="{FAVICON}" type="image/svg+xml">' in html


def test_the_not_found_page_links_the_favicon_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert FAVICON in response.content.decode()


def test_the_venue_screen_links_the_favicon(client_as, personas):
    event = EventFactory(venue__staff=[personas.venue_staff])
    client = client_as(personas.venue_staff)
    html = client.get(reverse("event-display", args=[event.pk])).content.decode()
    assert FAVICON in html


def test_the_favicon_is_served_as_an_svg_in_the_brand_colour(client):
    response = client.get(FAVICON)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"<svg" in body
    assert b"#b3261e" in body


def test_the_old_favicon_address_leads_to_the_svg(client):
    # Browsers and the admin ask for /favicon.ico whatever the page links: it must not 404.
    response = client.get("/favicon.ico")
    assert response.status_code in {301, 302}
    assert response["Location"] == FAVICON
    assert client.get(response["Location"]).status_code == 200
