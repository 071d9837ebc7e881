"""Text from a link or a data file never turns into a link, an image, coloured 'system' text or
markup on a page (issue 9, "Crafted links"): a value from the URL is shown escaped and cut, and
the names of places from the city's own files are escaped for whatever renders them (Markdown in
titles and labels, HTML in plotly's labels and deck.gl's tooltips)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from conftest import Opened, _open
from hypothesis import example, given
from hypothesis import strategies as st
from playwright.sync_api import Browser

from safetynet.app import escape, link
from safetynet.briefing.capture import (
    keep_local,
    page_url,
    running_app,
    track_drawing,
    wait_for_page,
)
from safetynet.build import build

UNIT = "410105"
PAYLOAD = (
    "![x](http://evil.example/a.png)[数据已过期，请点此重新登录](http://evil.example/login) "
    ':red[系统提示] <img src="http://evil.example/b.png"> <a href="http://evil.example">x</a>'
)
# Markdown a renderer would turn into a link or image, or Streamlit into coloured text, when not
# backslash-escaped; and HTML tags that plotly or a tooltip would draw.
UNESCAPED_LINK = re.compile(r"(?<!\\)\]\(")
UNESCAPED_DIRECTIVE = re.compile(r"(?<!\\):red(?<!\\)\[")
BARE_ADDRESS = re.compile(r"(?i)https?:(?!\u200b)|www(?!\u200b)")  # GFM would link these
RAW_TAG = re.compile(r"<(img|a)\b", re.I)


# --- values from a link --------------------------------------------------------------------------


@given(st.text(max_size=2_000))
def test_a_value_from_a_link_is_quoted_whole_and_cut(value: str) -> None:
    quoted = link.quote(value)
    inside = quoted[1:-1]
    # one code span (Markdown shows its content as it is) holding at most the limit and an ellipsis
    assert quoted.startswith("`") and quoted.endswith("`") and "`" not in inside
    assert len(inside) <= link.QUOTE_LIMIT + 1
    assert inside.rstrip("…") == value[: link.QUOTE_LIMIT].replace("`", "'")


@given(st.text(max_size=300))
@example(PAYLOAD)
@example("see https://x.example or www.x.example, write to a@x.example")
def test_markdown_escaping_leaves_no_link_image_or_directive(text: str) -> None:
    shown = escape.markdown(text)
    assert not UNESCAPED_LINK.search(shown) and not UNESCAPED_DIRECTIVE.search(shown)
    # and reads as the text itself (zero-width spaces break bare addresses GFM would link)
    assert re.sub(r"\\(.)", r"\1", shown.replace(escape.ZERO_WIDTH, "")) == text
    assert not BARE_ADDRESS.search(shown.replace("\\", ""))


@pytest.mark.parametrize("key", ["district", "week", "window"])
def test_a_crafted_link_value_is_shown_escaped_and_cut(data_root: Path, key: str) -> None:
    value = PAYLOAD * 500  # about 100 kB
    page = _open(data_root, "remediation", {key: value})
    warnings = [w.value for w in page.at.warning]  # the sidebar's and the page's
    (said,) = [w for w in warnings if "evil" in w]
    assert len(said) < 200
    assert link.quote(value) in said


# --- names from the data -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crafted(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A warehouse whose unit, one of its streets and one community there are named with the
    payload; and those codes."""
    raw = tmp_path_factory.mktemp("raw-crafted")
    shutil.copytree(small_raw, raw, dirs_exist_ok=True)
    streets = pl.read_parquet(raw / "streets.parquet")
    street = streets.filter(district_code=UNIT)["street_code"].sort()[0]
    communities = pl.read_parquet(raw / "communities.parquet")
    community = communities.filter(street_code=street)["community_code"].sort()[0]
    renames = (
        ("districts", "district_code", UNIT, ("name_zh", "name_en")),
        ("streets", "street_code", street, ("name_zh",)),
        ("communities", "community_code", community, ("name_zh",)),
    )
    for table, key, code, columns in renames:
        path = raw / f"{table}.parquet"
        frame = pl.read_parquet(path)
        frame.with_columns(
            pl.when(pl.col(key) == code).then(pl.lit(PAYLOAD)).otherwise(pl.col(c)).alias(c)
            for c in columns
        ).write_parquet(path)
    root = tmp_path_factory.mktemp("data-crafted")
    build(raw, root=root / "warehouse", progress=False)
    return root, {"district": UNIT, "street": street, "place": community}


# Each page with the crafted unit, and the crafted community or street where the page takes one.
VIEWS = {
    "overview": (),
    "risk": ("place",),
    "balance": (),
    "remediation": ("street",),
    "capability": (),
    "briefing": (),
}


@pytest.fixture(scope="module")
def pages(crafted: tuple[Path, dict]) -> Iterator[dict[str, Opened]]:
    root, codes = crafted
    opened = {}
    for page, own in VIEWS.items():
        for lang in ("zh", "en"):
            params = {"district": UNIT, "lang": lang} | {key: codes[key] for key in own}
            opened[f"{page}-{lang}"] = _open(root, page, params)
    yield opened


def _strings(node: Any) -> Iterator[tuple[str, str]]:
    """Every (key, string) in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str):
                yield key, value
            else:
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, str):
                yield "", item
            else:
                yield from _strings(item)


@pytest.mark.parametrize("name", [f"{p}-{lang}" for p in VIEWS for lang in ("zh", "en")])
def test_a_crafted_place_name_is_shown_as_text(pages: dict[str, Opened], name: str) -> None:
    at = pages[name].at
    markdown = [
        *(e.value for e in at.title),
        *(e.value for e in at.subheader),
        *(e.value for e in at.caption),
        *(e.value for e in at.info),
        *(e.value for e in at.warning),
        *(m.label for m in at.metric),
    ]
    html = [e.value for e in at.markdown]  # coloured lines and legends are HTML
    shown = [*markdown, *html]
    assert any("evil" in text for text in shown), "the payload should be on the page somewhere"
    for text in markdown:
        assert not UNESCAPED_LINK.search(text) and not UNESCAPED_DIRECTIVE.search(text), text
        assert not BARE_ADDRESS.search(text.replace("\\", "")), text
    for text in html:
        assert not RAW_TAG.search(text), text
    for chart in at.get("plotly_chart"):
        for key, text in _strings(json.loads(chart.proto.spec)):
            assert not RAW_TAG.search(text), (key, text)
    for deck in at.get("deck_gl_json_chart"):
        for key, text in _strings(json.loads(deck.proto.json)):
            # deck.gl draws "text" as text; everything else may reach the HTML tooltip
            assert key == "text" or not RAW_TAG.search(text), (key, text)


@pytest.mark.browser
def test_in_a_browser_crafted_names_make_no_link_and_no_request(
    crafted: tuple[Path, dict], chromium: Browser
) -> None:
    """Drawn for real: no element links to the crafted host and the page asks it for nothing."""
    root, codes = crafted
    asked: list[str] = []
    with running_app(root) as base:
        for page in VIEWS:
            context = chromium.new_context(viewport={"width": 1400, "height": 900})
            track_drawing(context)
            context.on("request", lambda r: asked.append(r.url))
            opened = context.new_page()
            keep_local(opened, base)
            params = {"district": UNIT} | {key: codes[key] for key in VIEWS[page]}
            opened.goto(page_url(base, "" if page == "overview" else page, **params))
            wait_for_page(opened)
            main = opened.locator('[data-testid="stMain"]')
            assert "evil.example" in main.inner_text(), page  # the name is shown, as text
            assert main.locator('a[href*="evil"]:not([href^="#"]), img[src*="evil"]').count() == 0
            context.close()
    assert not [url for url in asked if "evil" in url]
