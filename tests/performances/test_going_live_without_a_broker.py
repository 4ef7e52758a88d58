"""Going live is answered by its own write: when the broker cannot take the followers'
notification task, the performance is live, the artist gets their 200, and the failure is
logged rather than turned into the request's answer."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError

from apps.performances import tasks
from apps.performances.models import Performance, PerformanceStatus
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import plan

pytestmark = pytest.mark.django_db(transaction=True)


def test_going_live_answers_200_when_the_broker_is_down(api_as, monkeypatch):
    def broker_down(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.notify_followers_live, "delay", broker_down)
    artist = ArtistProfileFactory()
    performance = plan(artist, -10)

    response = api_as(artist.user).post(f"/api/v1/performances/{performance.pk}/go-live/")

    assert response.status_code == 200, response.content
    assert Performance.objects.get(pk=performance.pk).status == PerformanceStatus.LIVE
