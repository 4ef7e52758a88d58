import pytest

from tests.factories import ArtistProfileFactory


@pytest.fixture
def artist():
    return ArtistProfileFactory()
