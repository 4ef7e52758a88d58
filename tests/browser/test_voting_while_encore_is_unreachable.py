"""A guest whose vote meets an outage (a 503 while Redis or the database is away) or a lost
connection is told on the page that the vote was not counted, instead of the button doing
nothing; the next vote, once Encore answers, is counted as usual."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def guest_page(open_page):
    event = EventFactory(venue=VenueFactory(name="Tasca"), tracks=[TrackFactory(title="Rua Escura")])
    page = open_page(event.get_absolute_url(), user=UserFactory(display_name="Ana"), **PHONE)
    expect(page.locator("[data-jukebox][data-connected]")).to_have_count(1)
    return page, event


def test_a_vote_refused_by_an_outage_says_it_was_not_counted_and_when_to_retry(guest_page):
    page, event = guest_page
    vote_url = f"**/events/{event.pk}/vote/"
    page.route(
        vote_url,
        lambda route: route.fulfill(
            status=503,
            headers={"Retry-After": "30", "Content-Type": "text/html"},
            body="<h1>Back in a moment</h1>",
        ),
    )

    page.locator("#pool").get_by_role("button", name="Request for Rua Escura").click()

    notice = page.locator("#vote-notice")
    expect(notice).to_have_text(
        "Your vote was not counted: voting is paused for a moment. Try again in 30 s."
    )
    expect(notice).to_have_class("vote-notice error")

    page.unroute(vote_url)
    page.locator("#pool").get_by_role("button", name="Request for Rua Escura").click()
    expect(page.locator("#vote-notice")).to_have_text("Voted for “Rua Escura”.")


def test_a_vote_that_cannot_be_sent_says_so(guest_page):
    page, event = guest_page
    page.route(f"**/events/{event.pk}/vote/", lambda route: route.abort("internetdisconnected"))

    page.locator("#pool").get_by_role("button", name="Request for Rua Escura").click()

    expect(page.locator("#vote-notice")).to_have_text(
        "Your vote was not sent: check your connection and try again."
    )
