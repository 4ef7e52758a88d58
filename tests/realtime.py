"""Helpers to open the project's real ASGI app over a Channels communicator."""

from __future__ import annotations

import orjson
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from config.asgi import application


@database_sync_to_async
def session_cookie_for(user) -> str:  # noqa: ANN001
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


async def open_socket(path: str, user=None, origin: str = "http://testserver"):  # noqa: ANN001
    headers = [(b"origin", origin.encode()), (b"host", b"testserver")]
    if user is not None:
        headers.append((b"cookie", (await session_cookie_for(user)).encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def receive(communicator: WebsocketCommunicator, timeout: float = 2) -> dict:
    return orjson.loads(await communicator.receive_from(timeout=timeout))


def seq_in(message: dict, group: str) -> int | None:
    """A live update's number in one group: from `seqs` when it went to several groups, from
    `group` and `seq` when it went to one; None when it was not sent to that group."""
    if "seqs" in message:
        return message["seqs"].get(group)
    return message.get("seq") if message.get("group") == group else None
