"""The real ASGI app under uvicorn, in a thread of the test process.

Pages, the API and WebSockets share the test database and the in-memory channel layer with the
test (browser tests, and socket tests that need a real server's flow control).
"""

from __future__ import annotations

import socket
import threading
import time


class AppServer:
    def __init__(self) -> None:
        import uvicorn

        from config.asgi import application

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            application,
            host="127.0.0.1",
            port=self.port,
            lifespan="off",
            log_level="warning",
            ws="websockets-sansio",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def start(self) -> AppServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the app server did not start")
            time.sleep(0.05)
        return self

    def wait_idle(self, timeout: float = 10) -> bool:
        """Wait until no request or socket is being served; False if `timeout` passed first.
        Sync views and consumers run in threads the server's tasks await, so an idle server is
        also done with the database."""
        deadline = time.monotonic() + timeout
        while self.server.server_state.tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
