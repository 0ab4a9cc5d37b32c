"""Browser tests: the real app under uvicorn on a free port, driven by Debian's Chromium
through Playwright (never ``playwright install``: nothing is downloaded).

Each test gets a fresh database through the shared ``db_url`` fixture, so it runs on SQLite
and, when TRUSTFUND_TEST_POSTGRES_URL is set, on PostgreSQL too. Screenshots of every main
page at 360 px and 1280 px go to ``test-artifacts/screenshots/`` (SQLite run only: the pages
are the same on both backends).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import PASSWORD
from trustfund.app import create_app
from trustfund.db.session import make_engine, make_session_factory
from trustfund.settings import Settings

CHROMIUM = os.environ.get("TRUSTFUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


@dataclass
class LiveServer:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    backend: str

    def session(self) -> Session:
        return self.sessions()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(db_url: str, backend: str, tmp_path: Path) -> Iterator[LiveServer]:
    port = _free_port()
    settings = Settings(
        var_dir=tmp_path / "var",
        database_url=db_url,
        ledger_dir=tmp_path / "ledgers",
        secret_key="e2e-secret-key-not-for-production",
        public_url=f"http://127.0.0.1:{port}",
    )
    engine = make_engine(db_url)
    app = create_app(settings, engine=engine)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", engine, make_session_factory(engine), backend)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (360 px wide), as stewards use it in the stairwell."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = csp_violations(page)
    yield page
    context.close()
    assert not violations, f"the Content-Security-Policy refused parts of a page: {violations}"


def csp_violations(page: Page) -> list[str]:
    """Collects what the page's Content-Security-Policy refused (Chromium reports each as a
    console error): a page that works only with an inline script or style would break."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return found


@pytest.fixture(scope="session", autouse=True)
def _screenshot_dir() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def widths(page: Page) -> tuple[int, int]:
    """``(the page's scroll width, the screen's width)`` of the document in front, once it
    has loaded. A tap that navigates returns before the next document exists: read then, the
    page may have no ``documentElement`` yet, or its context goes away mid-read (CI on
    3db8bb0). So wait for the load and read again."""
    for _ in range(100):
        page.wait_for_load_state("load")
        try:
            found = page.evaluate(
                "document.documentElement"
                " ? [document.documentElement.scrollWidth, window.innerWidth] : null"
            )
        except PlaywrightError as exc:
            if "context was destroyed" not in exc.message:
                raise
            found = None
        if found:
            return int(found[0]), int(found[1])
        page.wait_for_timeout(50)
    raise AssertionError(f"{page.url}: no document to measure")


def fits(page: Page, sizes: Sequence[dict[str, int]] = ()) -> None:
    """Nothing on the page is wider than the screen: the page's own, or each of ``sizes`` in
    turn (then back to the size the page had). The message names what sticks out."""
    if not sizes:
        width, inner = widths(page)
        assert width <= inner, f"{page.url}: {width} px wide on a {inner} px screen: {wide(page)}"
        return
    was = page.viewport_size
    for size in sizes:
        page.set_viewport_size({"width": size["width"], "height": size["height"]})
        fits(page)
    if was is not None:
        page.set_viewport_size(was)


def wide(page: Page) -> list[str]:
    """The innermost elements reaching beyond the screen's right edge (for the message)."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                .filter(e => ![...e.children].some(
                    c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
                .slice(0, 5)
                .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().left) + '-' + Math.round(e.getBoundingClientRect().right) + ' ' + getComputedStyle(e).whiteSpace + ' ' + getComputedStyle(e.parentElement).width + ': ' + e.textContent.slice(0, 40))"""
        )
    )


def sign_in(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    page.goto(server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/staff")


def shoot(page: Page, server: LiveServer, name: str, phone: dict[str, int] = PHONE) -> None:
    """Screenshots of the current page at the phone's width (360 px unless given) and
    1280 px (SQLite run only), then back to the phone size."""
    if server.backend != "sqlite":
        return
    for label, size in ((str(phone["width"]), phone), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(phone)
