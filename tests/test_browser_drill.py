"""The inspector's paths through the drill-down, in a real headless Chromium against the small
warehouse: a deep link pasted into a fresh browser, a click on a row one level down, the
breadcrumb and the back button up again, the search box, and a grid's hazard list downloaded.
"""

from __future__ import annotations

import io
import re

import openpyxl
import polars as pl
import pytest
from playwright.sync_api import Browser, Page, expect
from test_browser_ways_in import ROW_PX, click_opens
from test_page_drill import SUNDAY
from test_remediation import open_at

from safetynet.briefing.capture import keep_local, page_url, track_drawing, wait_for_page

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
WEEK = "2026-W48"
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def way(raw: dict[str, pl.DataFrame]) -> dict[str, str]:
    """The way down to the grid with the most open hazards at the week's end: codes and names."""
    opened = raw["hz"].filter(open_at(SUNDAY))
    grid = opened.group_by("grid_code").len().sort(["len", "grid_code"], descending=[True, False])
    place = raw["place"].filter(grid_code=grid["grid_code"][0]).row(0, named=True)
    name = {
        "district": raw["districts"].filter(district_code=place["district_code"])["name_zh"][0],
        "street": raw["streets"].filter(street_code=place["street_code"])["name_zh"][0],
        "community": raw["communities"].filter(community_code=place["community_code"])["name_zh"][
            0
        ],
    }
    return {
        **{level: place[f"{level}_code"] for level in ("district", "street", "community", "grid")},
        **{f"{level}_name": value for level, value in name.items()},
        "grid_name": "网格" + place["grid_code"][-4:],
        "open_in_grid": str(grid["len"][0]),
        "grid_row": str(
            sorted(raw["grids"].filter(community_code=place["community_code"])["grid_code"]).index(
                place["grid_code"]
            )
        ),
    }


def open_drill(page: Page, app: str, **params: str) -> None:
    page.goto(page_url(app, "drill", **params), wait_until="domcontentloaded")
    wait_for_page(page, TIMEOUT_MS)


def heading(page: Page):
    return page.locator('[data-testid="stMain"] h1').first


def metrics(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid="stMetric"]')]
            .map(m => [m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
                       m.querySelector('[data-testid="stMetricValue"]').innerText.trim()]))"""
    )


def settled(page: Page, title: str) -> None:
    """Wait for the page to show `title` and finish drawing."""
    expect(heading(page)).to_have_text(title)
    wait_for_page(page, TIMEOUT_MS)


def test_a_pasted_link_opens_the_same_view(chromium: Browser, app: str, way) -> None:
    views = []
    for _ in range(2):  # two fresh browsers: two sessions that share nothing but the link
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        track_drawing(context)
        page = context.new_page()
        keep_local(page, app)
        open_drill(page, app, place=way["community"], week=WEEK)
        settled(page, f"{way['community_name']} · 下钻")
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_role("combobox", name="区县")).to_have_value(way["district_name"])
        assert f"place={way['community']}" in page.url and f"district={way['district']}" in page.url
        views.append(metrics(page))
        context.close()
    assert views[0] == views[1]
    assert len(views[0]) == 8  # seven figures and the risk class


def test_a_row_opens_the_place_below_and_the_way_back_up(page: Page, app: str, way) -> None:
    open_drill(page, app, place=way["community"], week=WEEK)
    settled(page, f"{way['community_name']} · 下钻")
    # the grids' table, sorted by code: click the grid's row
    table = page.locator('[data-testid="stDataFrame"]').first
    row = int(way["grid_row"])
    table.click(position={"x": 16, "y": 35 + 35 * row + 17})  # the row's selection cell
    settled(page, f"{way['grid_name']} · 下钻")
    assert f"place={way['grid']}" in page.url
    expect(page.get_by_text(f"共{way['open_in_grid']}处")).to_be_visible()
    # the breadcrumb's street goes up two levels ...
    page.locator('[data-testid="stMain"] [data-testid="stPageLink"]').get_by_text(
        way["street_name"], exact=True
    ).click()
    settled(page, f"{way['street_name']} · 下钻")
    assert f"place={way['street']}" in page.url
    # ... and the browser's back button returns to the grid
    page.go_back()
    settled(page, f"{way['grid_name']} · 下钻")


def test_search_for_a_community_by_name(page: Page, app: str, way) -> None:
    open_drill(page, app, week=WEEK)
    settled(page, "郑州市 · 下钻")
    box = page.get_by_role("textbox", name="查找街道、社区或网格")
    box.fill(way["community_name"])
    box.press("Enter")
    path = f"{way['district_name']} › {way['street_name']} › {way['community_name']}"
    result = page.locator('[data-testid="stPageLink"]').get_by_text(path, exact=True)
    result.click()
    settled(page, f"{way['community_name']} · 下钻")
    assert f"place={way['community']}" in page.url


def test_a_grids_hazard_list_downloads(page: Page, app: str, way) -> None:
    open_drill(page, app, place=way["grid"], week=WEEK)
    settled(page, f"{way['grid_name']} · 下钻")
    buttons = page.locator('[data-testid="stDownloadButton"]').get_by_text("下载 Excel")
    with page.expect_download() as download:
        buttons.last.click()
    data = download.value
    assert re.search(r"\.xlsx$", data.suggested_filename)
    sheet = openpyxl.load_workbook(io.BytesIO(data.path().read_bytes())).active
    lines = [line for line in sheet.iter_rows(values_only=True)]
    assert lines[0][0] == "下钻 · 未整改隐患清单"
    blank = next(i for i, line in enumerate(lines) if all(v is None for v in line))
    about = {line[0]: line[1] for line in lines[1:blank]}
    assert about["地点"].endswith(way["grid_name"])
    assert len(lines) - blank - 2 == int(way["open_in_grid"])  # header row, then one per hazard


def test_a_bar_opens_the_place_below(page: Page, app: str, way, raw) -> None:
    """The chart of the places below puts the most overdue on top: clicking its bar opens it."""
    open_drill(page, app, place=way["district"], week=WEEK)
    settled(page, f"{way['district_name']} · 下钻")
    overdue = (
        raw["hz"]
        .filter(
            open_at(SUNDAY)
            & (pl.col("deadline") < SUNDAY)
            & (pl.col("district_code") == way["district"])
        )
        .group_by("street_code")
        .len()
    )
    opened = raw["hz"].filter(open_at(SUNDAY) & (pl.col("district_code") == way["district"]))
    counts = raw["streets"].filter(district_code=way["district"]).select("street_code", "name_zh")
    counts = (
        counts.join(overdue.rename({"len": "overdue"}), on="street_code", how="left")
        .join(
            opened.group_by("street_code").len().rename({"len": "open"}),
            on="street_code",
            how="left",
        )
        .fill_null(0)
    )
    order = counts.sort(["overdue", "open", "street_code"], descending=[True, True, False])
    # the first bar drawn wide enough to click (a place with no overdue hazard has none): its
    # place is the row of the same position in the chart's order
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    for trace in chart.locator(".trace.bars").all():
        bars = trace.locator(".point path").all()
        chart.scroll_into_view_if_needed()
        boxes = [bar.bounding_box() for bar in bars]
        wide = [i for i, box in enumerate(boxes) if box and box["width"] > 3]
        if wide:
            box = boxes[wide[0]]  # plotly's drag layer takes the click and finds the bar under it
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            top = order.row(wide[0], named=True)
            break
    else:
        pytest.fail("no bar to click")
    settled(page, f"{top['name_zh']} · 下钻")
    assert f"place={top['street_code']}" in page.url


def test_an_overdue_hazard_in_three_clicks_from_the_overview(page: Page, app: str, raw) -> None:
    """The inspector's path: on the overview ranked by overdue hazards, (1) the worst unit's bar,
    (2) its community with the most overdue hazards in the unit's list, (3) that community's
    hazard list, most overdue first, here downloaded to read it."""
    overdue = raw["hz"].filter(open_at(SUNDAY) & (pl.col("deadline") < SUNDAY))
    page.goto(page_url(app, week=WEEK, figure="overdue"), wait_until="domcontentloaded")
    wait_for_page(page, TIMEOUT_MS)
    chart = page.locator('[data-testid="stPlotlyChart"]').first  # the ranking, worst on top
    chart.scroll_into_view_if_needed()
    bars = [b.bounding_box() for b in chart.locator(".barlayer .point path").all()]
    top = min((b for b in bars if b and b["width"] > 3), key=lambda b: b["y"])
    ticks = chart.locator(".yaxislayer-above .ytick text").all()
    unit_name = min((t.bounding_box()["y"], t.text_content()) for t in ticks)[1]
    unit = raw["districts"].filter(name_zh=unit_name)["district_code"][0]
    click_opens(page, top["x"] + top["width"] / 2, top["y"] + top["height"] / 2, unit_name, unit)

    in_unit = overdue.filter(district_code=unit)
    opened = raw["hz"].filter(open_at(SUNDAY) & (pl.col("district_code") == unit))
    counts = (
        in_unit.group_by("community_code")
        .len()
        .join(opened.group_by("community_code").len().rename({"len": "open"}), on="community_code")
        .sort(["len", "open", "community_code"], descending=[True, True, False])
    )
    community = counts["community_code"][0]
    name = raw["communities"].filter(community_code=community)["name_zh"][0]
    table = page.locator('[data-testid="stDataFrame"]').nth(1)  # communities with overdue hazards
    table.scroll_into_view_if_needed()
    table.click(position={"x": 16, "y": ROW_PX + ROW_PX // 2})  # its first row's marker
    settled(page, f"{name} · 下钻")

    buttons = page.locator('[data-testid="stDownloadButton"]').get_by_text("下载 CSV")
    with page.expect_download() as download:
        buttons.last.click()  # the hazard list's
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()[1:]
    ids = [line.split(",")[0] for line in lines]
    want = overdue.filter(community_code=community)
    assert set(want["hazard_id"]) <= set(ids)  # every overdue hazard of the community is listed
    assert set(ids[: want.height]) == set(want["hazard_id"])  # the most overdue first
