import pytest
from django.urls import reverse

from apps.accounts.models import ArtistProfile, Follow
from apps.media.models import Track
from tests.factories import ArtistProfileFactory, FollowFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_become_an_artist_form_creates_the_profile_and_shows_the_page(client_as):
    client = client_as(UserFactory())
    response = client.post(reverse("artist-create"), {"stage_name": "Rua Nova", "bio": "Hi"}, follow=True)
    assert response.status_code == 200
    assert ArtistProfile.objects.get().slug == "rua-nova"
    assert b"<h1>Rua Nova</h1>" in response.content


def test_form_shows_the_services_rule_as_a_field_error(client_as):
    client = client_as(UserFactory())
    response = client.post(
        reverse("artist-create"), {"stage_name": "X", "youtube_url": "https://vimeo.com/x"}
    )
    assert response.status_code == 200
    assert b"This must be a link to youtube.com." in response.content
    assert not ArtistProfile.objects.exists()


def test_inline_validation_returns_just_that_fields_errors_and_saves_nothing(client_as):
    client = client_as(UserFactory())
    response = client.post(
        reverse("artist-create"),
        {"stage_name": "", "_validate": "stage_name"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="id_stage_name-errors"')
    assert "This field is required." in html
    assert "<form" not in html
    assert not ArtistProfile.objects.exists()


def test_form_fields_carry_inline_validation_attributes_and_a_plain_action(client_as):
    client = client_as(UserFactory())
    html = client.get(reverse("artist-create")).content.decode()
    assert 'hx-post="/me/artist/new/"' in html
    assert 'method="post"' in html


def test_edit_page_edits_only_my_own_profile(client_as):
    mine = ArtistProfileFactory(stage_name="Mine")
    ArtistProfileFactory(stage_name="Theirs", slug="theirs")
    client = client_as(mine.user)
    client.post(reverse("artist-edit"), {"stage_name": "Mine Renamed"})
    mine.refresh_from_db()
    assert mine.stage_name == "Mine Renamed"
    assert ArtistProfile.objects.get(slug="theirs").stage_name == "Theirs"


def test_follow_button_swaps_in_place_with_htmx(client_as):
    artist = ArtistProfileFactory()
    client = client_as(UserFactory())
    url = reverse("artist-follow", args=[artist.slug])
    response = client.post(url, {"action": "follow"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith('<div id="follow"')
    assert "Following" in html
    assert Follow.objects.count() == 1
    client.post(url, {"action": "unfollow"}, HTTP_HX_REQUEST="true")
    assert Follow.objects.count() == 0


def test_follow_without_javascript_redirects_back_to_the_artist(client_as):
    artist = ArtistProfileFactory()
    response = client_as(UserFactory()).post(reverse("artist-follow", args=[artist.slug]))
    assert response.status_code == 302
    assert response["Location"] == artist.get_absolute_url()


def test_bio_is_shown_sanitised(client):
    artist = ArtistProfileFactory(bio="<p>ok</p>")
    ArtistProfile.objects.filter(pk=artist.pk).update(bio="<p>ok</p>")
    html = client.get(artist.get_absolute_url()).content.decode()
    assert "<p>ok</p>" in html


def test_artist_list_filters_and_swaps_results_with_htmx(client):
    ArtistProfileFactory(stage_name="Sax Man")
    ArtistProfileFactory(stage_name="Drum Girl")
    response = client.get(reverse("artist-list"), {"q": "sax"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith('<div id="results">')
    assert "Sax Man" in html
    assert "Drum Girl" not in html


def test_settings_page_saves_preferences(client_as):
    user = UserFactory()
    response = client_as(user).post(reverse("account-settings"), {"display_name": "Rita", "radius_km": 9})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.radius_km) == ("Rita", 9)


def test_settings_page_rejects_a_radius_beyond_50_km(client_as):
    user = UserFactory()
    response = client_as(user).post(reverse("account-settings"), {"display_name": "R", "radius_km": 80})
    assert response.status_code == 200
    assert b"less than or equal to 50" in response.content
    user.refresh_from_db()
    assert user.radius_km == 5


def test_the_profile_form_names_each_link_by_its_service(client_as):
    artist = ArtistProfileFactory()
    html = client_as(artist.user).get(reverse("artist-edit")).content.decode()
    for field, label in [
        ("instagram_url", "Instagram"),
        ("spotify_url", "Spotify"),
        ("youtube_url", "YouTube"),
        ("website_url", "Website"),
    ]:
        assert f'<label for="id_{field}">{label}</label>' in html
    assert "Youtube url" not in html


def test_the_artist_page_says_1_follower_and_1_play_in_the_singular(client):
    artist = ArtistProfileFactory()
    FollowFactory(artist=artist)
    track = TrackFactory(artist=artist)
    Track.objects.filter(pk=track.pk).update(play_count=1)
    html = client.get(artist.get_absolute_url()).content.decode()
    assert "<span data-follower-count>1</span> follower</span>" in html
    assert "<span data-play-count>1</span> <span data-play-noun>play</span>" in html
    FollowFactory(artist=artist)
    html = client.get(artist.get_absolute_url()).content.decode()
    assert "<span data-follower-count>2</span> followers</span>" in html
