from __future__ import annotations

import base64
import calendar
import json
import time
import urllib.error
import urllib.request
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from storages.backends.s3 import S3Storage

from apps.media import direct_uploads
from apps.media.direct_uploads import (
    DirectUploadError,
    direct_uploads_enabled,
    discard_direct_upload,
    fetch_direct_upload,
    start_direct_upload,
)
from tests import s3
from tests.s3 import use_s3_storage

# The S3 fixtures, by name (an import would read as unused and then redefined).
s3_server = s3.s3_server
s3_storage = s3.s3_storage

MB = 1024 * 1024
DATA = b"live at the harbour stage " * 40
ALICE, BOB = 1, 2
# Straight to the server, whatever proxies the environment names.
http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    assert urlsplit(url).hostname == "127.0.0.1"
    with http.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
        return response.status, response.headers, response.read()


def post_upload(ticket: dict, data: bytes) -> requests.Response:
    with requests.Session() as session:
        session.trust_env = False
        return session.post(
            ticket["url"], data=ticket["fields"], files={"file": ("set.mp4", data)}, timeout=10
        )


def exists(server, key: str) -> bool:  # noqa: ANN001
    try:
        server.client.head_object(Bucket=server.bucket, Key=key)
    except ClientError:
        return False
    return True


def test_the_default_storage_becomes_s3_when_settings_change(settings, s3_server):
    assert isinstance(default_storage, FileSystemStorage)
    assert not direct_uploads_enabled()
    storage = use_s3_storage(settings, s3_server)
    assert isinstance(storage, S3Storage)
    assert isinstance(default_storage, S3Storage)
    assert direct_uploads_enabled()


def test_direct_uploads_need_s3(settings):
    assert not direct_uploads_enabled()
    with pytest.raises(RuntimeError):
        start_direct_upload(owner_id=ALICE, max_bytes=MB)


def test_a_saved_file_round_trips(s3_storage):
    name = s3_storage.save("clips/set.mp4", ContentFile(DATA))
    assert s3_storage.exists(name)
    assert s3_storage.size(name) == len(DATA)
    with s3_storage.open(name) as stored:
        assert stored.read() == DATA
    # A second file under the same name gets a name of its own.
    assert s3_storage.save("clips/set.mp4", ContentFile(b"other")) != name


def test_a_presigned_url_serves_the_file(s3_storage):
    name = s3_storage.save("clips/set.mp4", ContentFile(DATA))
    status, _headers, body = get(s3_storage.url(name))
    assert status == 200
    assert body == DATA


def test_a_presigned_url_serves_a_byte_range(s3_storage):
    name = s3_storage.save("clips/set.mp4", ContentFile(DATA))
    status, headers, body = get(s3_storage.url(name), headers={"Range": "bytes=2-5"})
    assert status == 206
    assert body == DATA[2:6]
    assert headers["Content-Range"] == f"bytes 2-5/{len(DATA)}"


def signed_lifetime(url: str) -> int:
    """Seconds a presigned URL is valid for, whichever signature version signed it."""
    query = parse_qs(urlsplit(url).query)
    assert "X-Amz-Signature" in query or "Signature" in query
    if "X-Amz-Expires" in query:  # SigV4: a lifetime
        return int(query["X-Amz-Expires"][0])
    return int(query["Expires"][0]) - int(time.time())  # SigV2: a moment


def test_presigned_urls_are_short_lived(s3_storage):
    # The server does not enforce expiry, so the signed lifetime is what is checked.
    name = s3_storage.save("clips/set.mp4", ContentFile(DATA))
    assert 295 <= signed_lifetime(s3_storage.url(name)) <= 300
    assert 25 <= signed_lifetime(s3_storage.url(name, expire=30)) <= 30


def test_deleting_removes_the_file(s3_storage):
    name = s3_storage.save("clips/set.mp4", ContentFile(DATA))
    url = s3_storage.url(name)
    s3_storage.delete(name)
    assert not s3_storage.exists(name)
    with pytest.raises(urllib.error.HTTPError) as error:
        get(url)
    error.value.close()
    assert error.value.code == 404


def test_a_direct_upload_arrives_intact(s3_storage):
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=MB)
    assert ticket["key"].startswith(f"uploads/{ALICE}/")
    assert ticket["fields"]["key"] == ticket["key"]
    assert ticket["expires_in"] == 900
    assert post_upload(ticket, DATA).status_code in (200, 201, 204)

    path = fetch_direct_upload(ticket["key"], owner_id=ALICE, max_bytes=MB)
    try:
        assert path.read_bytes() == DATA
    finally:
        path.unlink()


def test_the_upload_policy_limits_size_and_lifetime(s3_storage):
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=5 * MB, expires_in=120)
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    assert ["content-length-range", 1, 5 * MB] in policy["conditions"]
    expires = calendar.timegm(time.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ"))
    assert 0 < expires - time.time() <= 120
    assert ticket["expires_in"] == 120


def test_direct_uploads_live_under_the_storage_location(settings, s3_server, s3_storage):
    use_s3_storage(settings, s3_server, location="media")
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=MB)
    assert ticket["fields"]["key"] == f"media/{ticket['key']}"
    assert post_upload(ticket, DATA).status_code in (200, 201, 204)
    assert default_storage.exists(ticket["key"])

    path = fetch_direct_upload(ticket["key"], owner_id=ALICE, max_bytes=MB)
    path.unlink()
    discard_direct_upload(ticket["key"])
    assert not exists(s3_server, ticket["fields"]["key"])


def test_an_oversize_object_is_refused_and_deleted(s3_storage, s3_server):
    # The server takes any size in a presigned POST; an object put behind its back stands in.
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=MB)
    s3_server.client.put_object(Bucket=s3_server.bucket, Key=ticket["key"], Body=b"x" * (MB + 1))
    with pytest.raises(DirectUploadError) as error:
        fetch_direct_upload(ticket["key"], owner_id=ALICE, max_bytes=MB)
    assert error.value.message == "The file is larger than 1 MB."
    assert not exists(s3_server, ticket["key"])


def test_an_object_that_grows_after_the_check_is_refused(s3_storage, s3_server, monkeypatch):
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=MB)
    s3_server.client.put_object(Bucket=s3_server.bucket, Key=ticket["key"], Body=b"x" * (MB + 1))
    real_client = direct_uploads._client(s3_storage)

    class MeasuredEarlier:
        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(real_client, name)

        def head_object(self, **kwargs):  # noqa: ANN003, ANN202
            return {**real_client.head_object(**kwargs), "ContentLength": 10}

    monkeypatch.setattr(direct_uploads, "_client", lambda storage: MeasuredEarlier())
    with pytest.raises(DirectUploadError, match="larger than 1 MB"):
        fetch_direct_upload(ticket["key"], owner_id=ALICE, max_bytes=MB)
    assert not exists(s3_server, ticket["key"])


def test_an_empty_object_is_refused_and_deleted(s3_storage, s3_server):
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=MB)
    s3_server.client.put_object(Bucket=s3_server.bucket, Key=ticket["key"], Body=b"")
    with pytest.raises(DirectUploadError, match="empty"):
        fetch_direct_upload(ticket["key"], owner_id=ALICE, max_bytes=MB)
    assert not exists(s3_server, ticket["key"])


def test_an_upload_that_never_arrived_is_reported(s3_storage):
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=MB)
    with pytest.raises(DirectUploadError) as error:
        fetch_direct_upload(ticket["key"], owner_id=ALICE, max_bytes=MB)
    assert error.value.message == "We did not receive the upload."


def test_it_validates_ownership(s3_storage, s3_server):
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=MB)
    post_upload(ticket, DATA)
    with pytest.raises(DirectUploadError) as error:
        fetch_direct_upload(ticket["key"], owner_id=BOB, max_bytes=MB)
    assert error.value.message == "This upload is not yours."
    assert exists(s3_server, ticket["key"])  # still there for its owner


@pytest.mark.parametrize(
    "key",
    [
        "uploads/12/" + "a" * 32,  # another owner whose id starts like alice's
        "uploads/1/../2/" + "a" * 32,
        "uploads/1/" + "a" * 32 + "/../../clips/set.mp4",
        "clips/set.mp4",
        "/uploads/1/" + "a" * 32,
        "",
    ],
)
def test_keys_outside_the_owners_uploads_are_refused(s3_storage, key):
    with pytest.raises(DirectUploadError, match="not yours"):
        fetch_direct_upload(key, owner_id=ALICE, max_bytes=MB)


def test_discarding_deletes_the_upload_and_tolerates_a_missing_one(s3_storage, s3_server):
    ticket = start_direct_upload(owner_id=ALICE, max_bytes=MB)
    post_upload(ticket, DATA)
    discard_direct_upload(ticket["key"])
    assert not exists(s3_server, ticket["key"])
    discard_direct_upload(ticket["key"])


def test_discarding_never_touches_stored_media(s3_storage):
    name = s3_storage.save("clips/set.mp4", ContentFile(DATA))
    with pytest.raises(DirectUploadError):
        discard_direct_upload(name)
    assert s3_storage.exists(name)
