"""Serving an open file with HTTP range requests, so players can seek in audio and video."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import BinaryIO

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

CHUNK_SIZE = 64 * 1024
# One range only; the unit is case-insensitive (RFC 9110 §14.1). [0-9], not \d: no other digits.
_SINGLE_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)", re.IGNORECASE)


class _Unsatisfiable(Exception):
    pass


class _FileSpan:
    """Reads ``length`` bytes of an open file from ``start`` in chunks; closing closes the file."""

    def __init__(self, handle: BinaryIO, start: int, length: int) -> None:
        self.handle = handle
        self.start = start
        self.length = length

    def _chunks(self) -> Iterator[bytes]:
        self.handle.seek(self.start)
        remaining = self.length
        while remaining > 0:
            chunk = self.handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:  # the file shrank since it was measured
                break
            remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.handle.close()


class _SyncFileSpan(_FileSpan):
    def __iter__(self) -> Iterator[bytes]:
        return self._chunks()


class _AsyncFileSpan(_FileSpan):
    # Under ASGI a synchronous iterator would be read whole into memory by Django before
    # sending; this one reads each chunk in a worker thread instead.
    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._chunks()
        read = sync_to_async(next, thread_sensitive=False)
        while (chunk := await read(chunks, None)) is not None:
            yield chunk


def ranged_file_response(
    request: HttpRequest,
    handle: BinaryIO,
    *,
    size: int,
    content_type: str,
    filename: str | None = None,
    last_modified: float | None = None,
) -> HttpResponseBase:
    """The file, or the one byte range asked for (206), streamed from ``handle``.

    ``handle`` must be seekable; the response closes it, whether or not the body is sent.
    """
    etag = _etag(size, last_modified) if last_modified is not None else None
    headers = {"Accept-Ranges": "bytes"}
    if last_modified is not None:
        headers["ETag"] = etag
        headers["Last-Modified"] = http_date(last_modified)
    if filename:
        headers["Content-Disposition"] = content_disposition_header(False, filename)

    conditional = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified) if last_modified is not None else None
    )
    if conditional is not None:  # 304 Not Modified or 412 Precondition Failed
        handle.close()
        for name, value in headers.items():
            conditional[name] = value
        return conditional

    try:
        span = _requested_span(request, size, etag=etag, last_modified=last_modified)
    except _Unsatisfiable:
        handle.close()
        response = HttpResponse(status=416, headers=headers)
        response["Content-Range"] = f"bytes */{size}"
        response["Content-Length"] = "0"
        return response

    start, end = span if span is not None else (0, size - 1)
    length = end - start + 1
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(length)
    status = 200
    if span is not None:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"

    if request.method == "HEAD":
        handle.close()
        return HttpResponse(status=status, headers=headers)
    span_class = _AsyncFileSpan if isinstance(request, ASGIRequest) else _SyncFileSpan
    return StreamingHttpResponse(span_class(handle, start, length), status=status, headers=headers)


def _etag(size: int, last_modified: float) -> str:
    return f'"{size:x}-{int(last_modified * 1_000_000):x}"'


def _requested_span(
    request: HttpRequest, size: int, *, etag: str | None, last_modified: float | None
) -> tuple[int, int] | None:
    """The (first, last) byte asked for, or None for the whole file; raises _Unsatisfiable."""
    header = request.headers.get("Range")
    # Range is defined for GET only (RFC 9110 §14.2); HEAD describes the whole file.
    if not header or request.method != "GET":
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and not _if_range_matches(if_range.strip(), etag, last_modified):
        return None  # the client holds an older version: it needs all of the new one
    # Several ranges would need a multipart/byteranges body; players ask for one range,
    # so answering a multi-range request with the whole file (allowed) keeps this simple.
    match = _SINGLE_RANGE.fullmatch(header.strip())
    if match is None:
        return None  # malformed or another unit: ignored, as RFC 9110 §14.2 allows
    first, last = match.groups()
    try:
        if not first:
            if not last:
                return None
            suffix = int(last)
            if suffix == 0 or size == 0:
                raise _Unsatisfiable
            return max(0, size - suffix), size - 1
        start = int(first)
        end = int(last) if last else None
    except ValueError:  # more digits than int() accepts
        return None
    if end is not None and end < start:
        return None  # syntactically invalid: ignored
    if start >= size:
        raise _Unsatisfiable
    return start, size - 1 if end is None else min(end, size - 1)


def _if_range_matches(value: str, etag: str | None, last_modified: float | None) -> bool:
    if value.startswith(('"', "W/")):
        # If-Range uses the strong comparison: a weak tag never matches.
        return etag is not None and value == etag
    date = parse_http_date_safe(value)
    return date is not None and last_modified is not None and date == int(last_modified)
