"""scripts/bench_pages.py runs on the small warehouse, one warm and one returning load a page (no
cold load: each would start a server of its own), and reports every page and the floor (no timing
is asserted: that is the script's to print)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from safetynet.app.navigation import PAGES

pytestmark = pytest.mark.browser  # skipped without Chromium, except in CI (tests/conftest.py)

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_pages.py"


def _load():
    spec = importlib.util.spec_from_file_location("safetynet_bench_pages_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reports_every_page_and_the_floor(data_root: Path, chromium: Browser) -> None:
    bench = _load()
    results = bench.measure(data_root, chromium, loads=1, cold_loads=0, warm_up=False)
    keys = [key for _, key, _, _ in PAGES]
    assert list(results) == [*keys, "floor"]
    for key, found in results.items():
        assert not found["cold"] and len(found["warm"]) == len(found["returning"]) == 1, key
        for sample in found["warm"] + found["returning"]:
            assert 0 < sample["ran_ms"] <= sample["drawn_ms"], (key, sample)
            assert sample["bytes"].get("script_finished"), key
    for key in keys:  # every page draws charts (the briefing its map as an image); the floor none
        kind = "imgs" if key == "briefing" else "plotly_chart"
        assert results[key]["warm"][0]["bytes"].get(kind), key
    assert "plotly_chart" not in results["floor"]["warm"][0]["bytes"]
    assert results["risk"]["warm"][0]["bytes"].get("deck_gl_json_chart")

    figures = bench.summary(results)
    assert figures["floor"]["warm_ratio"] == figures["floor"]["returning_ratio"] == 1
    printed = bench.report(figures).splitlines()
    for key in [*keys, "floor"]:
        assert sum(line.startswith(f"{key} ") for line in printed) == 2, key  # times and bytes
