import re
from datetime import timedelta
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import VENUE_STAFF
from apps.venues import services
from apps.venues.models import EntryStatus, EventStatus, QueueEntry, Vote
from tests.factories import EventFactory, TrackFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def night():
    """An open jukebox night at a venue staffed by Vera, with three tracks in its pool."""
    vera = UserFactory(email="vera@example.com", group=VENUE_STAFF)
    tracks = [TrackFactory(title=title) for title in ("Lisboa Menina", "Rua Escura", "Fado do Cais")]
    event = EventFactory(venue=VenueFactory(name="Tasca", staff=[vera]), tracks=tracks)
    return SimpleNamespace(event=event, staff=vera, tracks=tracks)


def page_url(event) -> str:  # noqa: ANN001
    return reverse("event-detail", kwargs={"pk": event.pk})


def vote_url(event) -> str:  # noqa: ANN001
    return reverse("event-vote", kwargs={"pk": event.pk})


def join(client, event, *, now=None):  # noqa: ANN001, ANN201
    token = services.qr_token(event, now=now)
    return client.get(reverse("event-join", kwargs={"pk": event.pk}), {"token": token})


def queue_titles(event) -> list[str]:  # noqa: ANN001
    return [e.track.title for e in QueueEntry.objects.filter(event=event).queued().select_related("track")]


# --- guests -----------------------------------------------------------------------------


def test_scanning_the_code_starts_a_guest_session_in_a_signed_cookie_for_that_event_only(client, night):
    response = join(client, night.event)
    assert response.status_code == 302
    assert response["Location"] == page_url(night.event)
    cookie = response.cookies[f"encore_guest_{night.event.pk}"]
    assert cookie["path"] == page_url(night.event)
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.EVENT_GUEST_MAX_AGE_SECONDS

    page = client.get(page_url(night.event)).content.decode()
    assert "Scan the code" not in page
    assert f'action="{vote_url(night.event)}"' in page

    response = client.post(vote_url(night.event), {"track": night.tracks[1].pk}, follow=True)
    assert "Voted for “Rua Escura”." in response.content.decode()
    vote = Vote.objects.get()
    assert vote.user is None and vote.guest.event == night.event


def test_a_guest_cookie_is_worth_nothing_at_another_event(client, night):
    other = EventFactory(tracks=night.tracks)
    join(client, night.event)
    # The browser would not even send it there (its path); forged onto the other path, it is refused.
    client.cookies[f"encore_guest_{other.pk}"] = client.cookies[f"encore_guest_{night.event.pk}"].value
    assert "Scan the code" in client.get(page_url(other)).content.decode()
    assert client.post(vote_url(other), {"track": night.tracks[0].pk}, **HTMX).status_code == 403
    assert not Vote.objects.exists()


def test_scanning_again_keeps_the_same_guest_and_its_cooldown(client, night):
    join(client, night.event)
    first = client.cookies[f"encore_guest_{night.event.pk}"].value
    response = join(client, night.event)
    assert f"encore_guest_{night.event.pk}" not in response.cookies
    assert client.cookies[f"encore_guest_{night.event.pk}"].value == first


def test_an_expired_code_is_refused_with_the_reason_and_starts_no_session(client, night):
    long_ago = timezone.now() - timedelta(seconds=3 * settings.EVENT_QR_ROTATE_SECONDS)
    response = join(client, night.event, now=long_ago)
    assert response.status_code == 302
    assert f"encore_guest_{night.event.pk}" not in response.cookies
    page = unescape(client.get(response["Location"]).content.decode())
    assert "This code has expired" in page
    assert "Scan the code on the venue's screen to vote" in page


def test_a_signed_in_fan_votes_as_themselves_without_scanning(client, night):
    fan = UserFactory()
    client.force_login(fan)
    page = client.get(page_url(night.event)).content.decode()
    assert "Scan the code" not in page
    response = client.post(vote_url(night.event), {"track": night.tracks[0].pk})
    assert response.status_code == 302
    assert Vote.objects.get().user == fan


def test_a_visitor_with_neither_sees_the_queue_read_only(client, night):
    services.cast_vote(night.event, night.tracks[2].pk, guest=services.guest_for(night.event))
    page = unescape(client.get(page_url(night.event)).content.decode())
    assert "Fado do Cais" in page
    assert "Scan the code on the venue's screen to vote" in page
    assert vote_url(night.event) not in page
    # Posting anyway changes nothing: without JavaScript a message, with HTMX a refusal.
    response = client.post(vote_url(night.event), {"track": night.tracks[0].pk}, follow=True)
    assert "Scan the code on the venue's screen to vote." in unescape(response.content.decode())
    assert client.post(vote_url(night.event), {"track": night.tracks[0].pk}, **HTMX).status_code == 403
    assert Vote.objects.count() == 1


# --- voting -----------------------------------------------------------------------------


def test_voting_without_javascript_posts_then_redirects_with_a_message(client, night):
    client.force_login(UserFactory())
    response = client.post(vote_url(night.event), {"track": night.tracks[0].pk, "q": "lis"})
    assert response.status_code == 302
    assert response["Location"] == page_url(night.event) + "?q=lis#pool"
    assert "Voted for" in client.get(response["Location"]).content.decode()
    assert queue_titles(night.event) == ["Lisboa Menina"]


def test_voting_with_htmx_answers_with_the_queue_and_a_notice(client, night):
    client.force_login(UserFactory())
    response = client.post(vote_url(night.event), {"track": night.tracks[0].pk}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="live"')
    assert 'id="vote-notice"' in html and 'hx-swap-oob="true"' in html
    assert "Voted for “Lisboa Menina”." in html
    assert re.search(r"data-voted disabled><span data-button-text>Voted</span>", html)


def test_votes_reorder_the_queue_the_page_shows(client, night):
    services.cast_vote(night.event, night.tracks[0].pk, guest=services.guest_for(night.event))
    services.cast_vote(night.event, night.tracks[1].pk, guest=services.guest_for(night.event))
    client.force_login(UserFactory())
    html = client.post(vote_url(night.event), {"track": night.tracks[1].pk}, **HTMX).content.decode()
    assert html.index("Rua Escura") < html.index("Lisboa Menina")


def test_after_a_vote_the_page_counts_down_the_cooldown_and_a_vote_too_soon_is_429(client, night):
    night.event.vote_cooldown_seconds = 30
    night.event.save()
    client.force_login(UserFactory())
    done = client.post(vote_url(night.event), {"track": night.tracks[0].pk}, **HTMX).content.decode()
    assert 'data-cooldown="30"' in done
    assert "You can vote again in <span data-countdown>30 s</span>." in done

    too_soon = client.post(vote_url(night.event), {"track": night.tracks[1].pk}, **HTMX)
    assert too_soon.status_code == 429
    wait = int(too_soon["Retry-After"])
    assert 28 <= wait <= 30
    html = too_soon.content.decode()
    assert f'data-cooldown="{wait}"' in html
    assert f"You can vote again in <span data-countdown>{wait} s</span>." in html
    assert Vote.objects.count() == 1

    # A reload shows the same countdown, from the guest's last vote.
    page = client.get(page_url(night.event)).content.decode()
    assert re.search(r'data-cooldown="(29|30)"', page)
    assert re.search(r"You can vote again in <span data-countdown>(29|30) s</span>", page)
    waiting = 'data-label="Request" disabled aria-describedby="cooldown-note"><span data-button-text>Request<'
    assert waiting in page


def test_a_vote_too_soon_without_javascript_says_how_long_to_wait(client, night):
    night.event.vote_cooldown_seconds = 30
    night.event.save()
    client.force_login(UserFactory())
    client.post(vote_url(night.event), {"track": night.tracks[0].pk})
    response = client.post(vote_url(night.event), {"track": night.tracks[1].pk}, follow=True)
    html = response.content.decode()
    assert re.search(r"You can vote again in <span data-countdown>(29|30) s</span>", html)


def test_refusals_are_shown_inline_with_their_status(client, night):
    client.force_login(UserFactory())
    client.post(vote_url(night.event), {"track": night.tracks[0].pk}, **HTMX)
    again = client.post(vote_url(night.event), {"track": night.tracks[0].pk}, **HTMX)
    assert again.status_code == 409
    assert "You already voted for this track." in again.content.decode()
    outside = client.post(vote_url(night.event), {"track": TrackFactory().pk}, **HTMX)
    assert outside.status_code == 400
    assert "not in tonight" in outside.content.decode()
    nonsense = client.post(vote_url(night.event), {"track": "abc"}, **HTMX)
    assert nonsense.status_code == 400


def test_an_ended_event_shows_its_history_and_takes_no_votes(client, night):
    services.cast_vote(night.event, night.tracks[0].pk, guest=services.guest_for(night.event))
    services.play_next(night.event, actor=night.staff)
    services.end_event(night.event, actor=night.staff)
    client.force_login(UserFactory())
    page = client.get(page_url(night.event)).content.decode()
    assert "This jukebox night has ended" in page
    assert "Earlier tonight" in page and "Lisboa Menina" in page
    assert '<span class="status">Played tonight</span>' in page  # in the pool, too
    assert vote_url(night.event) not in page
    response = client.post(vote_url(night.event), {"track": night.tracks[1].pk}, **HTMX)
    assert response.status_code == 409


def test_the_pool_search_narrows_the_list_and_htmx_gets_just_the_pool(client, night):
    page = client.get(page_url(night.event), {"q": "rua"}).content.decode()
    assert "Rua Escura" in page and "Fado do Cais" not in page
    part = client.get(page_url(night.event), {"q": "fado"}, HTTP_HX_TARGET="pool", **HTMX).content.decode()
    assert part.lstrip().startswith('<section id="pool"')
    assert "Fado do Cais" in part and "Rua Escura" not in part


# --- drafts -----------------------------------------------------------------------------


def test_a_draft_is_not_found_but_by_its_venues_staff(client, night):
    draft = EventFactory(venue=night.event.venue, status=EventStatus.DRAFT, tracks=night.tracks)
    elsewhere = UserFactory(group=VENUE_STAFF)
    VenueFactory(staff=[elsewhere])
    for who in (None, UserFactory(), elsewhere):
        client.logout()
        if who is not None:
            client.force_login(who)
        assert client.get(page_url(draft)).status_code == 404
        assert client.get(reverse("event-join", kwargs={"pk": draft.pk})).status_code == 404
        assert client.post(vote_url(draft), {"track": night.tracks[0].pk}).status_code == 404
    client.force_login(night.staff)
    assert "Draft: only the venue" in client.get(page_url(draft)).content.decode()


# --- the venue's screen -----------------------------------------------------------------


def display_url(event, part: str = "") -> str:  # noqa: ANN001
    return reverse(f"event-display{part}", kwargs={"pk": event.pk})


def test_the_screen_is_for_the_venues_staff_only(client, night):
    assert client.get(display_url(night.event)).status_code == 302  # to sign in
    elsewhere = UserFactory(group=VENUE_STAFF)
    VenueFactory(staff=[elsewhere])
    for stranger in (UserFactory(), elsewhere):
        client.force_login(stranger)
        assert client.get(display_url(night.event)).status_code == 404
        assert client.post(display_url(night.event, "-ended"), {"entry": 1}).status_code == 404
        assert client.post(display_url(night.event, "-start")).status_code == 404
    client.force_login(night.staff)
    response = client.get(display_url(night.event))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg viewBox="0 0' in html and "Scan to vote" in html


def test_the_screens_code_joins_this_event_and_its_partial_brings_a_fresh_one(client, night):
    client.force_login(night.staff)
    response = client.get(display_url(night.event), {"part": "qr"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<figure id="qr"')
    assert 'hx-trigger="every 60s"' in html
    url = urlsplit(unescape(re.search(r'data-join-url="([^"]+)"', html).group(1)))
    # The address the screen was opened at (the test client's), not SITE_URL.
    assert f"{url.scheme}://{url.netloc}" == "http://testserver"
    assert url.path == reverse("event-join", kwargs={"pk": night.event.pk})
    assert services.check_qr_token(night.event, parse_qs(url.query)["token"][0])


def test_the_screen_plays_whats_playing(client, night):
    services.cast_vote(night.event, night.tracks[0].pk, guest=services.guest_for(night.event))
    playing = services.play_next(night.event, actor=night.staff)
    client.force_login(night.staff)
    html = client.get(display_url(night.event)).content.decode()
    assert f'src="{night.tracks[0].web_file.url}" data-entry-id="{playing.pk}"' in html


def test_start_plays_the_top_of_the_queue_only_when_nothing_plays(client, night):
    for track in night.tracks[:2]:
        services.cast_vote(night.event, track.pk, guest=services.guest_for(night.event))
    client.force_login(night.staff)
    response = client.post(display_url(night.event, "-start"), HTTP_ACCEPT="application/json")
    assert response.json()["now_playing"]["track"]["title"] == "Lisboa Menina"
    again = client.post(display_url(night.event, "-start"), HTTP_ACCEPT="application/json")
    assert again.json()["now_playing"]["track"]["title"] == "Lisboa Menina"
    assert queue_titles(night.event) == ["Rua Escura"]


def test_a_repeated_end_report_advances_the_queue_exactly_once(client, night):
    for track in night.tracks:
        services.cast_vote(night.event, track.pk, guest=services.guest_for(night.event))
    first = services.play_next(night.event, actor=night.staff)
    client.force_login(night.staff)
    url = display_url(night.event, "-ended")
    answer = client.post(url, {"entry": first.pk}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert answer.json()["now_playing"]["track"]["title"] == "Rua Escura"
    # The same report again (a retry, a second screen) and a plain form post: nothing moves.
    assert client.post(url, {"entry": first.pk}, HTTP_ACCEPT="application/json").status_code == 200
    assert client.post(url, {"entry": first.pk}).status_code == 302
    assert QueueEntry.objects.get(event=night.event, status=EntryStatus.PLAYING).track.title == "Rua Escura"
    assert queue_titles(night.event) == ["Fado do Cais"]
    assert QueueEntry.objects.filter(status=EntryStatus.PLAYED).count() == 1


def test_an_end_report_for_an_ended_event_is_a_conflict(client, night):
    services.end_event(night.event, actor=night.staff)
    client.force_login(night.staff)
    response = client.post(display_url(night.event, "-ended"), {"entry": 1}, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert response.json()["detail"] == "This event is not running."


@pytest.mark.parametrize("page", ["guest", "display"])
def test_jukebox_pages_have_no_inline_scripts(client, night, page):
    client.force_login(night.staff)
    url = page_url(night.event) if page == "guest" else display_url(night.event)
    html = client.get(url).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts
    assert all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in html


def test_the_history_says_a_skipped_track_was_skipped_not_played(client, night):
    guest = services.guest_for(night.event)
    services.cast_vote(night.event, night.tracks[0].pk, guest=guest)
    services.cast_vote(night.event, night.tracks[1].pk, guest=guest)
    services.play_next(night.event, actor=night.staff)  # Lisboa Menina plays
    services.skip(night.event, actor=night.staff)  # ...is cut short; Rua Escura plays
    services.play_next(night.event, actor=night.staff)  # ...to its end
    client.force_login(UserFactory())
    page = client.get(page_url(night.event)).content.decode()
    history = page[page.index('data-list="history"') : page.index("</ol>", page.index('data-list="history"'))]
    rows = re.findall(r'<li class="history-entry".*?</li>', history, re.S)
    assert len(rows) == 2
    assert "Rua Escura" in rows[0] and '<span class="status" data-field="status">Played</span>' in rows[0]
    assert "Lisboa Menina" in rows[1] and '<span class="status" data-field="status">Skipped</span>' in rows[1]
    assert "Played tonight" not in page.split('data-list="history"')[0].rsplit("<h2", 1)[1]
    # In the pool, too: each says what happened to it tonight.
    assert '<span class="status">Skipped tonight</span>' in page
    assert '<span class="status">Played tonight</span>' in page
