"""The production stack on one machine: `make stack`, or ``python -m config.stack``.

Runs what a deployment runs, with production settings: the Procfile's ``release`` (migrate),
then its ``web``, ``ws``, ``worker`` and ``beat`` under honcho, against PostgreSQL, Redis and
an S3-compatible server (moto's, on loopback), behind nginx configured from
``config/nginx.conf.template``. Everything listens on 127.0.0.1; Ctrl-C stops it all.

Tests and benchmarks use :class:`Stack` (``tests/stack.py`` wraps it as a fixture)::

    with Stack(database_url=..., redis_url=...) as stack:
        requests.get(stack.base_url + "/healthz")
        stack.processes()  # {"web": [...], "ws": [...], ...} with pids and RSS
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "config" / "nginx.conf.template"
PROCESSES = ("web", "ws", "worker", "beat")
BUCKET = "encore-stack-media"
REGION = "us-east-1"
# `make stack` uses the machine's servers unless told otherwise: its own database, and the
# Redis database number the test settings leave alone (they use 1 to 15, by xdist worker),
# with key prefixes of its own.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/encore_stack"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
STACK_REDIS_DB = 0
S3_KEY = "testing"
# Processes that only start another: their RSS is not the app's.
WRAPPERS = {"sh", "dash", "bash", "env"}


class StackError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def upload_limit() -> int:
    """The largest body the app accepts in one request, from the same settings it reads."""
    from apps.accounts.conf import AVATAR_MAX_BYTES
    from apps.media.conf import MEDIA_AUDIO_MAX_BYTES, MEDIA_IMAGE_MAX_BYTES, MEDIA_VIDEO_MAX_BYTES

    return max(AVATAR_MAX_BYTES, MEDIA_VIDEO_MAX_BYTES, MEDIA_AUDIO_MAX_BYTES, MEDIA_IMAGE_MAX_BYTES)


def render_nginx_conf(values: dict[str, Any]) -> str:
    text = TEMPLATE.read_text()
    missing = set(re.findall(r"{{ (\w+) }}", text)) - set(values)
    if missing:
        raise StackError(f"nginx template needs {sorted(missing)}")
    return re.sub(r"{{ (\w+) }}", lambda m: str(values[m.group(1)]), text)


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def ensure_database(database_url: str) -> None:
    """Create the URL's PostgreSQL database if it does not exist yet."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(check: Any, what: str, timeout: float, alive: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None:
            alive()
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise StackError(f"{what} did not answer within {timeout:.0f} s")


def _answers(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except urllib.error.HTTPError:
        return False


@dataclass
class ProcessInfo:
    name: str  # "web", "ws", "worker", "beat", "nginx", "s3"
    role: str  # "master" (the one the others fork from), "worker", "process" (alone) or "helper"
    pid: int
    rss_bytes: int


def _proc_children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _descendants(pid: int, children: dict[int, list[int]]) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _start_time(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _exe_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode().rsplit("/", 1)[-1]
    except OSError:
        return ""


def _process_name(pid: int) -> str | None:
    # honcho names each process in its environment, and forked or spawned workers inherit it.
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    for item in environ:
        if item.startswith(b"HONCHO_PROCESS_NAME="):
            return item.split(b"=", 1)[1].decode().split(".")[0]
    return None


@dataclass
class Stack:
    """The production stack, started by :meth:`start` and stopped by :meth:`stop`.

    ``database_url`` must be PostgreSQL (created if missing). ``proxy=False`` serves without
    nginx: ``base_url`` is then ``web`` itself and ``ws_url`` the ``ws`` process. Ports left
    at 0 are picked free. ``env`` adds to (or overrides) the processes' environment.
    """

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    proxy: bool = True
    port: int = 0
    web_port: int = 0
    ws_port: int = 0
    s3_port: int = 0
    web_concurrency: int = 2
    ws_concurrency: int = 2
    worker_concurrency: int = 2
    env: dict[str, str] = field(default_factory=dict)
    # Where the processes' output goes: a file keeps a test's output quiet (see log_tail).
    output: IO[Any] | None = None
    workdir: Path | None = None

    def __post_init__(self) -> None:
        self._children: dict[str, subprocess.Popen] = {}
        self._temp_dirs: list[Path] = []
        self._own_workdir = self.workdir is None
        self.workdir = Path(self.workdir or tempfile.mkdtemp(prefix="encore-stack-"))
        self.web_port = self.web_port or free_port()
        self.ws_port = self.ws_port or free_port()
        self.s3_port = self.s3_port or free_port()
        if self.proxy:
            self.port = self.port or free_port()
            if nginx_binary() is None:
                raise StackError(
                    "nginx is not installed: `apt-get install -y --no-install-recommends nginx`, "
                    "or run without the proxy (--no-proxy)"
                )
        else:
            self.port = self.web_port
        self.secret_key = secrets.token_urlsafe(64)

    # --- addresses --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port if self.proxy else self.ws_port}"

    @property
    def s3_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def process_env(self) -> dict[str, str]:
        """The environment every process of the stack runs with (and `manage` uses)."""
        bin_dir = str(Path(sys.executable).parent)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_", "HONCHO_"))}
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            env.pop(name, None)
        env.update(
            {
                "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DJANGO_SECRET_KEY": self.secret_key,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                # No TLS on loopback: the proxy says http, and production would redirect it.
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "SITE_URL": self.base_url,
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "CACHE_KEY_PREFIX": "encore-stack",
                "CHANNEL_LAYER_PREFIX": "encore-stack",
                "AWS_STORAGE_BUCKET_NAME": BUCKET,
                "AWS_S3_ENDPOINT_URL": self.s3_url,
                "AWS_S3_REGION_NAME": REGION,
                "AWS_ACCESS_KEY_ID": S3_KEY,
                "AWS_SECRET_ACCESS_KEY": S3_KEY,
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": str(self.workdir / "no-aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(self.workdir / "no-aws-credentials"),
                "NO_PROXY": "127.0.0.1,localhost",
                "PORT": str(self.web_port),
                "WS_PORT": str(self.ws_port),
                "WEB_CONCURRENCY": str(self.web_concurrency),
                "WS_CONCURRENCY": str(self.ws_concurrency),
                "CELERY_CONCURRENCY": str(self.worker_concurrency),
                "BEAT_SCHEDULE_FILE": str(self.workdir / "celerybeat-schedule"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.env)
        return env

    # --- running ----------------------------------------------------------------------
    def start(self, timeout: float = 180) -> Stack:
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        ensure_database(self.database_url)
        self._start_s3()
        self._say("release: migrating")
        release = subprocess.run(  # noqa: S603
            ["/bin/sh", "-c", procfile()["release"]],
            cwd=ROOT,
            env=self.process_env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            timeout=max(deadline - time.monotonic(), 1),
            check=False,
        )
        if release.returncode:
            raise StackError(f"release (migrate) failed with {release.returncode}{self.log_tail()}")
        (self.workdir / "empty.env").write_text("")
        self._spawn(
            "honcho",
            [
                str(Path(sys.executable).parent / "honcho"),
                "--procfile",
                str(ROOT / "Procfile"),
                "--app-root",
                str(ROOT),
                "--env",
                str(self.workdir / "empty.env"),
                "start",
                "--no-colour",
                "--port",
                str(self.web_port),
                *PROCESSES,
            ],
        )
        remaining = lambda: max(deadline - time.monotonic(), 1)  # noqa: E731
        wait_until(lambda: _http_ok(f"{self.web_url}/healthz"), "web", remaining(), self._alive)
        wait_until(lambda: _answers(self.ws_port), "ws", remaining(), self._alive)
        if self.proxy:
            self._start_nginx()
            wait_until(lambda: _http_ok(f"{self.base_url}/healthz"), "nginx", remaining(), self._alive)
        # The worker and beat answer nothing; they are up once their processes are.
        wait_until(
            lambda: {"worker", "beat"} <= {p.name for p in self.processes()}, "worker and beat", remaining()
        )

    def _start_s3(self) -> None:
        self._spawn(
            "s3",
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)],
        )
        wait_until(lambda: _answers(self.s3_port), "the S3 server", 30, self._alive)
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=self.s3_url,
            region_name=REGION,
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_KEY,
            config=Config(s3={"addressing_style": "path"}),
        )
        client.create_bucket(Bucket=BUCKET)
        # Direct uploads POST from the site's pages and apps straight to the bucket.
        client.put_bucket_cors(
            Bucket=BUCKET,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedOrigins": [self.base_url],
                        "AllowedMethods": ["GET", "POST", "PUT"],
                        "AllowedHeaders": ["*"],
                        "MaxAgeSeconds": 3600,
                    }
                ]
            },
        )
        client.close()

    def _start_nginx(self) -> None:
        # A folder of its own, not under the run's: started as root, nginx's workers drop to
        # `nobody`, and spool bodies here, so every folder on the way must let them through.
        temp_dir = Path(tempfile.mkdtemp(prefix="encore-stack-nginx-"))
        self._temp_dirs.append(temp_dir)
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (temp_dir / name).mkdir()
        if os.geteuid() == 0:
            os.chmod(temp_dir, 0o711)  # noqa: S103 - traverse only, nothing readable
            for path in temp_dir.iterdir():
                shutil.chown(path, user="nobody")
        conf = self.workdir / "nginx.conf"
        conf.write_text(
            render_nginx_conf(
                {
                    "host": "127.0.0.1",
                    "port": self.port,
                    "web_port": self.web_port,
                    "ws_port": self.ws_port,
                    "max_body": upload_limit() + 1024 * 1024,
                    "pid_file": self.workdir / "nginx.pid",
                    "temp_dir": temp_dir,
                    "access_log": "off" if self.output is not None else "/dev/stdout",
                }
            )
        )
        nginx = nginx_binary()
        check = subprocess.run(  # noqa: S603
            [nginx, "-t", "-q", "-p", str(self.workdir), "-e", "stderr", "-c", str(conf)],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode:
            raise StackError(f"nginx refused its config:\n{check.stderr}")
        self._spawn(
            "nginx", [nginx, "-p", str(self.workdir), "-e", "stderr", "-c", str(conf), "-g", "daemon off;"]
        )

    def _spawn(self, name: str, argv: list[str]) -> None:
        self._say(f"{name}: starting")
        self._children[name] = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env=self.process_env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            # Each in its own group: stopping one stops everything it started.
            start_new_session=True,
        )

    def _alive(self) -> None:
        for name, child in self._children.items():
            if child.poll() is not None:
                raise StackError(f"{name} exited with {child.returncode}{self.log_tail()}")

    def _say(self, message: str) -> None:
        out = self.output or sys.stdout
        out.write(f"[stack] {message}\n")
        out.flush()

    def log_tail(self, lines: int = 40) -> str:
        name = getattr(self.output, "name", None)
        if not isinstance(name, str) or not os.path.exists(name):
            return ""
        self.output.flush()
        return "\n" + "\n".join(Path(name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        # Everything started, including what honcho started in process groups of its own,
        # each with its start time so a pid the system has since reused is left alone.
        children = _proc_children()
        pids = [pid for child in self._children.values() for pid in _descendants(child.pid, children)]
        started = [(pid, _start_time(pid)) for pid in pids]
        # The proxy first, so nothing new comes in; honcho stops the Procfile's processes.
        for name in ("nginx", "honcho", "s3"):
            child = self._children.get(name)
            if child is None or child.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        # Anything left behind (a worker that ignored the signal, one a test orphaned).
        for pid, start_time in started:
            if start_time is not None and _start_time(pid) == start_time:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        self._children.clear()
        for path in self._temp_dirs:
            shutil.rmtree(path, ignore_errors=True)
        self._temp_dirs.clear()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- looking inside -------------------------------------------------------------------
    def pid(self, name: str) -> int | None:
        """The pid of a child the stack started itself: "honcho", "nginx" or "s3"."""
        child = self._children.get(name)
        return child.pid if child is not None and child.poll() is None else None

    def processes(self) -> list[ProcessInfo]:
        """Every process of the stack with its RSS: the Procfile's (masters and their
        workers, named as in the Procfile), nginx's and the S3 server's."""
        children = _proc_children()
        found: list[ProcessInfo] = []
        honcho = self.pid("honcho")
        if honcho is not None:
            pids = [p for p in _descendants(honcho, children) if _exe_name(p) not in WRAPPERS]
            named = {pid: _process_name(pid) for pid in pids}
            for pid, name in named.items():
                if name is None:
                    continue
                parent_name = named.get(_ppid(pid))
                role = "worker" if parent_name == name else "master"
                if b"resource_tracker" in _cmdline(pid):
                    role = "helper"  # multiprocessing's, beside uvicorn's workers
                if role == "master" and not any(named.get(c) == name for c in children.get(pid, [])):
                    role = "process"
                found.append(ProcessInfo(name, role, pid, _rss(pid)))
        for name in ("nginx", "s3"):
            pid = self.pid(name)
            if pid is not None:
                found.append(ProcessInfo(name, "master" if children.get(pid) else "process", pid, _rss(pid)))
                for child in _descendants(pid, children):
                    found.append(ProcessInfo(name, "worker", child, _rss(child)))
        return found

    def manage(self, *args: str, check: bool = True, **kwargs: Any) -> subprocess.CompletedProcess:
        """``manage.py`` with the stack's settings and environment (e.g. ``shell -c``)."""
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.process_env,
            check=check,
            capture_output=True,
            text=True,
            **kwargs,
        )


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def _redis_db(url: str, db: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.stack", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080, help="where nginx listens (8080; 0: any free port)")
    parser.add_argument("--no-proxy", action="store_true", help="no nginx: web and ws on their own ports")
    parser.add_argument("--web-port", type=int, default=0)
    parser.add_argument("--ws-port", type=int, default=0)
    parser.add_argument("--demo", action="store_true", help="load the demo data after migrating")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the stack runs on PostgreSQL: DATABASE_URL must be postgres://...")
    redis_url = os.environ.get("REDIS_URL") or _redis_db(DEFAULT_REDIS_URL, STACK_REDIS_DB)
    try:
        stack = Stack(
            database_url=database_url,
            redis_url=redis_url,
            proxy=not args.no_proxy,
            port=0 if args.no_proxy else args.port,
            web_port=args.web_port or (args.port if args.no_proxy else 0),
            ws_port=args.ws_port,
        )
    except StackError as exc:
        print(f"make stack: {exc}", file=sys.stderr)
        return 2
    # Ctrl-C reaches every process in the terminal's group; the stack stops them in order.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        stack.start()
        if args.demo:
            print("[stack] loading the demo data", flush=True)
            demo = stack.manage("load_demo", "--skip-checks", check=False)
            print(demo.stdout + demo.stderr, flush=True)
        print(
            f"\nEncore's production stack is at {stack.base_url}/  (ws: {stack.ws_url}/ws/, "
            f"S3: {stack.s3_url}/{BUCKET})\n  database {database_url}\n  redis    {redis_url}\n"
            "Ctrl-C stops it.\n",
            flush=True,
        )
        while True:
            stack._alive()
            time.sleep(1)
    except KeyboardInterrupt:
        print("\n[stack] stopping", flush=True)
        return 0
    except StackError as exc:
        print(f"make stack: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
