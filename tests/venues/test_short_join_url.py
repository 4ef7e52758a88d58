"""The screen shows a short address to type, for guests who cannot scan: it names the host the
screen was opened at, changes with the QR code, and leads where the code leads (a guest session)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.venues import services
from apps.venues.models import EventStatus, Guest
from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = {"HTTP_HOST": "127.0.0.1:8100"}


@pytest.fixture
def staff():
    return UserFactory()


@pytest.fixture
def event(staff):
    return EventFactory(venue=VenueFactory(staff=[staff]), tracks=[TrackFactory(title="Lisboa Menina")])


def typed_address(client, event, **extra) -> str:  # noqa: ANN001, ANN003
    html = client.get(reverse("event-display", kwargs={"pk": event.pk}), **extra).content.decode()
    shown = re.search(r'<p class="display-short-url"[^>]*>(.*?)</p>', html, re.S).group(1)
    return unescape(re.sub(r"<[^>]+>|\s", "", shown))


def test_the_screen_shows_a_short_address_on_the_host_it_was_opened_at(client, staff, event):
    client.force_login(staff)
    shown = typed_address(client, event, **ELSEWHERE)
    assert re.fullmatch(r"127\.0\.0\.1:8100/j/[a-z2-9]{6}", shown)
    assert shown.endswith("/j/" + services.join_code(event))


def test_typing_the_short_address_starts_a_guest_session_like_scanning(client, event):
    response = client.get(f"/j/{services.join_code(event)}", follow=True)
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert response.status_code == 200
    assert Guest.objects.filter(event=event).count() == 1
    track = event.pool_tracks.get()
    url = reverse("event-vote", kwargs={"pk": event.pk})
    vote = client.post(url, {"track": track.pk}, HTTP_HX_REQUEST="true")
    assert vote.status_code == 200


def test_the_code_can_be_typed_in_capitals_and_with_a_trailing_slash(client, event):
    assert client.get(f"/j/{services.join_code(event).upper()}/").status_code == 302


def test_a_code_from_two_periods_ago_no_longer_leads_anywhere(client, event, quiet_refusals):
    period = timedelta(seconds=settings.EVENT_QR_ROTATE_SECONDS)
    old = services.join_code(event, now=timezone.now() - 2 * period)
    just_turned = services.join_code(event, now=timezone.now() - period)
    assert client.get(f"/j/{just_turned}").status_code == 302
    assert client.get(f"/j/{old}").status_code == 404
    assert Guest.objects.count() == 0


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.ENDED])
def test_only_an_open_events_code_leads_anywhere(client, event, status, quiet_refusals):
    code = services.join_code(event)
    event.status = status
    event.save()
    assert client.get(f"/j/{code}").status_code == 404


def test_a_mistyped_code_says_so(client, event, quiet_refusals):
    response = client.get("/j/zzzzzz")
    assert response.status_code == 404
    assert "check the address on the screen" in response.content.decode()
