"""The weekly briefing page (周报): its figures against direct counts on the raw files, and its
sentences against what the page itself shows (every number and name in them is on the page)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from conftest import Opened, _open
from test_app import LAST_WEEK, expected

from safetynet.app import fmt
from safetynet.app.labels import FIGURES_BY_KEY, t

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
PLACES = {"city": {}, "dengfeng": {"district": "410185"}}


@pytest.fixture(scope="module")
def shown(data_root: Path) -> dict[str, Opened]:
    return {
        f"{place}-{lang}": _open(data_root, "briefing", {"lang": lang, **params})
        for place, params in PLACES.items()
        for lang in ("zh", "en")
    }


def _points(opened: Opened) -> list[str]:
    block = next(m for m in opened.texts("markdown") if "briefing-points" in m)
    return [re.sub(r"&amp;", "&", s) for s in re.findall(r"<li>(.*?)</li>", block)]


def _everything_else(opened: Opened) -> str:
    """All the page shows besides its sentences: figures, changes, table cells, notes, signals."""
    at = opened.at
    parts = [f"{m.value} {m.delta}" for m in at.metric]
    parts += [str(v) for table in at.table for v in table.value.to_numpy().ravel()]
    parts += [c.value for c in at.caption]
    parts += [m for m in opened.texts("markdown") if "briefing-points" not in m]
    return " ".join(parts)


@pytest.mark.parametrize("place", PLACES)
def test_headline_figures_match_the_raw_files(shown, raw, place: str) -> None:
    want = expected(raw, LAST_WEEK, PLACES[place].get("district"))
    for lang in ("zh", "en"):
        metrics = shown[f"{place}-{lang}"].metrics()
        for key in ("new_hazards", "open_hazards", "major_open", "overdue"):
            figure = FIGURES_BY_KEY[key]
            unit = figure.unit(lang) if lang == "zh" else ""
            assert metrics[figure.name(lang)] == fmt.count(want[key], lang) + unit, key
        for key in ("rectification_rate", "compliance_rate"):
            assert metrics[FIGURES_BY_KEY[key].name(lang)] == fmt.rate(want[key])


@pytest.mark.parametrize("key", [f"{p}-{lang}" for p in PLACES for lang in ("zh", "en")])
def test_every_number_in_the_sentences_is_on_the_page(shown, key: str) -> None:
    opened = shown[key]
    points = _points(opened)
    assert 3 <= len(points) <= 5
    page = _everything_else(opened)
    on_page = set(NUMBER.findall(page))
    for sentence in points:
        missing = [n for n in NUMBER.findall(sentence) if n not in on_page]
        assert not missing, (sentence, missing)


def test_the_sentences_name_the_place_and_say_no_empty_change(shown) -> None:
    for key, opened in shown.items():
        points = _points(opened)
        place = "登封市" if key == "dengfeng-zh" else "Dengfeng" if key == "dengfeng-en" else None
        if place:
            assert place in points[0]
        assert not any(re.search(r"(增加|减少)0处|\b0 (more|fewer)\b", s) for s in points)


def test_the_most_overdue_place_named_is_in_the_table(shown, raw) -> None:
    """The city's sentence on overdue hazards names the unit(s) with most; they head the table."""
    opened = shown["city-zh"]
    sentence = next(s for s in _points(opened) if s.startswith("逾期未整改"))
    table = opened.at.table[0].value
    top = table.iloc[0]
    if "最多" in sentence:
        assert top.iloc[0] in sentence and top.iloc[1] in sentence


def test_a_bad_layout_in_the_link_says_so(data_root: Path) -> None:
    opened = _open(data_root, "briefing", {"layout": "<b>tv</b>"})
    warnings = opened.texts("warning")
    assert any(w.startswith(t("bad_layout", "zh")) and "`<b>tv</b>`" in w for w in warnings)


def test_a_quiet_unit_still_has_three_sentences(data_root: Path, raw) -> None:
    """The unit with fewest open hazards: however little happened, three plain sentences."""
    open_by_unit = (
        raw["hz"].filter(pl.col("rectified_date").is_null()).group_by("district_code").len()
    )
    quiet = open_by_unit.sort("len")["district_code"][0]
    points = _points(_open(data_root, "briefing", {"district": quiet}))
    assert 3 <= len(points) <= 5
