import re
import threading

import pytest
from playwright.sync_api import expect

from apps.venues import services
from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.browser


def off_the_loop(work) -> None:  # noqa: ANN001
    """Run a service from a plain thread: its live update is sent after commit from sync
    code, which this thread (running Playwright's event loop) cannot do."""
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_a_vote_in_one_browser_reorders_the_queue_in_another_without_a_reload(open_page):
    tracks = [TrackFactory(title="Lisboa Menina"), TrackFactory(title="Rua Escura")]
    event = EventFactory(venue=VenueFactory(name="Tasca"), tracks=tracks, vote_cooldown_seconds=30)
    # Two requests from earlier in the night: the first one leads on the tie.
    for track in tracks:
        off_the_loop(lambda track=track: services.cast_vote(event, track.pk, guest=services.guest_for(event)))
    ana, rui = UserFactory(display_name="Ana"), UserFactory(display_name="Rui")

    watching = open_page(event.get_absolute_url(), user=rui)
    voting = open_page(event.get_absolute_url(), user=ana)
    queue = watching.locator("#live [data-list=queue] > li")
    expect(queue.first).to_contain_text("Lisboa Menina")
    # Rui's page is following the event (it has had its snapshot) before Ana votes.
    expect(watching.locator("[data-jukebox][data-connected]")).to_have_count(1)

    voting.locator("#live").get_by_role("button", name="Vote for Rua Escura").click()
    expect(voting.locator("#vote-notice")).to_have_text("Voted for “Rua Escura”.")
    # Ana's buttons wait out the cooldown; the page counts it down in one place.
    other = voting.locator("#live").get_by_role("button", name="Lisboa Menina")
    expect(other).to_be_disabled()
    expect(voting.locator("[data-countdown]")).to_have_text(re.compile(r"^(2\d|30) s$"))
    expect(voting.get_by_text(re.compile(r"\bin \d+ s\b"))).to_have_count(1)

    # Rui sees the new order without reloading: the socket redraws his queue.
    expect(queue.first).to_contain_text("Rua Escura")
    expect(queue.first.locator("[data-field=votes]")).to_have_text("2")
    expect(queue.nth(1)).to_contain_text("Lisboa Menina")
    # And he can still vote himself: his buttons were drawn for him, not for Ana.
    expect(queue.first.get_by_role("button")).to_be_enabled()
    assert watching.evaluate("() => performance.getEntriesByType('navigation').length") == 1
