import io

import pytest
from PIL import Image

from apps.accounts.models import ArtistProfile
from tests.factories import GenreFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_shows_only_the_callers_own_account(api_as):
    alice = UserFactory(email="alice@example.com")
    body = api_as(alice).get("/api/v1/me/").json()
    assert body["email"] == "alice@example.com"
    assert body["artist"] is None


def test_patching_me_validates_and_names_the_field(api_as):
    user = UserFactory()
    response = api_as(user).patch("/api/v1/me/", {"radius_km": 500}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "radius_km" in body["errors"]
    user.refresh_from_db()
    assert user.radius_km == 5


def test_patching_me_sets_preferences_by_genre_slug(api_as):
    user = UserFactory()
    GenreFactory(slug="jazz", name="Jazz")
    response = api_as(user).patch(
        "/api/v1/me/", {"preferred_genres": ["jazz"], "radius_km": 12, "display_name": "Rita"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["preferred_genres"] == ["jazz"]
    assert list(user.preferred_genres.values_list("slug", flat=True)) == ["jazz"]


def test_unknown_genre_is_a_field_error(api_as):
    response = api_as(UserFactory()).patch("/api/v1/me/", {"preferred_genres": ["polka"]}, format="json")
    assert response.status_code == 400
    assert "preferred_genres" in response.json()["errors"]


def test_email_cannot_be_changed_through_me(api_as):
    user = UserFactory(email="keep@example.com")
    api_as(user).patch("/api/v1/me/", {"email": "other@example.com"}, format="json")
    user.refresh_from_db()
    assert user.email == "keep@example.com"


def test_artist_profile_is_created_with_a_multipart_avatar(api_as):
    user = UserFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "blue").save(buffer, format="PNG")
    buffer.name = "me.png"
    buffer.seek(0)
    response = api_as(user).post(
        "/api/v1/me/artist/", {"stage_name": "Blue Note", "avatar": buffer}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "blue-note"
    assert body["avatar"].endswith(".jpg")


def test_artist_profile_with_bad_link_changes_nothing(api_as):
    response = api_as(UserFactory()).post(
        "/api/v1/me/artist/",
        {"stage_name": "X", "spotify_url": "https://example.com/not-spotify"},
        format="json",
    )
    assert response.status_code == 400
    assert "spotify_url" in response.json()["errors"]
    assert not ArtistProfile.objects.exists()


def test_anonymous_app_is_told_to_sign_in_with_401(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert "Session-Token" in response["WWW-Authenticate"]
    assert response.json()["code"] == "not_authenticated"
