"""Demo pictures are real JPEGs of the promised size, the same for the same name every time."""

from __future__ import annotations

import io

from PIL import Image

from apps.core import artwork


def _open(content) -> Image.Image:  # noqa: ANN001
    content.seek(0)
    image = Image.open(io.BytesIO(content.read()))
    image.load()
    return image


def test_each_kind_is_a_jpeg_of_its_size():
    for content, size in [
        (artwork.avatar("Marta Lume"), (320, 320)),
        (artwork.cover("Marta Lume"), (1200, 400)),
        (artwork.cover("fado-after-dark", title="Fado after dark"), (1200, 400)),
        (artwork.artwork("Saudade do Tejo", artist="Marta Lume"), (480, 480)),
        (artwork.poster("Under the arch", artist="Tiago Sax"), (960, 540)),
    ]:
        image = _open(content)
        assert image.format == "JPEG"
        assert image.size == size
        assert content.name.endswith(".jpg")


def test_the_same_name_gives_the_same_bytes_and_another_name_another_picture():
    assert artwork.avatar("Tiago Sax").read() == artwork.avatar("Tiago Sax").read()
    assert artwork.cover("Tiago Sax").read() != artwork.cover("Neon Tram").read()
    assert (
        artwork.artwork("Four Winds", artist="Kora").read()
        != artwork.artwork("Arco Blues", artist="Kora").read()
    )


def test_pictures_are_not_flat_and_stay_small():
    content = artwork.cover("Kora Collective")
    data = content.read()
    colours = _open(content).convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 1000
    assert len(data) < 150_000
    assert len(artwork.avatar("Kora Collective").read()) < 40_000


def test_names_with_letters_the_type_lacks_still_get_initials_and_a_file_name():
    assert artwork.initials("Inês Cordas") == "IC"
    assert artwork.initials("  ") == "?"
    assert artwork.avatar("Inês Cordas").name == "ines-cordas-avatar.jpg"
