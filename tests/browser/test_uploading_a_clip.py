import pytest
from playwright.sync_api import expect

from apps.media.generate import make_video
from apps.media.models import Clip, MediaStatus
from tests.factories import ArtistProfileFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def background_processing(settings):
    # As on the embedded default: the upload answers at once, processing follows.
    settings.BACKGROUND_THREAD = True


def test_an_artist_uploads_a_clip_watches_it_process_and_it_plays_on_their_page(
    open_page, background_processing, tmp_path
):
    artist = ArtistProfileFactory(stage_name="Rua Nova")
    video = make_video(tmp_path / "set.mp4", seconds=3, size=(320, 240))
    page = open_page("/me/media/", user=artist.user)
    form = page.locator("#upload-clip")
    form.locator("input[name=file]").set_input_files(str(video))
    form.locator("input[name=title]").fill("Sunset on the steps")
    # Remember the furthest the progress bar got while the file travelled.
    page.evaluate(
        """() => {
            window.progressSeen = 0;
            document.addEventListener("htmx:xhr:progress", () => {
                const bar = document.querySelector("#upload-clip progress");
                if (bar) window.progressSeen = Math.max(window.progressSeen, bar.value);
            });
        }"""
    )
    form.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-clip")).to_contain_text("Uploaded.")
    assert page.evaluate("window.progressSeen") == 100

    item = page.locator("#uploads li", has_text="Sunset on the steps")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Ready", timeout=20_000)
    clip = Clip.objects.get()
    assert clip.status == MediaStatus.READY

    page.goto(artist.get_absolute_url())
    player = page.locator(f"#clip-{clip.pk} video")
    expect(player).to_have_attribute("poster", clip.poster.url)
    poster_width = page.evaluate(
        """(url) => new Promise((done) => {
            const image = new Image();
            image.onload = () => done(image.naturalWidth);
            image.onerror = () => done(0);
            image.src = url;
        })""",
        clip.poster.url,
    )
    assert poster_width == 320
    duration = page.evaluate(
        """(video) => new Promise((done) => {
            video.preload = "metadata";
            video.onloadedmetadata = () => done(video.duration);
            video.onerror = () => done(-1);
            video.load();
        })""",
        player.element_handle(),
    )
    assert 2.8 <= duration <= 3.2
