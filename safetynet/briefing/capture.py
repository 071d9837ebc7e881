"""Pages captured by the product itself: the dashboard started on loopback, headless Chromium
driven by playwright, and the waits that make a capture whole (the briefing command, the
screenshots script, the browser tests and the page-draw benchmark all use these).

Everything stays on this machine: the app is started locally, and the browser is told to refuse
any request that is not for that app (the page is drawn from Streamlit's bundled assets, plotly's
bundled library and pydeck without a base map, so nothing remote is needed).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from safetynet.app.capture_mode import DRAWN_JS, SETTLE_MS

if TYPE_CHECKING:  # playwright is imported lazily so `safetynet --help` stays quick
    from playwright.sync_api import Browser, BrowserContext, Page

APP = Path(__file__).resolve().parents[2] / "app.py"
DEFAULT_CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Software WebGL, so the pydeck (deck.gl) map draws without a GPU.
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
)
INSTALL_HINT = (
    "install it with `apt-get install chromium fonts-noto-cjk`, or set SAFETYNET_CHROMIUM"
)

SERVER_START_TIMEOUT = 60.0
PAGE_TIMEOUT_MS = 60_000


class CaptureError(RuntimeError):
    """The app or the browser could not be started, or the page did not render."""


# --- the app ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(data_dir: Path | None = None, port: int | None = None) -> Iterator[str]:
    """Run the dashboard in a subprocess on 127.0.0.1 and yield its base URL.

    data_dir, when given, is the data folder (SAFETYNET_DATA) the app serves from. The server is
    stopped, with any children, when the block ends.
    """
    port = port or free_port()
    env = os.environ.copy()
    if data_dir is not None:
        env["SAFETYNET_DATA"] = str(Path(data_dir).resolve())
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command,
            cwd=APP.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, so stopping it stops its children
        )
        try:
            _wait_healthy(base, process, stderr)
            yield base
        finally:
            _stop(process)


def _wait_healthy(base: str, process: subprocess.Popen, stderr) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CaptureError(
                f"the dashboard exited (code {process.returncode}) before it answered:\n"
                + _tail(stderr)
            )
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise CaptureError(
        f"the dashboard did not answer at {base} within {SERVER_START_TIMEOUT:.0f} s:\n"
        + _tail(stderr)
    )


def _tail(stream, lines: int = 30) -> str:
    stream.flush()
    stream.seek(0)
    text = stream.read().decode("utf-8", "replace").rstrip()
    return "\n".join(text.splitlines()[-lines:]) or "(nothing on stderr)"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# --- the browser ------------------------------------------------------------------------------


def chromium_path() -> str | None:
    """The Chromium to drive: SAFETYNET_CHROMIUM, else Debian's, else one on PATH; or None."""
    configured = os.environ.get("SAFETYNET_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    if Path(DEFAULT_CHROMIUM).is_file():
        return DEFAULT_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def browser() -> Iterator[Browser]:
    """A headless Chromium driven by playwright, closed when the block ends."""
    executable = chromium_path()
    if executable is None:
        wanted = os.environ.get("SAFETYNET_CHROMIUM") or DEFAULT_CHROMIUM
        raise CaptureError(f"no Chromium browser found (looked for {wanted}); {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(
                executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
            )
        except Exception as error:  # playwright raises its own Error with the browser's output
            raise CaptureError(f"Chromium at {executable} did not start: {error}") from error
        try:
            yield chromium
        finally:
            chromium.close()


def keep_local(page: Page, base: str) -> None:
    """Abort every request that is not for the app at base: the briefing never fetches remotely."""
    origin = urlsplit(base).netloc

    def route(r) -> None:
        url = urlsplit(r.request.url)
        local = url.scheme in ("data", "blob") or url.netloc == origin
        r.continue_() if local else r.abort()

    page.route("**/*", route)


def page_url(base: str, page: str = "", **params: str | None) -> str:
    """The URL of a page ('' is the overview, served at /) with its query parameters."""
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{base.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def wait_for_page(page: Page, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until the page is fully drawn (wait_until_drawn; the context needs track_drawing).

    Raises CaptureError when the page shows an error instead (no warehouse, an exception).
    """
    wait_until_drawn(page, timeout_ms)
    refuse_failures(page)


def refuse_failures(page: Page) -> None:
    """Raise CaptureError when the page shows an error or an exception instead of itself."""
    failure = page.locator(
        '[data-testid="stMain"] [data-testid="stAlertContentError"], [data-testid="stException"]'
    )
    if failure.count():
        raise CaptureError(f"the page did not render: {failure.first.inner_text().strip()}")


def sidebar_warnings(page: Page) -> list[str]:
    """The warnings the sidebar shows, e.g. for a week or district in the link that is not valid."""
    alerts = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    return [text.strip() for text in alerts.all_inner_texts()]


def wait_until_idle(page: Page, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until the script has finished its run (no "running" widget, no stale elements)."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
              && !document.querySelector('[data-stale="true"]')""",
        timeout=timeout_ms,
    )
    page.wait_for_load_state("networkidle", timeout=timeout_ms)


# --- fully drawn -----------------------------------------------------------------------------


def track_drawing(context: BrowserContext) -> None:
    """Make every page of the context keep track of when it is fully drawn (wait_until_drawn)."""
    context.add_init_script(DRAWN_JS)


def wait_until_drawn(page: Page, timeout_ms: int = PAGE_TIMEOUT_MS) -> float:
    """Wait until the page is fully drawn and has stayed so for SETTLE_MS; return the time it
    became so, in ms since its navigation started (performance.timeOrigin).

    Fully drawn: the script run is over (stApp's data-test-script-state is "notRunning", no status
    widget), no element is stale or still a loading skeleton, the main area has its title (h1),
    every plotly chart has its SVG and is visible, and every deck.gl map's canvas has had at least
    one WebGL draw call (its first frame). An exception shown by the page counts as drawn: callers
    look for one. Needs track_drawing() on the page's context, before the page was opened.
    """
    page.wait_for_function(
        f"""() => window.__drawnSince !== undefined && window.__drawnSince !== null
                  && performance.now() - window.__drawnSince >= {SETTLE_MS}""",
        timeout=timeout_ms,
    )
    return page.evaluate("() => window.__drawnSince")


def full_page(page: Page, out: Path, timeout_ms: int = PAGE_TIMEOUT_MS) -> Path:
    """Save the whole main area as a PNG. It scrolls inside its own container, so a full-page
    screenshot would stop at the viewport: the viewport is made as tall as the content first, and
    the page waited for until the charts and maps have drawn again at that size."""
    height = page.evaluate(
        """() => Math.ceil(Math.max(
            document.querySelector('[data-testid="stMain"]').scrollHeight,
            document.querySelector('[data-testid="stMainBlockContainer"]').scrollHeight))"""
    )
    page.set_viewport_size({"width": page.viewport_size["width"], "height": max(height, 600)})
    page.wait_for_timeout(500)  # the resize reaches the charts on their next frame
    wait_until_drawn(page, timeout_ms)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.locator('[data-testid="stMain"]').screenshot(path=str(out), animations="disabled")
    return out
