from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from django.utils.http import http_date

from apps.core import ranges
from apps.core.views import serve_media

BODY = bytes(range(256)) * 40  # 10,240 bytes, every offset distinguishable
MTIME = 1_700_000_000


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "press").mkdir(parents=True)
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def clip(media_root: Path) -> Path:
    path = media_root / "press" / "set.mp3"
    path.write_bytes(BODY)
    os.utime(path, (MTIME, MTIME))
    return path


URL = "/media/press/set.mp3"


def body_of(response) -> bytes:  # noqa: ANN001
    return b"".join(response.streaming_content) if response.streaming else response.content


def current_etag(client) -> str:  # noqa: ANN001
    response = client.get(URL)
    body_of(response)  # read to the end, which closes the file
    return response["ETag"]


def test_it_serves_the_whole_file_without_a_range(client, clip):
    response = client.get(URL)
    assert response.status_code == 200
    assert body_of(response) == BODY
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(BODY))
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Last-Modified"] == http_date(MTIME)
    assert response["ETag"].startswith('"')
    assert "Content-Range" not in response


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=100-199", 100, 199),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-240", 10000, 10239),
        ("bytes=0-", 0, 10239),
        ("BYTES=5-9", 5, 9),
    ],
)
def test_it_serves_exactly_the_requested_range(client, clip, header, start, end):
    response = client.get(URL, headers={"Range": header})
    assert response.status_code == 206
    assert body_of(response) == BODY[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(BODY)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"


def test_it_clamps_a_range_that_ends_past_the_file(client, clip):
    response = client.get(URL, headers={"Range": "bytes=10200-99999"})
    assert response.status_code == 206
    assert body_of(response) == BODY[10200:]
    assert response["Content-Range"] == f"bytes 10200-10239/{len(BODY)}"
    assert response["Content-Length"] == "40"


def test_a_suffix_longer_than_the_file_is_the_whole_file(client, clip):
    response = client.get(URL, headers={"Range": "bytes=-99999"})
    assert response.status_code == 206
    assert body_of(response) == BODY
    assert response["Content-Range"] == f"bytes 0-10239/{len(BODY)}"


# Closing a response sends request_finished, whose handler looks at the database connection.
def test_it_streams_in_chunks_and_closes_the_file(rf, clip, monkeypatch, db):
    monkeypatch.setattr(ranges, "CHUNK_SIZE", 1000)
    handle = clip.open("rb")
    request = rf.get(URL, headers={"Range": "bytes=100-3099"})
    response = ranges.ranged_file_response(request, handle, size=len(BODY), content_type="audio/mpeg")
    chunks = list(response.streaming_content)
    assert [len(chunk) for chunk in chunks] == [1000, 1000, 1000]
    assert b"".join(chunks) == BODY[100:3100]
    assert not handle.closed
    response.close()
    assert handle.closed


def test_the_file_is_closed_even_if_the_body_is_never_read(rf, clip, db):
    for request in (rf.get(URL), rf.get(URL, headers={"Range": "bytes=0-9"}), rf.head(URL)):
        handle = clip.open("rb")
        response = ranges.ranged_file_response(request, handle, size=len(BODY), content_type="audio/mpeg")
        response.close()
        assert handle.closed


def test_without_a_modification_time_there_are_no_validators(rf, clip):
    with clip.open("rb") as handle:
        request = rf.get(URL, headers={"Range": "bytes=0-9", "If-Range": '"x"'})
        response = ranges.ranged_file_response(request, handle, size=len(BODY), content_type="audio/mpeg")
        # Nothing to compare If-Range with, so the whole file is the safe answer.
        assert response.status_code == 200
        assert "ETag" not in response
        assert "Last-Modified" not in response
        assert "Content-Disposition" not in response


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=20000-20100", "bytes=-0"])
def test_an_unsatisfiable_range_is_refused_with_416(client, clip, header):
    response = client.get(URL, headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BODY)}"
    assert response.content == b""


@pytest.mark.parametrize("header", ["bytes=0-1", "bytes=-5", "bytes=0-"])
def test_any_range_of_an_empty_file_is_unsatisfiable(client, media_root, header):
    (media_root / "empty.mp3").write_bytes(b"")
    response = client.get("/media/empty.mp3", headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */0"


def test_an_empty_file_without_a_range_is_served(client, media_root):
    (media_root / "empty.mp3").write_bytes(b"")
    response = client.get("/media/empty.mp3")
    assert response.status_code == 200
    assert body_of(response) == b""
    assert response["Content-Length"] == "0"


@pytest.mark.parametrize(
    "header",
    [
        "bytes=abc-def",
        "bytes=-",
        "bytes=9-3",  # last before first
        "bytes 0-10",
        "items=0-10",
        "bytes=0-10;",
        "bytes=١-٢",  # digits, but not ASCII ones
        "bytes=" + "9" * 5000 + "-",
    ],
)
def test_a_malformed_range_is_ignored(client, clip, header):
    response = client.get(URL, headers={"Range": header})
    assert response.status_code == 200
    assert body_of(response) == BODY
    assert "Content-Range" not in response


def test_several_ranges_get_the_whole_file(client, clip):
    response = client.get(URL, headers={"Range": "bytes=0-9, 20-29"})
    assert response.status_code == 200
    assert body_of(response) == BODY
    assert response["Content-Length"] == str(len(BODY))


def test_head_gets_the_headers_without_a_body(rf, client, clip):
    response = serve_media(rf.head(URL), "press/set.mp3")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(len(BODY))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/mpeg"
    assert response["ETag"] == current_etag(client)


def test_head_ignores_a_range(rf, clip):
    # Range is only defined for GET.
    response = serve_media(rf.head(URL, headers={"Range": "bytes=0-9"}), "press/set.mp3")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(BODY))


def test_if_range_with_the_current_etag_gets_the_range(client, clip):
    etag = current_etag(client)
    response = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert response.status_code == 206
    assert body_of(response) == BODY[:10]


def test_if_range_with_the_current_date_gets_the_range(client, clip):
    response = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": http_date(MTIME)})
    assert response.status_code == 206
    assert body_of(response) == BODY[:10]


@pytest.mark.parametrize("stale", ['"0-0"', "W/{etag}", http_date(MTIME - 60)])
def test_a_stale_if_range_gets_the_whole_file(client, clip, stale):
    etag = current_etag(client)
    response = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": stale.format(etag=etag)})
    assert response.status_code == 200
    assert body_of(response) == BODY


def test_a_changed_file_no_longer_matches_its_old_etag(client, clip):
    etag = current_etag(client)
    clip.write_bytes(BODY[:100])
    response = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert response.status_code == 200
    assert body_of(response) == BODY[:100]


def test_a_cached_copy_is_revalidated_with_304(client, clip):
    etag = current_etag(client)
    response = client.get(URL, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag


async def test_it_streams_asynchronously_under_asgi(async_client, clip):
    with warnings.catch_warnings():
        # Django warns when it has to read a synchronous stream whole under ASGI.
        warnings.filterwarnings("error", message="StreamingHttpResponse must consume")
        response = await async_client.get(URL, headers={"Range": "bytes=5-14"})
        # Read the way the ASGI server does.
        body = b"".join([chunk async for chunk in response])
    assert response.status_code == 206
    assert body == BODY[5:15]


def test_a_post_is_not_allowed(client, clip):
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/media/../config/settings/base.py",
        "/media/%2e%2e/config/settings/base.py",
        "/media/press/%2e%2e/%2e%2e/%2e%2e/config/settings/base.py",
        "/media/..%2fconfig%2fsettings%2fbase.py",
        "/media//etc/passwd",
        "/media/press/set.mp3%00.txt",
        "/media/press",
        "/media/press/missing.mp3",
    ],
)
def test_it_only_serves_files_inside_the_media_root(client, clip, media_root, url):
    (media_root.parent / "secret.txt").write_text("not media")
    assert client.get(url).status_code == 404
    assert client.get(url.replace("config/settings/base.py", "secret.txt")).status_code == 404
