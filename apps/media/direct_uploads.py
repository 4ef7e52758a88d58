"""Big files go from the app straight to S3 with a presigned POST; the server then checks the object."""

from __future__ import annotations

import re
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

MB = 1024 * 1024
_CHUNK_SIZE = 1024 * 1024
# A staged object not confirmed within this long never will be: the presigned POST is valid
# for 15 minutes, and even a 200 MB file on a slow phone connection is sent well inside it.
STAGED_UPLOAD_HOURS = 6
# Local copies of uploads being checked: deleted when the request ends, unless its process
# was killed.
COPY_PREFIX = "encore-upload-"
_MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


class DirectUploadError(Exception):
    """The upload cannot be used; ``message`` says why, for the uploader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def direct_uploads_enabled() -> bool:
    return isinstance(default_storage, S3Storage)


def start_direct_upload(*, owner_id: int, max_bytes: int, expires_in: int = 900) -> dict[str, Any]:
    """Where and how to POST one file of 1 to ``max_bytes`` bytes; ``key`` is what confirms it."""
    storage = _storage()
    key = f"uploads/{owner_id}/{uuid.uuid4().hex}"
    post = _client(storage).generate_presigned_post(
        Bucket=storage.bucket_name,
        Key=_object_key(storage, key),
        Conditions=[["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in,
    )
    return {"key": key, "url": post["url"], "fields": post["fields"], "expires_in": expires_in}


def fetch_direct_upload(key: str, *, owner_id: int, max_bytes: int) -> Path:
    """A temporary copy of the uploaded object, after checking whose it is and its size.

    The caller deletes the file. An object that breaks the limits is deleted here: the
    size condition of the presigned POST is the storage's promise, not proof.
    """
    if not _is_upload_key(key, owner_id=owner_id):
        raise DirectUploadError("This upload is not yours.")
    storage = _storage()
    client = _client(storage)
    location = {"Bucket": storage.bucket_name, "Key": _object_key(storage, key)}
    try:
        size = client.head_object(**location)["ContentLength"]
    except ClientError as exc:
        if _is_missing(exc):
            raise DirectUploadError("We did not receive the upload.") from exc
        raise
    if size == 0:
        client.delete_object(**location)
        raise DirectUploadError("The file is empty.")
    if size > max_bytes:
        client.delete_object(**location)
        raise DirectUploadError(_too_large(max_bytes))

    copy = tempfile.NamedTemporaryFile(prefix=COPY_PREFIX, delete=False)  # noqa: SIM115
    path = Path(copy.name)
    try:
        with copy:
            try:
                body = client.get_object(**location)["Body"]
            except ClientError as exc:
                if _is_missing(exc):
                    raise DirectUploadError("We did not receive the upload.") from exc
                raise
            # Count while copying: the object may have been replaced since it was measured.
            received = 0
            with body:
                while chunk := body.read(_CHUNK_SIZE):
                    received += len(chunk)
                    if received > max_bytes:
                        client.delete_object(**location)
                        raise DirectUploadError(_too_large(max_bytes))
                    copy.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def discard_direct_upload(key: str) -> None:
    """Delete an uploaded object; one that is already gone is fine."""
    # Only staging objects: a key from a client must never reach stored media.
    if not _is_upload_key(key):
        raise DirectUploadError("This upload is not yours.")
    storage = _storage()
    try:
        _client(storage).delete_object(Bucket=storage.bucket_name, Key=_object_key(storage, key))
    except ClientError as exc:
        if not _is_missing(exc):
            raise


def remove_staged_before(cutoff: datetime) -> int:
    """Delete staging objects last written before ``cutoff``; returns how many."""
    storage = _storage()
    client = _client(storage)
    location = _object_key(storage, "")
    removed = 0
    pages = client.get_paginator("list_objects_v2").paginate(
        Bucket=storage.bucket_name, Prefix=_object_key(storage, "uploads/")
    )
    for page in pages:
        for entry in page.get("Contents", []):
            # Only keys start_direct_upload hands out: nothing else under the prefix is ours.
            if entry["LastModified"] < cutoff and _is_upload_key(entry["Key"].removeprefix(location)):
                client.delete_object(Bucket=storage.bucket_name, Key=entry["Key"])
                removed += 1
    return removed


def remove_copies_before(cutoff: datetime) -> int:
    """Delete local copies of staged objects last written before ``cutoff``; returns how many."""
    removed = 0
    for path in Path(tempfile.gettempdir()).glob(f"{COPY_PREFIX}*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed


def _storage() -> S3Storage:
    if not direct_uploads_enabled():
        raise RuntimeError("Direct uploads need S3 storage (set AWS_STORAGE_BUCKET_NAME).")
    return default_storage


def _client(storage: S3Storage) -> Any:
    return storage.bucket.meta.client


def _object_key(storage: S3Storage, key: str) -> str:
    # The storage keeps everything under its location prefix, if it has one.
    location = storage.location.strip("/")
    return f"{location}/{key}" if location else key


def _is_upload_key(key: str, *, owner_id: int | None = None) -> bool:
    # Exactly the shape start_direct_upload hands out: no "..", no other folder.
    owner = str(owner_id) if owner_id is not None else "[0-9]+"
    return re.fullmatch(rf"uploads/{owner}/[0-9a-f]{{32}}", key) is not None


def _is_missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in _MISSING_CODES


def _too_large(max_bytes: int) -> str:
    if max_bytes >= MB:
        return f"The file is larger than {max_bytes // MB} MB."
    return f"The file is larger than {max(1, max_bytes // 1024)} KB."
