"""A story is gone exactly 24 hours after it was posted, whether or not the clean-up ran."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from apps.media.models import Story
from apps.media.tasks import delete_expired_stories
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_a_story_stops_being_served_at_24_hours_and_the_clean_up_removes_row_and_files(
    client, artist, django_capture_on_commit_callbacks
):
    posted = timezone.now()
    story = StoryFactory(artist=artist, created_at=posted, expires_at=posted + timedelta(hours=24))
    files = [Path(f.path) for f in story.files()]
    urls = [f.url for f in story.files()]
    page = artist.get_absolute_url()

    with time_machine.travel(posted + timedelta(hours=23, minutes=59), tick=False):
        assert client.get("/api/v1/media/stories/").json()["results"][0]["id"] == story.pk
        assert client.get(f"/api/v1/media/stories/{story.pk}/").status_code == 200
        assert 'id="stories"' in client.get(page).content.decode()
        assert all(client.get(url).status_code == 200 for url in urls)

    with time_machine.travel(posted + timedelta(hours=24, seconds=1), tick=False):
        # The clean-up has not run: the row and files are still there, but nothing serves them.
        assert Story.everything.filter(pk=story.pk).exists()
        assert client.get("/api/v1/media/stories/").json()["results"] == []
        assert client.get(f"/api/v1/media/stories/{story.pk}/").status_code == 404
        assert 'id="stories"' not in client.get(page).content.decode()
        assert all(client.get(url).status_code == 404 for url in urls)

        with django_capture_on_commit_callbacks(execute=True):
            assert delete_expired_stories() == 1
        assert not Story.everything.filter(pk=story.pk).exists()
        assert not any(path.exists() for path in files)
        # Running it again finds nothing to do.
        assert delete_expired_stories() == 0


def test_the_clean_up_leaves_current_stories_alone(artist):
    current = StoryFactory(artist=artist)
    assert delete_expired_stories() == 0
    assert Story.objects.filter(pk=current.pk).exists()
