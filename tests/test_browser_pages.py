"""Every page of the dashboard in a real headless Chromium, in Chinese and in English, on a desktop
screen (1920×1080) and a phone (390×844), against the small warehouse: the page draws without an
error, under the right title, with its charts and maps; nothing is cut off at phone width; every
request it makes is for the local app; a table's Excel export downloads and says what it holds.

A full-page screenshot of each page, language and screen is kept in build/screenshots/ for people
to look at. One app and one browser for the module (tests/conftest.py), a fresh context per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import duckdb
import openpyxl
import pytest
from playwright.sync_api import Browser, Page

from safetynet.app import fmt
from safetynet.app.labels import t
from safetynet.app.navigation import PAGES
from safetynet.briefing.capture import full_page, keep_local, track_drawing, wait_until_drawn
from safetynet.warehouse import runner

pytestmark = pytest.mark.browser  # skipped without Chromium, except in CI (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
TIMEOUT_MS = 60_000
SCREENS = {"desktop": (1920, 1080), "phone": (390, 844)}
# A phone says so in its user agent ("Mobi"): the maps then fit the city into its width.
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
SLACK_PX = 4  # rounding of fractional layout widths
MAPS = {"overview": 1, "risk": 1}  # deck.gl maps per page; every page has plotly charts


@dataclass(frozen=True)
class Shown:
    """One page as a test opens it."""

    key: str  # the page's text key: overview, risk, ...
    url_path: str
    default: bool
    lang: str
    screen: str

    def url(self, base: str) -> str:
        path = "" if self.default else self.url_path
        return f"{base}/{path}?{urlencode({'lang': self.lang})}"

    @property
    def name(self) -> str:
        return f"{self.key}-{self.lang}-{self.screen}"


# The briefing is drawn for a capture (a static map, no plotly chart, no downloads): its own
# browser test is tests/test_briefing_capture.py.
CASES = [
    Shown(key, url, i == 0, lang, screen)
    for i, (_, key, _, url) in enumerate(PAGES)
    if key != "briefing"
    for lang in ("zh", "en")
    for screen in SCREENS
]


@pytest.fixture(scope="module")
def as_of(con: duckdb.DuckDBPyConnection):
    return runner.run(con, "build_info", {})["as_of"][0]


@pytest.fixture
def opened(
    request: pytest.FixtureRequest, chromium: Browser, app: str
) -> Iterator[tuple[Page, list[str]]]:
    """The case's page, fully drawn, in a fresh context; with every URL it asked for."""
    case: Shown = request.param
    width, height = SCREENS[case.screen]
    context = chromium.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN" if case.lang == "zh" else "en-US",
        accept_downloads=True,
        **({"user_agent": PHONE_AGENT} if case.screen == "phone" else {}),
    )
    context.set_default_timeout(TIMEOUT_MS)
    track_drawing(context)
    asked: list[str] = []
    # Recorded, not only refused: keep_local aborts a remote request, and the test then names it.
    context.on("request", lambda r: asked.append(r.url))
    page = context.new_page()
    page.on("websocket", lambda ws: asked.append(ws.url))
    keep_local(page, app)
    page.goto(case.url(app), wait_until="domcontentloaded")
    wait_until_drawn(page, TIMEOUT_MS)
    yield page, asked
    context.close()


def not_local(urls: list[str], base: str) -> list[str]:
    origin = urlsplit(base).netloc
    return [
        u
        for u in urls
        if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != origin
    ]


def widths(page: Page) -> dict:
    """The viewport's width and how far the main area, each chart and each map reach."""
    return page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const block = document.querySelector('[data-testid="stMainBlockContainer"]');
            const reach = sel => [...main.querySelectorAll(sel)].map(e => {
                const box = e.getBoundingClientRect();
                return {width: box.width, right: box.right};
            });
            return {viewport: window.innerWidth, main: main.scrollWidth, block: block.scrollWidth,
                    charts: reach('[data-testid="stPlotlyChart"] .js-plotly-plot'),
                    maps: reach('[data-testid="stDeckGlJsonChart"] canvas')};
        }"""
    )


def first_block(path: Path) -> tuple[str, dict[str, str]]:
    """An Excel export's title cell and the (name, value) lines under it, up to the blank row."""
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    title = next(rows)[0]
    block = {}
    for row in rows:
        if row[0] is None:
            break
        block[row[0]] = row[1]
    return title, block


@pytest.mark.parametrize("opened", CASES, ids=[c.name for c in CASES], indirect=True)
def test_page_draws(
    opened: tuple[Page, list[str]], request: pytest.FixtureRequest, app: str, as_of, tmp_path: Path
) -> None:
    page, asked = opened
    case: Shown = request.node.callspec.params["opened"]
    lang = case.lang
    main = page.locator('[data-testid="stMain"]')

    failures = page.locator('[data-testid="stException"]')
    assert failures.count() == 0, failures.all_inner_texts()
    alerts = page.locator(
        '[data-testid="stAlertContentError"], [data-testid="stAlertContentWarning"]'
    )
    assert alerts.count() == 0, alerts.all_inner_texts()
    title = t(case.key, lang)
    assert main.locator("h1").first.inner_text().strip() == f"{t('city_name', lang)} · {title}"

    # Drawn: wait_until_drawn waited for every chart's SVG and every map's first frame.
    assert main.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 1
    assert main.locator('[data-testid="stDeckGlJsonChart"] canvas').count() == MAPS.get(case.key, 0)

    # Nothing is cut off sideways, on the phone least of all.
    reach = widths(page)
    edge = reach["viewport"] + SLACK_PX
    assert reach["main"] <= edge and reach["block"] <= edge, reach
    for shape in reach["charts"] + reach["maps"]:
        assert shape["width"] <= edge and shape["right"] <= edge, reach

    # The page as it opened, before the download below opens an expander.
    full_page(page, SCREENSHOTS / f"{case.name}.png", TIMEOUT_MS)

    if case.screen == "desktop":
        excel = page.locator('[data-testid="stDownloadButton"]', has_text=t("download_excel", lang))
        button = main.locator(excel).first
        if not button.is_visible():  # the overview's table of signals sits in a closed expander
            main.locator('[data-testid="stExpander"]', has=excel).first.locator("summary").click()
        with page.expect_download() as download:
            button.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.suffix == ".xlsx"
        heading, block = first_block(saved)
        assert heading.startswith(f"{title} · "), heading
        assert block[t("data_as_of", lang)] == fmt.day(as_of, lang)
        assert block[t("period", lang)] and block[t("period", lang)] in main.inner_text()
        assert t("exported_at", lang) in block
        # the sidebar's place: each page's first table is one by place
        assert block[t("filter_district", lang)] == t("city_name", lang)

    # Asked last, so it covers what the page fetched while drawn, redrawn and downloaded.
    assert asked and not not_local(asked, app), not_local(asked, app)
