"""Every chart is a way in: real clicks in a headless Chromium against the small warehouse open
the clicked place in the drill-down. A unit on the overview's map (deck.gl: a click on a pixel
inside the unit, worked out from the map's view), a bar of its ranking, a row of the remediation
page's table per place, and a row of the risk page's riskiest communities followed by the link
beside the explained place. One app and one browser for the module.
"""

from __future__ import annotations

import json
import math
import re

import polars as pl
import pytest
from playwright.sync_api import Page, expect
from shapely.geometry import shape
from test_page_remediation import CASES, places

from safetynet.app import maps
from safetynet.briefing.capture import page_url, wait_for_page

# Skipped without Chromium, except in CI (tests/conftest.py); `chromium` and `app` come from there.
pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
WEEK = "2026-W48"
expect.set_options(timeout=TIMEOUT_MS)
ROW_PX = 35  # a table's header and each row (st.dataframe's default row height)
CLICK_TRIES = 3
RETRY_AFTER_MS = 8_000  # a click that started nothing by then is tried again


def open_page(page: Page, app: str, name: str = "", **params: str) -> None:
    page.goto(page_url(app, name, week=WEEK, **params), wait_until="domcontentloaded")
    wait_for_page(page, TIMEOUT_MS)


def heading(page: Page):
    return page.locator('[data-testid="stMain"] h1').first


def lands_on_drill(page: Page, name: str, code: str) -> None:
    """The drill-down of the place, with the place in its link."""
    expect(heading(page)).to_have_text(f"{name} · 下钻")
    page.wait_for_url(re.compile(rf"/drill\?.*place={code}(&|$)"))
    wait_for_page(page, TIMEOUT_MS)


def click_opens(page: Page, x: float, y: float, name: str, code: str) -> None:
    """Click at a point of the page and land on the drill-down of the place. deck.gl takes a
    press for a click (a tap) only when it is short, which a busy machine can miss: a click that
    started nothing is tried again (a second click on the same place is harmless)."""
    for _ in range(CLICK_TRIES - 1):
        page.mouse.click(x, y)
        try:
            expect(heading(page)).to_have_text(f"{name} · 下钻", timeout=RETRY_AFTER_MS)
            break
        except AssertionError:
            if "/drill" in page.url:  # on its way: no second click
                break
    else:
        page.mouse.click(x, y)
    lands_on_drill(page, name, code)


def pixel_of(
    lon: float, lat: float, centre: tuple[float, float], zoom: float
) -> tuple[float, float]:
    """Where a point lies on the map, in CSS pixels from the canvas's centre (Web Mercator, 512
    pixels for the world at zoom 0, as deck.gl draws it: y grows downwards)."""
    world = 512 * 2**zoom

    def y(latitude: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))

    return (lon - centre[0]) / 360 * world, -(y(lat) - y(centre[1])) / (2 * math.pi) * world


def test_a_unit_clicked_on_the_map_opens_it(page: Page, app: str, raw) -> None:
    districts: pl.DataFrame = raw["districts"]
    # the largest unit, clicked at a point inside it (the point its name is written at)
    areas = [shape(json.loads(g)) for g in districts["boundary_geojson"]]
    largest = max(range(len(areas)), key=lambda i: areas[i].area)
    inside = areas[largest].representative_point()
    code, name = districts["district_code"][largest], districts["name_zh"][largest]
    centre, zoom = maps.view_of(districts, "", phone=False)
    dx, dy = pixel_of(inside.x, inside.y, centre, zoom)

    open_page(page, app)
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy
    # the pointer over the unit shows its name: the pixel is the unit's (and the hover is drawn
    # before the click, which then has the page to itself)
    page.mouse.move(x, y)
    expect(page.locator(".deck-tooltip")).to_contain_text(name)
    click_opens(page, x, y, name, code)
    assert f"district={code}" in page.url and "lang=zh" in page.url and f"week={WEEK}" in page.url


def test_a_bar_clicked_in_the_ranking_opens_its_unit(page: Page, app: str, raw) -> None:
    open_page(page, app)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    # the top bar is the worst unit: the longest, easy to hit; its name is the top tick label
    bars = chart.locator(".barlayer .point path")
    tops = [bars.nth(i).bounding_box() for i in range(bars.count())]
    top = min(range(len(tops)), key=lambda i: tops[i]["y"])
    ticks = chart.locator(".yaxislayer-above .ytick text")
    labels = [
        (ticks.nth(i).bounding_box()["y"], ticks.nth(i).text_content())
        for i in range(ticks.count())
    ]
    name = min(labels)[1]
    code = raw["districts"].filter(name_zh=name)["district_code"][0]
    bar = tops[top]
    click_opens(page, bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2, name, code)


def test_a_row_of_the_remediation_table_opens_its_unit(page: Page, app: str, raw) -> None:
    codes = list(places(raw, CASES["city"]))  # the table's units, in its order
    row = 2
    open_page(page, app, "remediation")
    table = page.locator('[data-testid="stDataFrame"]').first  # the table per place
    table.scroll_into_view_if_needed()
    table.click(position={"x": 16, "y": ROW_PX * (row + 1) + ROW_PX // 2})  # the row's marker
    name = raw["districts"].filter(district_code=codes[row])["name_zh"][0]
    lands_on_drill(page, name, codes[row])


def test_a_riskiest_community_opens_from_beside_its_explanation(page: Page, app: str) -> None:
    open_page(page, app, "risk")
    metric = page.locator('[data-testid="stMetricLabel"]').first
    expect(metric).to_have_text(re.compile("^郑州市 · 综合风险"))
    table = page.locator('[data-testid="stDataFrame"]').last  # the 20 riskiest communities
    table.scroll_into_view_if_needed()
    table.click(position={"x": 16, "y": ROW_PX + ROW_PX // 2})  # the riskiest
    expect(metric).not_to_have_text(re.compile("^郑州市"))
    name = metric.inner_text().strip().removesuffix(" · 综合风险")
    page.wait_for_url(re.compile(r"place=\d{12}"))
    code = re.search(r"place=(\d{12})", page.url).group(1)
    page.locator('[data-testid="stPageLink"]').get_by_text("在下钻中查看").click()
    lands_on_drill(page, name, code)
