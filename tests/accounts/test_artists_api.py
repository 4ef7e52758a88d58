import pytest

from apps.accounts.models import Follow, Notification
from tests.factories import AreaFactory, ArtistProfileFactory, GenreFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_artists_are_listed_with_cursor_pages(api):
    for n in range(25):
        ArtistProfileFactory(stage_name=f"Artist {n:02}", slug=f"artist-{n:02}")
    first = api.get("/api/v1/artists/").json()
    assert len(first["results"]) == 20
    assert "cursor=" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 5
    names = [a["stage_name"] for a in first["results"] + second["results"]]
    assert names == sorted(names)


def test_artists_filter_by_genre_area_and_text(api):
    jazz, area = GenreFactory(slug="jazz", name="Jazz"), AreaFactory(slug="alfama")
    wanted = ArtistProfileFactory(stage_name="Sax Man", home_area=area)
    wanted.genres.add(jazz)
    ArtistProfileFactory(stage_name="Drum Girl")
    for query in ("genre=jazz", "area=alfama", "q=sax"):
        slugs = [a["slug"] for a in api.get(f"/api/v1/artists/?{query}").json()["results"]]
        assert slugs == [wanted.slug], query


def test_follow_is_idempotent_and_unfollow_removes_it(api_as):
    artist, fan = ArtistProfileFactory(), UserFactory()
    client = api_as(fan)
    for _ in range(2):
        response = client.put(f"/api/v1/artists/{artist.slug}/follow/")
        assert response.status_code == 200
        assert response.json() == {"following": True, "follower_count": 1}
    assert Notification.objects.filter(recipient=artist.user).count() == 1
    assert client.delete(f"/api/v1/artists/{artist.slug}/follow/").status_code == 204
    assert not Follow.objects.exists()


def test_following_yourself_is_a_field_error(api_as):
    artist = ArtistProfileFactory()
    response = api_as(artist.user).put(f"/api/v1/artists/{artist.slug}/follow/")
    assert response.status_code == 400
    assert response.json()["errors"] == {"artist": ["You cannot follow yourself."]}


def test_unknown_artist_is_404_as_json(api_as):
    response = api_as(UserFactory()).put("/api/v1/artists/nobody/follow/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_notifications_api_lists_only_mine_and_marks_read(api_as):
    alice, bob = UserFactory(), UserFactory()
    ArtistProfileFactory(user=alice)
    artist = alice.artist_profile
    api_as(bob).put(f"/api/v1/artists/{artist.slug}/follow/")
    mine = api_as(alice).get("/api/v1/me/notifications/").json()["results"]
    assert [n["kind"] for n in mine] == ["new_follower"]
    assert api_as(bob).get("/api/v1/me/notifications/").json()["results"] == []
    result = api_as(alice).post("/api/v1/me/notifications/read/", {}, format="json").json()
    assert result == {"marked": 1, "unread_count": 0}


def test_a_bad_page_size_is_a_400_naming_it(api):
    for value in ("0", "101", "many"):
        response = api.get(f"/api/v1/artists/?page_size={value}")
        assert response.status_code == 400
        assert "page_size" in response.json()["errors"]
    assert api.get("/api/v1/artists/?page_size=5").status_code == 200
