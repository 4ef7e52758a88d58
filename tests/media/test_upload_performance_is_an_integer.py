"""An upload's performance is an integer id: a JSON string is refused naming performance, while
a form, whose values are all text, names it by its digits."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from apps.media.api.serializers import ClipUploadSerializer, StoryUploadSerializer
from apps.performances import services
from tests.factories import ArtistProfileFactory
from tests.performances.helpers import route

pytestmark = pytest.mark.django_db


@pytest.fixture
def performance():
    artist = ArtistProfileFactory()
    return services.create_performance(artist, actor=artist.user, title="Set", stops=route(60))


@pytest.mark.parametrize("serializer", [ClipUploadSerializer, StoryUploadSerializer])
@pytest.mark.parametrize("as_sent", [str, float, lambda pk: True, lambda pk: {"id": pk}])
def test_a_json_performance_that_is_not_an_integer_is_refused(performance, serializer, as_sent):
    data = serializer(data={"upload": "uploads/key", "performance": as_sent(performance.pk)})
    assert not data.is_valid()
    assert list(data.errors) == ["performance"]


@pytest.mark.parametrize("serializer", [ClipUploadSerializer, StoryUploadSerializer])
def test_a_form_names_the_performance_by_its_digits(performance, serializer):
    form = QueryDict(mutable=True)
    form.update({"upload": "uploads/key", "performance": str(performance.pk)})
    data = serializer(data=form)
    assert data.is_valid(), data.errors
    assert data.validated_data["performance"] == performance

    form["performance"] = f"{performance.pk}.0"
    refused = serializer(data=form)
    assert not refused.is_valid()
    assert list(refused.errors) == ["performance"]
