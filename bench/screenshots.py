"""The whole site in a minute: the main pages as each demo persona, desktop and phone.

    make screenshots            (or: .venv/bin/python bench/screenshots.py [--out screenshots])

Loads the demo into a fresh SQLite database in a temporary folder, serves the site with
uvicorn (HTTP and WebSockets) on a free loopback port, signs in through the sign-in form as
each demo persona (anonymous visitor, fan, artist, curator, venue staff) and writes
`<persona>-<page>-<size>.png` at 1280x800 (`desktop`) and 390x844 (`phone`), full page, into
the output folder (emptied first). Uses Debian's Chromium (/usr/bin/chromium) and talks only
to 127.0.0.1: any other request is aborted. Nothing outside the temporary folder and the
output folder is written.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Lazy images load only when scrolled to: load every one, waiting at most 3 s.
LOAD_IMAGES = """async () => {
    const images = [...document.images];
    images.forEach((image) => { image.loading = "eager"; });
    const loaded = images.map((image) => image.complete ? null : new Promise((done) => {
        image.addEventListener("load", done, {once: true});
        image.addEventListener("error", done, {once: true});
    }));
    await Promise.race([Promise.all(loaded), new Promise((done) => setTimeout(done, 3000))]);
}"""
# Pages rendered at once: enough to keep the one server process busy, not so many it crawls.
CONCURRENCY = 4


@dataclass(frozen=True)
class Persona:
    name: str
    email: str | None  # None: not signed in
    pages: tuple[str, ...]  # names in demo_paths' table


# The visitor sees every public page; each signed-in persona the pages their role changes.
PERSONAS = [
    Persona(
        "visitor",
        None,
        (
            "home",
            "map",
            "artists",
            "artist",
            "performance",
            "collections",
            "collection",
            "for-you",
            "jukebox",
            "tip",
            "sign-in",
            "sign-up",
        ),
    ),
    Persona(
        "fan",
        "fan@demo.encore.local",
        ("home", "map", "artist", "performance", "for-you", "tip", "supporter", "notifications", "settings"),
    ),
    Persona(
        "artist",
        "marta@demo.encore.local",
        (
            "artist",
            "performance",
            "performances",
            "route-form",
            "profile-form",
            "uploads",
            "stats",
            "revenue",
        ),
    ),
    Persona("curator", "curator@demo.encore.local", ("home", "collections", "collection", "admin")),
    Persona("venue", "venue@demo.encore.local", ("home", "jukebox", "display", "admin")),
]


def demo_paths(env: dict[str, str]) -> tuple[dict[str, str], str]:
    """Each page's path in the freshly loaded demo (the ids of its rows are not fixed), and the
    demo accounts' password."""
    script = """
import django, json
django.setup()
from django.apps import apps
from django.conf import settings
from django.urls import reverse
Performance = apps.get_model("performances", "Performance")
Collection = apps.get_model("curation", "Collection")
Event = apps.get_model("venues", "Event")
performances = Performance.objects.order_by("pk")
live = performances.filter(status="live").first() or performances.first()
collection = Collection.objects.filter(status="published").order_by("pk").first()
events = Event.objects.order_by("pk")
event = events.filter(status="active").first() or events.first()
print(json.dumps({"password": settings.DEMO_PASSWORD, "paths": {
    "home": reverse("home"),
    "map": reverse("map"),
    "artists": reverse("artist-list"),
    "artist": reverse("artist-detail", args=["marta-lume"]),
    "performance": reverse("performance-detail", args=[live.pk]),
    "collections": reverse("collection-list"),
    "collection": reverse("collection-detail", args=[collection.slug]),
    "for-you": reverse("for-you"),
    "jukebox": reverse("event-detail", args=[event.pk]),
    "display": reverse("event-display", args=[event.pk]),
    "tip": reverse("artist-tip", args=["tiago-sax"]),
    "supporter": reverse("supporter"),
    "notifications": reverse("notification-list"),
    "settings": reverse("account-settings"),
    "performances": reverse("performance-dashboard"),
    "route-form": reverse("performance-create"),
    "profile-form": reverse("artist-edit"),
    "uploads": reverse("media-dashboard"),
    "stats": reverse("artist-stats"),
    "revenue": reverse("revenue"),
    "sign-in": reverse("account_login"),
    "sign-up": reverse("account_signup"),
    "admin": reverse("admin:index"),
}}))
"""
    run = subprocess.run([PYTHON, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"The demo's pages could not be found:\n{run.stderr[-2000:]}")
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    return answer["paths"], answer["password"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The site did not start:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - loopback only
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"The site did not answer within 30 s:\n{log.read_text()[-2000:]}")


async def _local_only(route) -> None:  # noqa: ANN001
    if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
        await route.continue_()
    else:
        await route.abort()


async def sign_in(
    browser, base_url: str, persona: Persona, password: str, paths: dict[str, str]
) -> dict | None:  # noqa: ANN001
    """The persona's cookies after signing in through the form, as a person would."""
    if persona.email is None:
        return None
    context = await browser.new_context(base_url=base_url)
    await context.route("**/*", _local_only)
    page = await context.new_page()
    await page.goto(paths["sign-in"])
    await page.fill("input[name=login]", persona.email)
    await page.fill("input[name=password]", password)
    async with page.expect_navigation():
        await page.press("input[name=password]", "Enter")
    if urlsplit(page.url).path == paths["sign-in"]:
        raise RuntimeError(f"{persona.email} could not sign in")
    state = await context.storage_state()
    await context.close()
    return state


async def shoot(browser, base_url: str, out: Path, password: str, paths: dict[str, str]) -> list[str]:  # noqa: ANN001
    states = await asyncio.gather(*(sign_in(browser, base_url, p, password, paths) for p in PERSONAS))
    slots = asyncio.Semaphore(CONCURRENCY)
    problems: list[str] = []

    async def one(persona: Persona, state: dict | None, size: str) -> None:
        async with slots:
            context = await browser.new_context(base_url=base_url, viewport=SIZES[size], storage_state=state)
            await context.route("**/*", _local_only)
            page = await context.new_page()
            page.on("pageerror", lambda error: problems.append(f"{persona.name} {page.url}: {error}"))
            for name in persona.pages:
                try:
                    response = await page.goto(paths[name], wait_until="load")
                    # A full-page picture shows images below the fold too: load them now.
                    await page.evaluate(LOAD_IMAGES)
                    # Let sockets deliver their first snapshot and maps draw.
                    await page.wait_for_timeout(250)
                    if response is not None and response.status >= 400:
                        problems.append(f"{persona.name} {name}: HTTP {response.status}")
                    await page.screenshot(path=out / f"{persona.name}-{name}-{size}.png", full_page=True)
                except Exception as error:  # noqa: BLE001 - one broken page must not stop the rest
                    problems.append(f"{persona.name} {name} {size}: {error}")
            await context.close()

    await asyncio.gather(*(one(p, s, size) for p, s in zip(PERSONAS, states, strict=True) for size in SIZES))
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="folder for the PNGs")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"No screenshots: Chromium is not at {CHROMIUM} (apt-get install chromium).")
        return
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        print("No screenshots: Playwright is missing (the dev requirements install it).")
        return

    started = time.monotonic()
    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="encore-screenshots-") as tmp:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env |= {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "SITE_URL": base_url,
        }
        log = Path(tmp) / "site.log"
        print("Loading the demo into a fresh database...", flush=True)
        with log.open("w") as sink:
            subprocess.run(
                [PYTHON, "manage.py", "load_demo", "--migrate", "--skip-checks"],
                env=env,
                cwd=ROOT,
                check=True,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        paths, password = demo_paths(env)
        with log.open("a") as sink:
            server = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "uvicorn",
                    "config.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--lifespan",
                    "off",
                    "--ws",
                    "websockets-sansio",
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_up(base_url, server, log)
            print(f"Site up at {base_url} ({time.monotonic() - started:.0f} s); rendering...", flush=True)

            async def run() -> list[str]:
                async with async_playwright() as playwright:
                    browser = await playwright.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                    )
                    try:
                        return await shoot(browser, base_url, out, password, paths)
                    finally:
                        await browser.close()

            problems = asyncio.run(run())
        finally:
            server.terminate()
            server.wait(timeout=10)
    count = len(list(out.glob("*.png")))
    print(f"{count} screenshots in {out} ({time.monotonic() - started:.0f} s)")
    for problem in problems:
        print(f"  problem: {problem}")


if __name__ == "__main__":
    main()
