"""The followers' fan-out runs in a real Celery worker over the Redis broker."""

import time

import pytest

from apps.accounts.models import Notification
from apps.performances import services
from apps.performances.tasks import notify_followers_live
from tests import workers
from tests.factories import ArtistProfileFactory, FollowFactory
from tests.performances.helpers import route
from tests.workers import wait_for

worker = workers.worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.slow]


def test_a_worker_notifies_each_follower_once_even_when_the_task_runs_twice(worker):
    artist = ArtistProfileFactory()
    fans = [FollowFactory(artist=artist).fan for _ in range(3)]
    performance = services.create_performance(artist, actor=artist.user, title="Set", stops=route(-5))
    services.go_live(performance, actor=artist.user)
    notify_followers_live.delay(performance.pk)
    notify_followers_live.delay(performance.pk)

    def everyone_told() -> bool:
        return Notification.objects.filter(kind="artist_live").count() == len(fans)

    assert wait_for(everyone_told)
    time.sleep(0.5)
    assert sorted(
        Notification.objects.filter(kind="artist_live").values_list("recipient_id", flat=True)
    ) == sorted(f.pk for f in fans)


def test_the_task_returns_quietly_when_the_performance_is_gone(worker):
    result = notify_followers_live.delay(987654)
    time.sleep(0.5)
    assert not Notification.objects.exists()
    assert result.id
