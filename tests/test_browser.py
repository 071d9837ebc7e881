"""The paths a person takes through the dashboard, in a real headless Chromium against the small
warehouse: one app and one browser for the module, a fresh browser context (a fresh Streamlit
session) per test. The browser may only talk to the local app.
"""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from safetynet.briefing.capture import (
    page_url,
    wait_for_page,
    wait_until_idle,
)

# Skipped without Chromium, except in CI (tests/conftest.py); `chromium` and `app` come from there.
pytestmark = pytest.mark.browser

LATEST_WEEK_END = date(2026, 11, 29)  # Sunday of 2026-W48, the small demo city's last week
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)


def open_overview(page: Page, app: str, **params: str) -> None:
    page.goto(page_url(app, **params), wait_until="domcontentloaded")
    wait_for_page(page, TIMEOUT_MS)


def title(page: Page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def period(page: Page) -> str:
    return page.locator(
        '[data-testid="stMain"] [data-testid="stCaptionContainer"]'
    ).first.inner_text()


def metrics(page: Page) -> dict[str, str]:
    """Each headline figure's label and shown value."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid="stMetric"]')]
            .map(m => [m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
                       m.querySelector('[data-testid="stMetricValue"]').innerText.trim()]))"""
    )


def chart_titles(page: Page) -> list[str]:
    return page.locator('[data-testid="stPlotlyChart"] .gtitle').all_text_contents()


def sidebar_box(page: Page, label: str):
    """A sidebar selectbox, found by its label; its value is the chosen option's text."""
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label)


def sidebar_select(page: Page, label: str, option: str) -> None:
    sidebar_box(page, label).click()
    page.get_by_role("option", name=option, exact=True).click()


def open_hazards_at(raw: Path, day: date) -> int:
    hazards = pl.read_parquet(raw / "hazards.parquet")
    return hazards.filter(
        (pl.col("found_date") <= day)
        & (pl.col("rectified_date").is_null() | (pl.col("rectified_date") > day))
    ).height


def test_overview_in_chinese(page: Page, app: str, small_raw: Path) -> None:
    open_overview(page, app)
    assert "郑州市 · 总览" in title(page)
    assert "2026年第48周（11月23日—11月29日）" in period(page)
    shown = metrics(page)
    assert len(shown) == 6
    assert {"新发现隐患", "未整改隐患", "隐患整改率", "检查符合率"} <= shown.keys()
    open_now = open_hazards_at(small_raw, LATEST_WEEK_END)
    assert 0 < open_now < 10_000  # below 1万 Chinese reports write the plain number
    assert shown["未整改隐患"] == f"{open_now}处"
    assert re.fullmatch(r"\d{1,3}\.\d%", shown["隐患整改率"])
    # the link now names the view, so it can be shared
    assert "lang=zh" in page.url and "week=2026-W48" in page.url


def test_choosing_a_district(page: Page, app: str) -> None:
    open_overview(page, app)
    assert any(t.startswith("区县排名") for t in chart_titles(page))
    sidebar_select(page, "区县", "金水区")
    expect(page.locator('[data-testid="stMain"] h1').first).to_contain_text("金水区 · 总览")
    page.wait_for_url(re.compile(r"district=410105"))
    wait_until_idle(page, TIMEOUT_MS)
    ranking = chart_titles(page)[0]
    assert ranking.startswith("街道（乡镇）排名"), ranking


def test_shared_link_in_english(page: Page, app: str) -> None:
    open_overview(page, app, lang="en", week="2026-W40", district="410181")
    assert title(page) == "Gongyi · Overview"
    assert "2026 W40" in period(page)
    assert period(page).startswith("Period:")
    shown = metrics(page)
    assert {"New hazards", "Open hazards", "Rectification rate", "Inspection compliance"} <= (
        shown.keys()
    )
    assert re.fullmatch(r"\d[\d,]*", shown["Open hazards"])  # no Chinese unit in English
    assert chart_titles(page)[0].startswith("Street / town ranking")
    # the sidebar shows what the link asked for
    expect(sidebar_box(page, "Week")).to_have_value(re.compile(r"^2026 W40 "))
    expect(sidebar_box(page, "District")).to_have_value("Gongyi")


def test_switching_language(page: Page, app: str) -> None:
    open_overview(page, app)
    zh = metrics(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').get_by_text("English").click()
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("Zhengzhou · Overview")
    page.wait_for_url(re.compile(r"lang=en"))
    wait_until_idle(page, TIMEOUT_MS)
    en = metrics(page)
    assert "Open hazards" in en and "未整改隐患" not in en
    assert en["Open hazards"] == zh["未整改隐患"].removesuffix("处")  # same number, English form
    assert "2026 W48" in period(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("District")


def test_invalid_week_in_link_falls_back(page: Page, app: str) -> None:
    open_overview(page, app, week="2099-W99")
    warning = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    expect(warning).to_contain_text("链接中的周次无效")
    expect(warning).to_contain_text("2099-W99")
    assert "2026年第48周" in period(page)
    page.wait_for_url(re.compile(r"week=2026-W48"))


def test_map_is_drawn(page: Page, app: str) -> None:
    from PIL import Image

    open_overview(page, app)
    deck = page.locator('[data-testid="stDeckGlJsonChart"]')
    assert deck.locator("canvas").count() >= 1
    page.wait_for_timeout(500)  # deck.gl draws on the next animation frames
    image = Image.open(BytesIO(deck.screenshot())).convert("RGB")
    pixels = list(image.get_flattened_data())
    assert len(set(pixels)) > 50, "the map canvas is (nearly) blank"
    # the districts are filled with the purple classes: a good share of the pixels are not the
    # white ground, and some are the darker classes (blue well above red and green)
    filled = sum(1 for r, g, b in pixels if min(r, g, b) < 235)
    assert filled > 0.2 * len(pixels), f"only {filled} of {len(pixels)} pixels are filled"
    purple = sum(1 for r, g, b in pixels if b - g > 40 and b > r)
    assert purple > 0.02 * len(pixels), f"only {purple} of {len(pixels)} pixels are purple"
