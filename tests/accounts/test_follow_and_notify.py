import pytest
from django.core.exceptions import ValidationError

from apps.accounts import services
from apps.accounts.models import Follow, Notification
from tests.factories import ArtistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_following_notifies_the_artist_once(django_capture_on_commit_callbacks):
    artist, fan = ArtistProfileFactory(), UserFactory(display_name="Rita")
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_artist(artist, fan=fan)
        services.follow_artist(artist, fan=fan)
    assert Follow.objects.filter(fan=fan, artist=artist).count() == 1
    notification = Notification.objects.get(recipient=artist.user)
    assert notification.text == "Rita started following you."
    assert notification.actor == fan


def test_notification_never_shows_the_fans_email():
    artist, fan = ArtistProfileFactory(), UserFactory(display_name="", email="secret@example.com")
    services.follow_artist(artist, fan=fan)
    assert "secret@example.com" not in Notification.objects.get().text


def test_an_artist_cannot_follow_themselves():
    artist = ArtistProfileFactory()
    with pytest.raises(ValidationError):
        services.follow_artist(artist, fan=artist.user)
    assert not Follow.objects.exists()


def test_unfollow_is_idempotent():
    artist, fan = ArtistProfileFactory(), UserFactory()
    services.follow_artist(artist, fan=fan)
    services.unfollow_artist(artist, fan=fan)
    services.unfollow_artist(artist, fan=fan)
    assert not Follow.objects.exists()


def test_marking_read_touches_only_the_users_own_notifications():
    alice, bob = UserFactory(), UserFactory()
    mine = services.notify(alice, kind="new_follower", text="a")
    theirs = services.notify(bob, kind="new_follower", text="b")
    assert services.mark_notifications_read(alice, ids=[mine.id, theirs.id]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
