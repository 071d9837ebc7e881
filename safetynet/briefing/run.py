"""The weekly briefing, captured by the product itself: the briefing page of the city and of each
unit rendered in headless Chromium, written as PNGs, one PDF or one PowerPoint deck.

One server and one browser serve every place of a run. The week and the places are checked
against the served warehouse first, so a week without data is a message, not a blank capture.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from safetynet.app import fmt
from safetynet.app.capture_mode import MARKER
from safetynet.app.labels import t
from safetynet.briefing.capture import (
    PAGE_TIMEOUT_MS,
    CaptureError,
    browser,
    full_page,
    keep_local,
    page_url,
    refuse_failures,
    running_app,
    sidebar_warnings,
)
from safetynet.briefing.documents import Captured, write_pdf, write_pptx
from safetynet.briefing.formats import LAYOUTS, PHONE_AGENT
from safetynet.warehouse import runner, store
from safetynet.weeks import parse_week_key, week_key

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

OPEN_AHEAD = 3  # pages loading at once: enough to keep the server and the browser both busy
FONT_HINT = "install one with `apt-get install fonts-noto-cjk`"
CITY = "city"


@dataclass(frozen=True)
class Place:
    code: str  # a unit's code, or "" for the whole city
    name: str

    @property
    def slug(self) -> str:
        return self.code or CITY


@dataclass(frozen=True)
class Request:
    week: str | None  # ISO week key, None for the latest complete week
    districts: tuple[str, ...]  # units' codes, "city" for the whole city; none: the city
    every_place: bool  # the city and all its units
    format: str = "png"
    layout: str = "desktop"
    lang: str = "zh"


def brief(
    request: Request, out_dir: Path, url: str | None = None, chromium: Browser | None = None
) -> list[Path]:
    """Capture the places of the request and write them in its format into out_dir; returns the
    files written. Raises CaptureError with a message for whatever stops it.

    url: a running dashboard to use instead of starting one. chromium: a browser from browser()
    to reuse (playwright's sync API cannot be started twice in one thread)."""
    version = store.current()
    if version is None or not version.path.is_file():
        raise CaptureError("no warehouse yet: run `safetynet build --demo` (or build your data)")
    week, places = _resolve(version.path, request)
    check_fonts()
    with tempfile.TemporaryDirectory() as scratch:
        images = Path(scratch) if request.format != "png" else out_dir
        with _browser(chromium) as chromium, _app(url) as base:  # no browser: no server
            captured = capture_places(chromium, base, week, places, request, images)
        return _write(captured, request, week, places, out_dir)


def _resolve(path: Path, request: Request) -> tuple[str, list[Place]]:
    """The week key (the latest complete week by default) and the places, both checked."""
    con = runner.open_readonly(path)
    try:
        weeks = [week_key(d) for d in runner.run(con, "weeks", {})["week_start"]]
        units = runner.run(con, "districts", {})
    finally:
        con.close()
    week = request.week or weeks[0]
    if week not in weeks:
        raise CaptureError(
            f"no data for week {week[:20]!r}: the warehouse holds {weeks[-1]} to {weeks[0]}"
        )
    name = "name_zh" if request.lang == "zh" else "name_en"
    names = dict(zip(units["district_code"], units[name], strict=True))
    city = Place("", "郑州市" if request.lang == "zh" else "Zhengzhou")
    if request.every_place:
        return week, [city, *(Place(c, n) for c, n in names.items())]
    unknown = [d for d in request.districts if d != CITY and d not in names]
    if unknown:
        raise CaptureError(f"no unit {unknown[0][:20]!r}; units are {CITY}, {', '.join(names)}")
    return week, [Place(d, names[d]) if d != CITY else city for d in request.districts or (CITY,)]


def check_fonts() -> None:
    """Chinese needs a CJK font on this machine, or the capture shows boxes instead of words."""
    if shutil.which("fc-list") is None:
        raise CaptureError(f"cannot check for a Chinese font (no fc-list); {FONT_HINT}")
    found = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    )
    if not found.stdout.strip():
        raise CaptureError(f"no Chinese (CJK) font is installed; {FONT_HINT}")


@contextmanager
def _browser(given: Browser | None) -> Iterator[Browser]:
    if given:
        yield given
        return
    with browser() as launched:
        yield launched


@contextmanager
def _app(url: str | None) -> Iterator[str]:
    if url:
        yield url.rstrip("/")
        return
    with running_app() as base:
        yield base


def capture_places(
    chromium: Browser, base: str, week: str, places: list[Place], request: Request, out_dir: Path
) -> list[Captured]:
    """Capture each place's briefing into out_dir, in order. A few pages are opened ahead, so
    the server runs one place's script while the browser draws another's."""
    ahead: deque[tuple[Place, BrowserContext, Page]] = deque()
    waiting = deque(places)
    captured = []
    try:
        while waiting or ahead:
            while waiting and len(ahead) < OPEN_AHEAD:
                place = waiting.popleft()
                ahead.append((place, *_open(chromium, base, week, place, request)))
            place, context, page = ahead.popleft()
            try:
                out = out_dir / _name(week, [place], request, "png")
                captured.append(_save(page, place, request.layout, out))
            finally:
                context.close()
    finally:
        for _, context, _ in ahead:
            context.close()
    return captured


def _open(
    chromium: Browser, base: str, week: str, place: Place, request: Request
) -> tuple[BrowserContext, Page]:
    """A fresh browser context (a fresh session) on the place's briefing, still loading."""
    width, height = LAYOUTS[request.layout]
    context = chromium.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        user_agent=PHONE_AGENT if request.layout == "phone" else None,
    )
    page = context.new_page()
    keep_local(page, base)
    params = {"lang": request.lang, "week": week, "district": place.code or None}
    page.goto(
        page_url(base, "briefing", **params, layout=request.layout, capture="1"),
        wait_until="commit",
    )
    return context, page


def _save(page: Page, place: Place, layout: str, out: Path) -> Captured:
    """Wait for the page's own drawn marker, save the image, and read back the title and the
    sentences the page shows."""
    try:
        page.wait_for_selector(MARKER, state="attached", timeout=PAGE_TIMEOUT_MS)
    except Exception as error:  # playwright's TimeoutError
        raise CaptureError(f"the briefing of {place.name} did not finish drawing") from error
    _refuse_fallbacks(page)
    out.parent.mkdir(parents=True, exist_ok=True)
    if layout == "phone":
        full_page(page, out)
    else:
        page.screenshot(path=str(out), animations="disabled")
    title = page.locator('[data-testid="stMain"] h1').first.inner_text().strip()
    period = page.locator('[data-testid="stCaptionContainer"]').first.inner_text().strip()
    sentences = page.locator(".briefing-points li").all_inner_texts()
    return Captured(f"{title} · {period}", out, [s.strip() for s in sentences])


def _refuse_fallbacks(page: Page) -> None:
    """The page failed (an error) or fell back from what was asked (a warning): no capture."""
    refuse_failures(page)
    if warnings := sidebar_warnings(page):
        raise CaptureError("; ".join(warnings))


def _name(week: str, places: list[Place], request: Request, suffix: str) -> str:
    scope = "all" if request.every_place else "-".join(p.slug for p in places)
    return f"briefing-{week}-{scope}-{request.lang}-{request.layout}.{suffix}"


def _write(
    captured: list[Captured], request: Request, week: str, places: list[Place], out_dir: Path
) -> list[Path]:
    if request.format == "png":
        return [c.image for c in captured]
    out = out_dir / _name(week, places, request, request.format)
    if request.format == "pdf":
        return [write_pdf(captured, out)]
    title, subtitle = _deck_titles(week, request.lang)
    return [write_pptx(captured, out, title, subtitle)]


def _deck_titles(week: str, lang: str) -> tuple[str, str]:
    """'安全网周报' over '2026年第48周（11月23日—11月29日） · 生成于2026年11月30日'."""
    monday = parse_week_key(week)
    iso = monday.isocalendar()
    period = fmt.week(iso.year, iso.week, lang) + fmt.aside(
        fmt.week_span(monday, monday + timedelta(days=6), lang), lang
    )
    made = ("生成于" if lang == "zh" else "made on ") + fmt.day(date.today(), lang)
    return t("briefing_deck", lang), f"{period} · {made}"
